"""The API reference: one page per package, Sphinx roles rendered as cross-references, never as raw text."""

from __future__ import annotations

import re

from adlk.site.crossrefs import documented_modules
from tests.conftest import DOCS

RAW_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const):`")


def test_reference_is_split_by_package():
    pages = sorted(p.stem for p in (DOCS / "reference").glob("*.md"))
    assert {"index", "common", "runs", "site", "ch01"} <= set(pages), pages
    modules = documented_modules()
    assert {"adlk.ch01", "adlk.runs.runner", "adlk.site.figures"} <= modules


def test_reference_pages_have_no_raw_roles(built_site):
    pages = list((built_site / "reference").rglob("index.html"))
    assert len(pages) > 5
    raw = {p.parent.name: len(RAW_ROLE.findall(p.read_text(encoding="utf-8"))) for p in pages}
    assert not any(raw.values()), f"raw Sphinx roles on the reference pages: {raw}"
    site = (built_site / "reference" / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="#adlk.site.figures.figure"><code>figure()</code></a>' in site, "roles must become links"
