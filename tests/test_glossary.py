"""术语表的规则：一个概念只用一个名字。

术语表最后的“不用的译名”一节列出不再使用的说法；这里检查 docs/ 下的每个页面（术语表本身和生成的片段除外）
都没有用到它们。含有这些词、但意思不同的固定说法（如“混合精度”）列在“仍可出现在”一栏，不算违规。
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import DOCS

GLOSSARY = DOCS / "glossary.md"
SECTION = "## 不用的译名"


def avoided_terms(glossary: Path = GLOSSARY) -> list[tuple[str, str, list[str]]]:
    """解析术语表的“不用的译名”表格：返回（不用的词，改用的词，仍可出现的固定说法）的列表。"""
    text = glossary.read_text(encoding="utf-8")
    if SECTION not in text:
        raise ValueError(f"{glossary} has no section {SECTION!r}; add it back or update tests/test_glossary.py")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    terms = []
    for line in rows[2:]:  # 跳过表头和分隔行
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        avoid, use, allowed = cells[0], cells[1], cells[2] if len(cells) > 2 else ""
        # “仍可出现在”一栏：写在反引号里的是原样的字符串（如链接锚点），后面可以跟一个括号注释
        allowed_forms = []
        for a in (a.strip() for a in allowed.split("、")):
            literal = re.fullmatch(r"`([^`]+)`(?:（[^（）]*）)?", a)
            if literal or a:
                allowed_forms.append(literal.group(1) if literal else a)
        for term in (t.strip() for t in avoid.split("、")):
            if term:
                terms.append((term, use, allowed_forms))
    return terms


def violations(pages: list[Path], terms: list[tuple[str, str, list[str]]]) -> list[str]:
    """页面中出现的不用的译名，格式为“文件:行: 词 → 改用的词”。"""
    found = []
    for page in pages:
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for term, use, allowed in terms:
                masked = line
                for form in allowed:
                    if term in form:
                        masked = masked.replace(form, "□" * len(form))
                if term in masked:
                    found.append(f"{page}:{n}: {term} → {use}")
    return found


def pages_to_check(docs: Path = DOCS) -> list[Path]:
    return sorted(p for p in docs.rglob("*.md") if "generated" not in p.relative_to(docs).parts
                  and p.resolve() != (docs / "glossary.md").resolve())


def test_glossary_lists_avoided_terms():
    terms = avoided_terms()
    assert len(terms) >= 10, terms
    assert ("精度", "准确率", ["混合精度", "任意精度", "数值精度"]) in terms


def test_no_page_uses_an_avoided_term():
    pages = pages_to_check()
    assert len(pages) >= 10, pages
    problems = violations(pages, avoided_terms())
    assert not problems, "术语表“不用的译名”中的词出现在页面里：\n" + "\n".join(problems)


def test_check_catches_a_planted_violation(tmp_path):
    """在临时页面里放一个违规的词和一个允许的固定说法：只有前者被报告。"""
    page = tmp_path / "ch99" / "page.md"
    page.parent.mkdir()
    page.write_text("# 测试\n\n混合精度训练得很快。\n\n这个模型的精度是 98%。\n\n见 [Dropout](mlp.md#丢弃法dropout)。\n",
                    encoding="utf-8")
    (tmp_path / "glossary.md").write_text("这个文件不检查：精度\n", encoding="utf-8")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "snippet.md").write_text("生成的片段不检查：精度\n", encoding="utf-8")
    pages = pages_to_check(tmp_path)
    assert pages == [page]
    problems = violations(pages, avoided_terms())
    assert problems == [f"{page}:5: 精度 → 准确率"], problems


def test_missing_section_is_a_clear_error(tmp_path):
    bad = tmp_path / "glossary.md"
    bad.write_text("# 术语表\n", encoding="utf-8")
    try:
        avoided_terms(bad)
    except ValueError as err:
        assert "不用的译名" in str(err)
    else:
        raise AssertionError("a glossary without the section must raise ValueError")


def glossary_terms(glossary: Path = GLOSSARY) -> list[str]:
    """术语表各主题表格（“不用的译名”一节之前）第一栏的中文术语，按出现的次序。"""
    text = glossary.read_text(encoding="utf-8").split(SECTION, 1)[0]
    terms = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4 and cells[0] not in ("中文", "") and not set(cells[0]) <= set("-"):
            terms.append(cells[0])
    return terms


def test_each_term_has_one_row():
    """一个概念一行：同一个中文术语在术语表里只出现一次（说明与“首次出现”的链接也就只有一处）。"""
    terms = glossary_terms()
    assert len(terms) >= 100, terms
    duplicates = sorted({t for t in terms if terms.count(t) > 1})
    assert not duplicates, f"术语表里重复的术语：{duplicates}"


def test_no_term_is_also_avoided():
    """术语表推荐的译名不能同时出现在“不用的译名”的左栏里。"""
    avoided = {term for term, _, _ in avoided_terms()}
    assert not avoided & set(glossary_terms()), avoided & set(glossary_terms())


def test_latent_has_one_rendering(tmp_path):
    """latent 统一译作“潜在”：第 8 章式的“隐变量”“隐空间”会被报告，“隐藏层”“隐藏状态”不会。"""
    page = tmp_path / "ch08" / "page.md"
    page.parent.mkdir()
    page.write_text("# 测试\n\n隐藏层的输出。\n\n每一维隐变量的 KL。\n\n在隐空间里取点。\n\n潜在变量 $z$。\n", encoding="utf-8")
    problems = violations(pages_to_check(tmp_path), avoided_terms())
    assert [p.split(": ", 1)[1] for p in problems] == ["隐变量 → 潜在变量、潜在向量、潜在空间",
                                                      "隐空间 → 潜在变量、潜在向量、潜在空间"], problems
