"""Discovery of chapters, their tables and their figure modules; no hand-kept list anywhere.

A chapter is a subpackage ``adlk.chNN``. Its tables are the tuple ``TABLES`` in ``adlk.chNN.experiments``;
its figures are registered by the modules ``adlk.chNN.figures`` and ``adlk.chNN.figures_*``; extra generated
snippets come from ``snippets(results)`` in ``adlk.chNN.report`` (all optional).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import adlk
from adlk.runs.spec import Table

CHAPTER = re.compile(r"ch\d\d")


class RegistryError(ValueError):
    """An unknown chapter, table or row was asked for."""


def chapters() -> list[str]:
    """Chapter package names (``["ch01", "ch02", …]``) found in the installed ``adlk``, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(adlk.__path__) if m.ispkg and CHAPTER.fullmatch(m.name))


def chapter_module(chapter: str, part: str) -> ModuleType | None:
    """``adlk.<chapter>.<part>`` if that module exists, else ``None`` (an import error inside it propagates)."""
    name = f"adlk.{chapter}.{part}"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def _check_chapter(chapter: str) -> None:
    if chapter not in chapters():
        raise RegistryError(f"unknown chapter {chapter!r}; valid chapters: {', '.join(chapters())}")


def tables(chapter: str | None = None) -> list[Table]:
    """All tables of one chapter (or of every chapter), in declaration order.

    Raises:
        RegistryError: unknown chapter, or a table declared under another chapter's name.
    """
    names = chapters() if chapter is None else [chapter]
    found: list[Table] = []
    for ch in names:
        _check_chapter(ch)
        module = chapter_module(ch, "experiments")
        for table in getattr(module, "TABLES", ()) if module else ():
            if table.chapter != ch:
                raise RegistryError(f"adlk/{ch}/experiments.py declares table {table.id!r} of another chapter")
            found.append(table)
    return found


def table(table_id: str) -> Table:
    """The table ``"chNN/name"``.

    Raises:
        RegistryError: unknown chapter or table; the message lists the valid ones.
    """
    chapter, _, name = table_id.partition("/")
    _check_chapter(chapter)
    known = tables(chapter)
    for t in known:
        if t.name == name:
            return t
    raise RegistryError(f"unknown table {name!r} in {chapter}; valid tables: "
                        f"{', '.join(t.name for t in known) or '(none)'}")


def select(target: str) -> list[Table]:
    """``"all"``, ``"ch01"`` or ``"ch01/mlp"`` → the tables meant.

    Raises:
        RegistryError: the target names nothing.
    """
    if target == "all":
        return tables()
    if "/" in target:
        return [table(target)]
    if not CHAPTER.fullmatch(target):
        raise RegistryError(f"expected 'all', a chapter such as 'ch01' or a table such as 'ch01/mlp', got "
                            f"{target!r}; valid chapters: {', '.join(chapters())}")
    return tables(target)


def figure_modules(chapter: str | None = None) -> list[str]:
    """Names of the figure modules (``adlk.chNN.figures`` and ``adlk.chNN.figures_*``)."""
    out = []
    for ch in chapters() if chapter is None else [chapter]:
        pkg = Path(adlk.__path__[0]) / ch
        for m in pkgutil.iter_modules([str(pkg)]):
            if m.name == "figures" or m.name.startswith("figures_"):
                out.append(f"adlk.{ch}.{m.name}")
    return sorted(out)
