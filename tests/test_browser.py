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
