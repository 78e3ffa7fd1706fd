"""第 1 章的页面顺序与节号：导航、页面标题和正文里的“1.N 节”链接彼此一致。"""

from __future__ import annotations

import re

import yaml

from tests.conftest import DOCS, ROOT

NUMBERED = re.compile(r"^(1\.\d) ")


def chapter_nav() -> list[tuple[str, str]]:
    """mkdocs.yml 里第 1 章的导航：（标题，页面）列表，按导航顺序。"""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for entry in config["nav"]:
        for title, pages in entry.items():
            if isinstance(pages, list) and "ch01/index.md" in pages:
                return [next(iter(p.items())) for p in pages if isinstance(p, dict)]
    raise AssertionError("chapter 1 is missing from mkdocs.yml nav")


def page_numbers() -> dict[str, str]:
    """页面文件名 → 页面标题里的节号（如 cnn.md → 1.5）。"""
    numbers = {}
    for page in (DOCS / "ch01").glob("*.md"):
        title = page.read_text(encoding="utf-8").splitlines()[0]
        m = re.match(r"# (1\.\d) ", title)
        if m:
            numbers[page.name] = m.group(1)
    return numbers


def test_nav_titles_match_page_titles_and_run_in_order():
    numbers = page_numbers()
    nav = [(title, page) for title, page in chapter_nav() if NUMBERED.match(title)]
    assert [NUMBERED.match(t).group(1) for t, _ in nav] == sorted(numbers.values())
    for title, page in nav:
        assert numbers[page.removeprefix("ch01/")] == NUMBERED.match(title).group(1), (title, page)


def test_comparison_tables_come_after_the_models_they_compare():
    order = [page for _, page in chapter_nav()]
    assert order.index("ch01/configurations.md") > max(order.index("ch01/cnn.md"), order.index("ch01/rnn.md"))


def test_section_links_use_the_target_pages_number():
    """正文里写成“[1.N …](page.md…)”的链接，N 必须是目标页面标题里的节号。"""
    numbers = page_numbers()
    wrong = []
    for page in [*DOCS.glob("*.md"), *(DOCS / "ch01").glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for number, target in re.findall(r"\[(1\.\d)[^\]]*\]\((?:ch01/)?([a-z-]+\.md)", text):
            if numbers.get(target) != number:
                wrong.append(f"{page.name}: [{number} …]({target}) but {target} is {numbers.get(target)}")
    assert not wrong, wrong
