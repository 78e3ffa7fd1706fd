"""MkDocs 钩子：在每个章节页的标题下插入生成的“运行卡片”。

卡片上的内容全部来自文件：本页代码块在最近一次测试运行（smoke 档位）中的 CPU 时间
（``docs/generated/block-times.json``，由 ``docs/conftest.py`` 记录），页面经 ``--8<--`` 引入的生成片段所用
完整运行的硬件、日期与版本（``docs/generated/runs-index.json`` 列出每个片段用到的结果文件，由
:mod:`adlk.site.report` 写出），以及笔记本、Colab 和源文件的链接。哪些页面是章节页由 ``mkdocs.yml`` 的导航决定。
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path
from typing import Any

from adlk.site.notebooks import CHAPTER_PAGE, colab_url, notebook_name

BRANCH = "main"


SNIPPET = re.compile(r'^\s*--8<--\s+"(?P<name>[^"]+)"', flags=re.MULTILINE)


def _page_runs(page_text: str, docs: Path) -> list[dict[str, Any]]:
    """页面经 ``--8<--`` 引入的生成片段用到的 CPU 结果文件（见 ``runs-index.json``）。"""
    from adlk.runs.results import read_result

    index_file = docs / "generated" / "runs-index.json"
    index = json.loads(index_file.read_text(encoding="utf-8")) if index_file.is_file() else {}
    paths = dict.fromkeys(f for name in SNIPPET.findall(page_text) for f in index.get(name, [])
                          if f.startswith("results/cpu/"))
    return [read_result(docs / p) for p in paths if (docs / p).is_file()]


def _minutes(runs: list[dict[str, Any]]) -> str:
    """``12.3 分钟``, or ``…，其中 2 个是在别的程序争用 CPU 时记录的`` when some runs were recorded under load."""
    from adlk.runs.provenance import under_load

    total = sum(r.get("timing", {}).get("wall_seconds", 0.0) for r in runs) / 60
    text = f"{total:.1f} 分钟" if total >= 0.1 else "不到 0.1 分钟"
    loaded = sum(under_load(r) for r in runs)
    return text + (f"（其中 {loaded} 个是在别的程序争用 CPU 时记录的，用时偏长）" if loaded else "")


def run_card(page_src: str, docs: Path, repo: str, repo_url: str) -> str:
    """一个章节页的运行卡片（Markdown）。"""
    page = Path(page_src)
    times_file = docs / "generated" / "block-times.json"
    times = json.loads(times_file.read_text(encoding="utf-8")) if times_file.is_file() else {}
    entry = times.get(f"docs/{page_src}")
    if entry and not entry["blocks"]:
        blocks = "本页没有代码块"
    elif entry:
        seconds = entry["cpu_seconds"]
        spent = f"{seconds:.1f} 秒" if seconds >= 0.1 else "不到 0.1 秒"
        blocks = (f"本页 {entry['blocks']} 个代码块在 smoke 档位下共用 CPU 时间 {spent}"
                  f"（{entry['cpu']}，{entry['date'][:10]}，TensorFlow {entry['tensorflow']}，Keras {entry['keras']}）")
    else:
        blocks = "本页代码块的 smoke 运行时间尚未记录（运行一次测试即可生成）"
    runs = _page_runs((docs / page_src).read_text(encoding="utf-8"), docs)
    if runs:
        def distinct(fmt: str) -> str:
            return "、".join(dict.fromkeys(fmt.format_map({"tensorflow": "?", **r["provenance"]}) for r in runs))

        dates = sorted(r["provenance"]["date"][:10] for r in runs)
        full = (f":material-chip: 本页的完整运行结果（{len(runs)} 个结果文件）来自 "
                f"{distinct('{cpu}（{cpu_count} 核 CPU）')}，{dates[0]}"
                f"{'' if dates[0] == dates[-1] else ' 至 ' + dates[-1]}，"
                f"{distinct('TensorFlow {tensorflow}，Keras {keras}，Python {python}')}"
                f"，这些运行合计用时 {_minutes(runs)}。")
    else:
        full = ":material-chip: 本页没有引用完整训练的结果。"
    nb = notebook_name(Path("docs") / page)
    links = (f'[:material-download: 下载笔记本](../notebooks/{nb}){{ .md-button download="{nb}" }} '
             f"[:simple-googlecolab: 在 Colab 中打开]({colab_url(repo, BRANCH, Path('docs') / page)}){{ .md-button }} "
             f"[:material-github: 本页源文件]({repo_url.rstrip('/')}/blob/{BRANCH}/docs/{page_src}){{ .md-button }}")
    return (f'<div class="adlk-run-card" markdown>\n\n{links}\n\n'
            f":material-timer-outline: {blocks}。<br>\n{full}\n\n</div>\n")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs 钩子：章节页在第一个一级标题后插入运行卡片。"""
    src = page.file.src_uri
    if not CHAPTER_PAGE.fullmatch(src) or page.file.src_uri not in _nav_pages(config):
        return markdown
    docs = Path(config["docs_dir"])
    repo_url = config.get("repo_url") or ""
    repo = re.sub(r"^https://github.com/", "", repo_url).strip("/")
    card = run_card(src, docs, repo, repo_url)
    return re.sub(r"^(# .+\n)", lambda m: m.group(1) + "\n" + card + "\n", markdown, count=1, flags=re.M)


def _nav_pages(config: Any) -> set[str]:
    from adlk.site.notebooks import nav_pages

    return set(nav_pages(Path(config["config_file_path"])))


MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output", "ui", "a11y", "adaptors")


def on_post_build(config: Any) -> None:
    """把随 ``django-static-mathjax`` 安装的 MathJax 3 复制进站点，公式在离线时也能排版。"""
    spec = importlib.util.find_spec("mathjax")
    source = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if source is None or not (source / "tex-mml-chtml.js").is_file():
        raise RuntimeError("MathJax files not found: install the docs extra (pip install -e '.[docs]')")
    target = Path(config["site_dir"]) / "javascripts" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
