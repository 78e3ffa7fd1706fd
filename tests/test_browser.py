"""在真实浏览器（无头 Chromium）里打开构建好的站点：首页、含公式/插图/代码的章节页、深色模式、中文搜索。

需要 Debian 的 chromium 包（`.ci/run` 会安装）和 PyPI 的 playwright（只用它驱动本机的 Chromium，
不下载浏览器）。截图保存在 ``$ADLK_SCREENSHOTS``（默认是本次测试的临时目录），CI 会把它们作为产物保留。
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ADLK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - 不把每个请求打印到测试日志
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    target = Path(os.environ.get("ADLK_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    target.mkdir(parents=True, exist_ok=True)
    return target


def open_page(browser, url):
    """打开页面，收集本站自身的控制台错误（离线时对外部地址的请求失败不算）。"""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def on_console(msg):
        if msg.type == "error" and "127.0.0.1" in (msg.location or {}).get("url", "127.0.0.1"):
            errors.append(f"console: {msg.text}")

    page.on("console", on_console)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url.split("/", 3)[0] + "//"
                                                                                       + url.split("/")[2])
               else route.abort())
    page.goto(url, wait_until="networkidle")
    return page, errors


def broken_images(page):
    return page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")


def test_home_page(browser, server, shots):
    page, errors = open_page(browser, server + "/")
    assert "高级深度学习" in page.title()
    assert page.locator("a[href*='ch01/']").count() > 0
    assert broken_images(page) == []
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    assert errors == []


def test_chapter_page_math_figures_code(browser, server, shots):
    page, errors = open_page(browser, server + "/ch01/mlp/")
    page.wait_for_selector("mjx-container", timeout=20000)
    assert page.locator("mjx-container").count() >= 3, "math is not typeset"
    assert page.locator("img[src*='figures/']").count() >= 1
    assert broken_images(page) == []
    assert page.locator("div.highlight pre code").count() >= 3
    assert page.locator(".adlk-run-card").count() == 1
    page.screenshot(path=str(shots / "chapter-light.png"), full_page=True)
    figure = page.locator("a.glightbox:has(img[src*='figures/'])").first  # click to enlarge
    figure.click()
    page.wait_for_selector(".glightbox-container .gslide-image img", timeout=10000)
    page.wait_for_timeout(800)  # the opening animation
    page.screenshot(path=str(shots / "chapter-figure-enlarged.png"))
    assert errors == []


def test_dark_mode(browser, server, shots):
    page, errors = open_page(browser, server + "/ch01/three-networks/")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert broken_images(page) == []
    page.screenshot(path=str(shots / "chapter-dark.png"), full_page=False)
    assert errors == []


def test_chinese_search(browser, server, shots):
    page, errors = open_page(browser, server + "/")
    box = page.locator("input.md-search__input")
    box.fill("卷积")
    # Material 在 keyup 时查询；输入法输入的汉字不产生 keyup，这里补发 input 事件并按一次 End 键
    box.dispatch_event("input")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert any("/ch01/" in h for h in hrefs), hrefs
    page.screenshot(path=str(shots / "search.png"))
    assert errors == []


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path under its root (``""`` is the home page)."""
    pages = [p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")
             if not {"assets", "javascripts", "search"} & set(p.relative_to(site).parts)]
    return sorted("" if p == "." else p + "/" for p in pages)


LAYOUT = """() => {
  const px = (el) => Math.round(el.scrollWidth - el.clientWidth);
  const name = (el) => (el.closest('[id]') ? '#' + el.closest('[id]').id + ' ' : '') +
                       (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  const article = document.querySelector('article.md-content__inner') || document.body;
  const over = (sel) => [...article.querySelectorAll(sel)].filter(el => el.clientWidth > 0 && px(el) > 1)
                             .map(el => `${name(el)} (${px(el)} px)`);
  // the first header row's cells that lie beyond the table's visible part
  const hidden = [...article.querySelectorAll('.md-typeset__table')].flatMap(wrap => {
    const right = wrap.getBoundingClientRect().right + 1;
    return [...wrap.querySelectorAll('thead th')].filter(th => th.getBoundingClientRect().right > right)
                                                 .map(th => th.textContent.trim());
  });
  const sideways = document.documentElement.scrollWidth - window.innerWidth;
  const culprits = sideways > 1 ? [...article.querySelectorAll('*')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.right > window.innerWidth + 1 && r.width > 0 && !el.closest('.md-typeset__scrollwrap, .highlight, ' +
        '.arithmatex, mjx-container') && [...el.children].every(c => c.getBoundingClientRect().right <= r.right - 1);
    }).slice(0, 5).map(name) : [];
  return {
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || name(e)),
    rawMath: [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('mjx-container'))
                                                           .map(name).slice(0, 5),
    tables: over('.md-typeset__scrollwrap, .md-typeset__table'), hiddenColumns: hidden,
    formulas: over('div.arithmatex, mjx-container[display="true"]'),
    sideways: sideways > 1 ? `${sideways} px: ${culprits.join(' | ')}` : '',
  };
}"""


def check_page(browser, server, path, shots):
    """Open one page at 1,280 px and at 390 px; return its problems (an empty list when it reads well)."""
    problems: list[str] = []
    for width, height in ((1280, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
        response = page.goto(f"{server}/{path}", wait_until="load")  # images and scripts loaded
        if response is None or response.status != 200:
            problems.append(f"{width} px: HTTP {response and response.status}")
        if page.locator(".arithmatex").count():
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
            page.evaluate("MathJax.startup.promise")
        found = page.evaluate(LAYOUT)
        problems += [f"{width} px: {e}" for e in errors]
        problems += [f"{width} px: broken image {src}" for src in broken_images(page)]
        problems += [f"{width} px: MathJax error {e}" for e in found["mathErrors"]]
        problems += [f"{width} px: formula not typeset {e}" for e in found["rawMath"]]
        if width == 1280:
            problems += [f"1280 px: table wider than the column: {t}" for t in found["tables"]]
            problems += [f"1280 px: table columns off-screen: {', '.join(found['hiddenColumns'])}"] * bool(
                found["hiddenColumns"])
            problems += [f"1280 px: formula wider than the column: {f}" for f in found["formulas"]]
        elif found["sideways"]:
            problems.append(f"390 px: the page scrolls sideways by {found['sideways']}")
        name = (path.strip("/").replace("/", "-") or "home") + f"-{width}.png"
        page.screenshot(path=str(shots / "pages" / name), full_page=False)
        page.close()
    return problems


def test_every_page_reads_well(browser, server, shots, built_site):
    """Every page: answers 200, all images load, every formula typesets, nothing wider than the column at
    1,280 px (tables, display formulas), no sideways scrolling on a 390 px phone. Screenshots: ``pages/``."""
    (shots / "pages").mkdir(exist_ok=True)
    pages = site_pages(built_site)
    assert len(pages) > 40 and "ch01/mlp/" in pages
    problems = {p: found for p in pages if (found := check_page(browser, server, p, shots))}
    report = "\n".join(f"/{p}: {line}" for p, lines in problems.items() for line in lines)
    assert not problems, f"{len(problems)} of {len(pages)} pages read badly:\n{report}"
