"""第 1 章的术语：一个概念一个名字，术语表里每个第 1 章的术语只有一行，第一次出现时给出英文。

“不用的译名”的逐页检查在 tests/test_glossary.py；这里确认第 1 章需要的几条确实列在那里，
并检查术语表中第 1 章各行的“首次出现”与正文一致。
"""

from __future__ import annotations

import re

import pytest

from tests.ch01.test_pages import chapter_nav
from tests.conftest import DOCS
from tests.test_glossary import avoided_terms, pages_to_check, violations

GLOSSARY = DOCS / "glossary.md"
ROW = re.compile(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]*?) \| \[([^\]]+)\]\(([^)#]+)(#[^)]*)?\) \|$")


def glossary_rows() -> list[tuple[str, str, str, str]]:
    """术语表各行：（中文，English，首次出现的节号，页面）。"""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(4), m.group(5)))
    return rows


def test_chapter_1_terms_have_one_row_each():
    """第 1 章首次出现的术语，在术语表里只有一行（其他章节的补充写在这一行的说明里）。"""
    rows = glossary_rows()
    ch01 = {zh for zh, _, _, page in rows if page.startswith("ch01/")}
    counts = {zh: sum(1 for z, *_ in rows if z == zh) for zh in ch01}
    assert {zh for zh, n in counts.items() if n > 1} == set()
    assert len(ch01) >= 90, len(ch01)


@pytest.mark.parametrize("avoid, use", [
    ("本书", "本站"),             # 本站 = 这一版，书中 / 原书 = 原书
    ("先验假设", "归纳偏置"),     # 先验只指先验分布
    ("先验知识", "归纳偏置"),
    ("维张量", "阶张量"),         # 维数只指向量的分量个数，张量的轴数叫阶
    ("张量的维数", "张量的阶"),
    ("修正线性单元", "ReLU"),     # ReLU 的中文名只用线性整流函数
    ("RNN 单元", "循环单元"),     # 单元 = units；每个时间步重复使用的计算叫循环单元
])
def test_ambiguous_terms_are_listed_as_avoided(avoid: str, use: str):
    found = {term: u for term, u, _ in avoided_terms()}
    assert avoid in found and use in found[avoid], (avoid, found.get(avoid))


def test_planted_ambiguous_terms_are_caught(tmp_path):
    """一个用了“本书”“先验知识”和“四维张量”的页面：三处都被报告。"""
    page = tmp_path / "ch99" / "page.md"
    page.parent.mkdir()
    page.write_text("本书的代码。\n\nCNN 有一条先验知识。\n\n权重是一个四维张量。\n", encoding="utf-8")
    problems = violations(pages_to_check(tmp_path), avoided_terms())
    assert [p.split(": ", 1)[1].split(" →")[0] for p in problems] == ["本书", "先验知识", "维张量"], problems


FIRST_USE = ["归纳偏置", "局部连接", "最大池化", "感受野", "循环单元", "梯度下降", "泛化", "饱和", "学习率调度", "滑动平均"]


@pytest.mark.parametrize("term", FIRST_USE)
def test_first_use_gives_the_english_on_the_glossary_page(term: str):
    """术语第一次出现（按导航顺序读第 1 章）就在括号里给出英文，所在页面就是术语表“首次出现”链接的页面。"""
    zh, english, _, target = next(r for r in glossary_rows() if r[0] == term)
    first_word = re.split(r"[，（]", english)[0].strip()
    for _, page in chapter_nav():
        text = (DOCS / page).read_text(encoding="utf-8")
        if term in text:
            assert page == target, f"{term} first appears on {page}, but the glossary points to {target}"
            i = text.index(term) + len(term)
            # “术语（English…）”，或写在括号里的“（术语，English）”
            assert text[i:i + 1] in "（，" and first_word in text[i:i + 2 + len(first_word)], (
                f"{page}: the first {term} is not followed by （{first_word}…）: {text[i:i + 40]!r}")
            return
    raise AssertionError(f"{term} does not appear in chapter 1")
