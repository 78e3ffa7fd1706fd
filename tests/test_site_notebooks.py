"""笔记本里的链接与插图：都指向网站上真实存在的页面、锚点和图片（笔记本下载后或在 Colab 里单独打开）。"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from adlk.site.notebooks import generate_notebooks, site_link, site_links
from tests.conftest import DOCS, ROOT

SITE = "https://example.org/book/"
LINK = re.compile(r"!?\[[^\]]*\]\((?P<url>[^)\s]+)\)")


@pytest.mark.parametrize(("target", "expected"), [
    ("../ch03/index.md", "ch03/"),
    ("index.md", "ch01/"),
    ("../index.md", ""),
    ("mlp.md#完整代码", "ch01/mlp/#完整代码"),
    ("../ch04/dcgan.md#生成器与判别器", "ch04/dcgan/#生成器与判别器"),
    ("../figures/ch01/activations.png", "figures/ch01/activations.png"),
    ("../gpu.md", "gpu/"),
])
def test_relative_links_become_site_addresses(target, expected):
    assert site_link(target, SITE, Path("docs/ch01/mlp.md")) == SITE + expected


def test_external_links_and_anchors_stay():
    for target in ("https://keras.io/", "#完整代码", "mailto:a@b.c"):
        assert site_link(target, SITE, Path("docs/ch01/mlp.md")) == target


def test_every_notebook_link_exists_on_the_built_site(built_site, tmp_path):
    """Each link and image in the generated notebooks is a file of the built site, and its anchor an id there."""
    site_url = site_links(ROOT / "mkdocs.yml")["site_url"]
    checked, broken = 0, []
    for nb in generate_notebooks(DOCS, tmp_path):
        cells = nbformat.read(nb, as_version=4).cells
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        for url in sorted({m["url"] for m in LINK.finditer(text)}):
            if not url.startswith(site_url):
                continue
            parts = urlsplit(url[len(site_url):])
            path = unquote(parts.path)
            target = built_site / (path + "index.html" if path == "" or path.endswith("/") else path)
            checked += 1
            if not target.is_file():
                broken.append(f"{nb.name}: {url} (no {target.relative_to(built_site)})")
            elif parts.fragment and f'id="{unquote(parts.fragment)}"' not in target.read_text(encoding="utf-8"):
                broken.append(f"{nb.name}: {url} (no such anchor)")
    assert checked > 50, checked
    assert not broken, "\n".join(broken[:30])
