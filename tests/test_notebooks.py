"""笔记本由章节 Markdown 生成：提交的笔记本必须是最新的，并且在 smoke 档位下能从头运行到尾。"""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import nbformat
import pytest

from adlk.site.notebooks import chapter_pages, generate_notebooks, nav_pages, notebook_name, site_links
from tests.conftest import DOCS, ROOT

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


def test_install_cell_installs_adlk_where_it_is_missing(tmp_path):
    """第一个单元的安装分支（Colab 走的就是它）：在没有 adlk 的全新虚拟环境里运行提交的第一个单元。

    单元里的地址是 ``git+<repo_url>.git``；测试离线运行，所以把它换成一个本地构建的 wheel，
    并用 ``PIP_NO_DEPS`` / ``PIP_NO_INDEX`` 不装依赖（这里只验证安装与导入的逻辑）。
    """
    cell = nbformat.read(DOCS / "notebooks" / notebook_name(PAGES[0]), as_version=4).cells[0].source
    url = f"git+{site_links(ROOT / 'mkdocs.yml')['repo_url'].rstrip('/')}.git"
    assert url in cell, "the install cell must install from mkdocs.yml's repo_url"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(ROOT),
                    "-w", str(tmp_path / "wheel")], check=True)
    wheel = next((tmp_path / "wheel").glob("adlk-*.whl"))
    venv.create(tmp_path / "env", with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    env = {**os.environ, "PIP_NO_DEPS": "1", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    code = cell.replace(url, str(wheel))
    first = subprocess.run([python, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"adlk {__import__('adlk').__version__}")
    data = "import importlib.resources as r; print((r.files('adlk') / 'data' / 'mnist.npz').is_file())"
    packaged = subprocess.run([python, "-c", data], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert packaged.stdout.strip() == "True", "the installed package must carry its MNIST copy"

def _first_page_of_each_chapter(pages):
    seen, out = set(), []
    for page in pages:
        if page.parent.name not in seen:
            seen.add(page.parent.name)
            out.append(page)
    return out


# 每个代码块已经作为页面的一部分执行过一次；这里每章只把第一页的笔记本从头执行一遍，检查转换本身
# （安装单元、展开的片段、单元顺序），以免 13 章的 CI 时间翻倍
@pytest.mark.parametrize("page", _first_page_of_each_chapter(PAGES), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_notebook_runs_in_smoke(page, monkeypatch, tmp_path):
    from nbclient import NotebookClient

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(DOCS / "notebooks" / notebook_name(page), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(tmp_path)}})  # 单元写的文件留在临时目录
    client.execute(env=dict(os.environ))
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert first.startswith("adlk ")


def test_site_links_name_the_missing_setting(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: https://example.github.io/x/\n", encoding="utf-8")
    with pytest.raises(ValueError, match="repo_url"):
        site_links(config)


def test_pages_come_from_the_nav_only(tmp_path):
    """页面列表只写在 mkdocs.yml 的导航里：笔记本与运行卡片都从那里读。"""
    (tmp_path / "docs" / "ch07").mkdir(parents=True)
    for name in ("index", "a", "b"):
        (tmp_path / "docs" / "ch07" / f"{name}.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_url: https://x.github.io/y/\nrepo_url: https://github.com/x/y\n"
        "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
        "nav:\n  - ch07/index.md\n  - 7.1 B: ch07/b.md\n", encoding="utf-8")
    assert nav_pages(tmp_path / "mkdocs.yml") == ["ch07/index.md", "ch07/b.md"]
    assert [p.name for p in chapter_pages(tmp_path / "docs")] == ["b.md"]
