"""笔记本由章节 Markdown 生成：提交的笔记本必须是最新的，并且在 smoke 档位下能从头运行到尾。"""

from __future__ import annotations

import os

import nbformat
import pytest

from adlk.notebooks import chapter_pages, generate_notebooks, notebook_name
from tests.conftest import DOCS

PAGES = chapter_pages(DOCS)


def test_committed_notebooks_are_current(tmp_path):
    fresh = {p.name: p.read_text(encoding="utf-8") for p in generate_notebooks(DOCS, tmp_path)}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "notebooks").glob("*.ipynb")}
    assert fresh.keys() == committed.keys(), "run `python -m adlk notebooks` and commit docs/notebooks/"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale notebooks {stale}: run `python -m adlk notebooks` and commit docs/notebooks/"


def test_notebook_structure():
    nb = nbformat.read(DOCS / "notebooks" / notebook_name(PAGES[0]), as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "code" and "pip" in nb.cells[0].source
    assert any(c.cell_type == "markdown" for c in nb.cells)
    assert all("--8<--" not in c.source for c in nb.cells)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_notebook_runs_in_smoke(page, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(DOCS / "notebooks" / notebook_name(page), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(DOCS.parent)}})
    client.execute(env=dict(os.environ))
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert first.startswith("adlk ")
