"""Turning code and recorded results into pages: figures, tables, notebooks and the MkDocs hooks.

Readers never import this package. It never imports a chapter by name: chapters are discovered
(:mod:`adlk.runs.registry`).
"""
