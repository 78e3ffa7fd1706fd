"""由章节 Markdown 生成 Jupyter 笔记本：一个来源，不另外手工维护副本。

``python -m adlk notebooks`` 把 ``mkdocs.yml`` 导航（页面列表只写在那里）里的每个章节页转换成
``docs/notebooks/<章>-<页>.ipynb``：``python`` 代码块变成代码单元，其余文字变成 Markdown 单元；
``--8<--`` 引入的生成片段就地展开；插图与链接改用站点上的地址（笔记本下载到本地或在 Colab 里打开时，
插图照样显示，链接照样能跳到网站上的对应页面）。网站本身不渲染笔记本：章节页就是同样的内容，
运行卡片提供下载与“在 Colab 中打开”。
第一个单元在缺少 ``adlk`` 时安装它，所以笔记本在 Colab 里可以直接运行。
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
OUT = DOCS / "notebooks"
CHAPTER_PAGE = re.compile(r"ch\d\d/(?!index\.md$)[\w-]+\.md")

INSTALL_CELL = """\
# 第一个单元：缺少 adlk 时安装它（Colab 或新环境）；已安装时什么也不做
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("adlk") is None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "{install}"])
import adlk

print("adlk", adlk.__version__)"""

FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)\s*$")
SNIPPET = re.compile(r'^(?P<indent>\s*)--8<--\s+"(?P<name>[^"]+)"\s*$')
ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s+(?P<kind>\w+)(?:\s+"(?P<title>[^"]*)")?\s*$')
TAB = re.compile(r'^(?P<indent>\s*)===\s+"(?P<title>[^"]*)"\s*$')
COMMENT = re.compile(r"^\s*<!--.*-->\s*$")


def notebook_name(page: Path) -> str:
    """笔记本文件名：``docs/ch01/mlp.md`` → ``ch01-mlp.ipynb``。"""
    return f"{page.parent.name}-{page.stem}.ipynb"


def colab_url(repo: str, branch: str, page: Path) -> str:
    """在 Colab 中打开该页笔记本的地址（笔记本随仓库提交）。"""
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/docs/notebooks/{notebook_name(page)}"


def _expand(lines: list[str], generated: Path) -> list[str]:
    """展开 ``--8<--`` 片段，去掉只对测试有意义的 HTML 注释。"""
    out: list[str] = []
    for line in lines:
        m = SNIPPET.match(line)
        if m:
            text = (generated / m["name"]).read_text(encoding="utf-8")
            out += [m["indent"] + t if t else "" for t in text.splitlines()]
        elif not COMMENT.match(line):
            out.append(line)
    return out


def _markdown(lines: list[str], site_url: str, page: Path) -> str:
    """把 MkDocs 专有的写法改成普通 Markdown：提示框变引用块，标签页变小标题，图片与链接用绝对地址。"""
    out: list[str] = []
    quote_indent: int | None = None
    for line in lines:
        stripped_indent = len(line) - len(line.lstrip())
        if quote_indent is not None and line.strip() and stripped_indent <= quote_indent:
            quote_indent = None
            while out and out[-1] in (">", ""):
                out.pop()
            out.append("")
        m = ADMONITION.match(line)
        if m:
            quote_indent = len(m["indent"])
            out.append(f"> **{m['title'] or m['kind'].capitalize()}**")
            out.append(">")
            continue
        m = TAB.match(line)
        if m:
            out.append(f"**{m['title']}**")
            out.append("")
            continue
        if quote_indent is not None:
            body = line[quote_indent + 4:] if line.startswith(" " * (quote_indent + 4)) else line.strip()
            out.append(("> " + body).rstrip())
            continue
        if line.startswith("    ") and out and out[-1] == "" and len(out) > 1 and out[-2].startswith("**"):
            line = line[4:]
        out.append(line)
    text = "\n".join(out).strip("\n")

    return re.sub(r"(?P<prefix>!?\[[^\]]*\])\((?P<target>[^)\s]+)\)",
                  lambda m: f"{m['prefix']}({site_link(m['target'], site_url, page)})", text)


def site_link(target: str, site_url: str, page: Path) -> str:
    """A link or image path written in the chapter page ``page``, as an address on the published site.

    Relative paths are resolved from the page's folder the way MkDocs does (``../ch03/index.md`` is the chapter's
    index page, ``https://…/ch03/``; ``mlp.md#完整代码`` is ``https://…/ch01/mlp/#完整代码``); external addresses and
    anchors within the page stay as they are. A notebook stands alone (downloaded or opened in Colab), so its
    links and images point at the site.
    """
    import posixpath

    if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):
        return target
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(page.parent.name, path))
    if resolved.startswith("../"):
        raise ValueError(f"{page}: link {target!r} leaves the docs folder")
    if resolved.endswith(".md"):
        resolved = resolved[:-3]
        resolved = resolved[:-len("index")] if resolved == "index" or resolved.endswith("/index") else resolved + "/"
    return f"{site_url.rstrip('/')}/{resolved}{'#' + anchor if anchor else ''}"


def page_to_notebook(page: Path, generated: Path, site_url: str, install: str) -> nbformat.NotebookNode:
    """把一个章节页转换成笔记本。"""
    lines = _expand(page.read_text(encoding="utf-8").splitlines(), generated)
    cells = [nbformat.v4.new_code_cell(INSTALL_CELL.format(install=install))]
    buf: list[str] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m["lang"] == "python" and not m["indent"]:
            if any(s.strip() for s in buf):
                cells.append(nbformat.v4.new_markdown_cell(_markdown(buf, site_url, page)))
            buf = []
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            cells.append(nbformat.v4.new_code_cell("\n".join(lines[i + 1:j])))
            i = j + 1
            continue
        buf.append(lines[i])
        i += 1
    if any(s.strip() for s in buf):
        cells.append(nbformat.v4.new_markdown_cell(_markdown(buf, site_url, page)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{n:03d}"
    return nb


def nav_pages(config: Path) -> list[str]:
    """``mkdocs.yml`` 导航里的全部页面（相对 ``docs/`` 的路径），按导航顺序。"""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml 里有 !!python/name 之类的标签；这里只读 nav，把它们当作空值
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    nav = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader).get("nav") or []
    pages: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, str):
            pages.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav)
    return pages


def chapter_pages(docs: Path = DOCS) -> list[Path]:
    """生成笔记本的章节页：导航里 ``chNN/`` 下除 ``index.md`` 以外的页面，按导航顺序。"""
    return [docs / p for p in nav_pages(Path(docs).parent / "mkdocs.yml") if CHAPTER_PAGE.fullmatch(p)]


def site_links(config: Path = Path("mkdocs.yml")) -> dict[str, str]:
    """读出 ``mkdocs.yml`` 顶层的 ``site_url`` 与 ``repo_url``。

    仓库和站点的地址只写在 ``mkdocs.yml`` 这一处：运行卡片、Colab 链接和笔记本第一个单元的
    安装地址都由它得出。

    Raises:
        ValueError: 缺少其中一项，或地址不是 ``https://`` 开头。
    """
    text = config.read_text(encoding="utf-8")
    links = {}
    for key in ("site_url", "repo_url"):
        m = re.search(rf"^{key}:\s*(\S+)\s*$", text, flags=re.MULTILINE)
        if not m or not m[1].startswith("https://"):
            raise ValueError(f"{config} needs a top-level '{key}: https://...' line (the published site and its "
                             "GitHub repository); the notebooks' links and install cell are made from it")
        links[key] = m[1]
    return links


def generate_notebooks(docs: Path = DOCS, out: Path = OUT, site_url: str | None = None,
                       install: str | None = None) -> list[Path]:
    """生成全部笔记本，返回写出的文件。生成的内容只取决于 Markdown、生成片段与 ``mkdocs.yml`` 里的地址，
    重复运行结果相同。``site_url`` 与 ``install``（pip 的安装地址）省略时由 :func:`site_links` 得出。"""
    if site_url is None or install is None:
        links = site_links(Path(docs).parent / "mkdocs.yml")
        site_url = site_url or links["site_url"]
        install = install or f"git+{links['repo_url'].rstrip('/')}.git"
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for page in chapter_pages(docs):
        nb = page_to_notebook(page, docs / "generated", site_url, install)
        target = out / notebook_name(page)
        target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(target)
    return written
