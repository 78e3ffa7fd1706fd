"""链接文字里的节号与目标页面的标题一致：写着“1.5 节”的链接，指向的页面标题必须以“1.5 ”开头。

章节调整次序以后，旧的节号很容易留在别的页面的链接里（例如第 1 章重排后，指向 cnn.md 的链接还写着“1.6 节”）。
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import DOCS

LINK = re.compile(r"\[(?:第\s*)?(\d+)\.(\d+)(?:\s*节)?\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def mismatched_section_links(docs: Path = DOCS) -> tuple[int, list[str]]:
    """（检查过的链接数，节号与目标页标题不符的链接）。"""
    checked, bad = 0, []
    for page in sorted(docs.rglob("*.md")):
        if {"generated", "notebooks"} & set(page.relative_to(docs).parts):
            continue
        for m in LINK.finditer(page.read_text(encoding="utf-8")):
            target = (page.parent / m.group(3)).resolve()
            if not target.is_file():
                continue  # 断开的链接由 mkdocs build --strict 报告
            checked += 1
            title = next((line for line in target.read_text(encoding="utf-8").splitlines() if line.startswith("# ")), "")
            if not title.startswith(f"# {m.group(1)}.{m.group(2)} "):
                bad.append(f"{page.relative_to(docs)}: {m.group(0)} → {title or '（没有一级标题）'}")
    return checked, bad


def test_section_numbers_in_links_match_the_target_titles():
    checked, bad = mismatched_section_links()
    assert checked >= 100, checked
    assert not bad, "链接文字的节号与目标页面的标题不符：\n" + "\n".join(bad)


def test_check_catches_a_stale_number(tmp_path):
    (tmp_path / "ch01").mkdir()
    (tmp_path / "ch01" / "cnn.md").write_text("# 1.5 卷积神经网络\n", encoding="utf-8")
    (tmp_path / "ch02").mkdir()
    (tmp_path / "ch02" / "page.md").write_text("见 [1.6 节](../ch01/cnn.md#感受野) 与 [1.5 节](../ch01/cnn.md)。\n",
                                               encoding="utf-8")
    checked, bad = mismatched_section_links(tmp_path)
    assert checked == 2 and len(bad) == 1 and "1.6 节" in bad[0], bad
