"""插图里的中文：找到已安装的中文字体（即使 Matplotlib 的字体缓存早于它），逐字回退，CI 里没有字体就失败。"""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from adlk.site import figures

LABEL = "学习率 ×10⁻⁶，σ ≈ 0.69（第 1,000 步）"
"""Chinese, full-width punctuation, superscripts: WenQuanYi lacks ⁻ and ⁶, DejaVu Sans lacks the Chinese."""

SYSTEM_CJK = [f for f in figures._system_cjk_files() if figures._covers(f)]
needs_font = pytest.mark.skipif(
    not SYSTEM_CJK and not figures.cjk_fonts(),
    reason="no font covering Chinese is installed here (apt-get install fonts-wqy-microhei); "
           "CI installs one, and test_ci_fails_without_a_cjk_font covers this case")


@pytest.fixture
def stale_cache(monkeypatch):
    """Matplotlib's font list as a cache written before any CJK font was installed: only non-CJK fonts."""
    before = font_manager.fontManager.ttflist
    kept = [e for e in before if not figures._covers(e.fname)]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    font_manager.fontManager._findfont_cached.cache_clear()
    yield
    font_manager.fontManager.ttflist = before
    font_manager.fontManager._findfont_cached.cache_clear()
    plt.rcdefaults()


def render(text: str, caplog: pytest.LogCaptureFixture, **props: object) -> list[str]:
    """Draw ``text`` into a PNG the way the pipeline does; return the missing-glyph warnings.

    Plain text warns through :mod:`warnings`; text with ``$…$`` (mathtext) logs "does not have a glyph".
    """
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("WARNING"):
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.set_title(text, **props)
        ax.text(0.1, 0.3, text, **props)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return ([str(w.message) for w in caught if "missing from font" in str(w.message)]
            + [r.getMessage() for r in caplog.records if "does not have a glyph" in r.getMessage()])


@needs_font
def test_every_glyph_of_a_chinese_label_is_drawn(caplog):
    figures.setup_style(strict=True)
    family = plt.rcParams["font.family"]
    assert family[-1] == figures.LATIN_FONT and len(family) == 2, family
    assert render(LABEL, caplog) == []
    assert render(LABEL, caplog, **figures.bold()) == []
    assert render("均值 $\\mu$ 与方差 $\\sigma^2$", caplog) == [], "Chinese beside mathtext"
    used = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=family))
    assert any(figures._covers(str(path)) for path in used), f"no font used for figures covers Chinese: {used}"


@needs_font
def test_bold_latin_text_is_bold():
    """Bold digits come from DejaVu Sans Bold (WenQuanYi has no bold face, so bold used to vanish)."""
    figures.setup_style(strict=True)
    props = font_manager.FontProperties(**{k if k != "fontweight" else "weight": v for k, v in figures.bold().items()})
    first = font_manager.fontManager._find_fonts_by_props(props)[0]
    assert "Bold" in str(first), first


@needs_font
def test_a_font_installed_after_the_cache_is_found(stale_cache, caplog):
    assert not [e for e in font_manager.fontManager.ttflist if figures._covers(e.fname)]
    figures.setup_style(strict=True)
    assert plt.rcParams["font.family"][:-1], "the CJK font installed after Matplotlib's cache was not found"
    assert render(LABEL, caplog) == []


def test_ci_fails_without_a_cjk_font(stale_cache, monkeypatch, tmp_path):
    monkeypatch.setattr(figures, "_system_cjk_files", lambda: [])
    monkeypatch.setenv("CI", "true")
    with pytest.raises(figures.NoCJKFontError, match="install one"):
        figures.setup_style()
    with pytest.raises(figures.NoCJKFontError):
        figures.generate_figures(tmp_path, only=["ch01/mnist-samples.png"], progress=False)
    from adlk.cli import main

    assert main(["figures", "ch01", "--only", "ch01/mnist-samples.png", "--out", str(tmp_path)]) != 0
    assert not list(tmp_path.rglob("*.png")), "no figure may be written with boxes instead of Chinese"
    monkeypatch.setenv("CI", "false")
    figures.setup_style()  # outside CI: a warning, the figures are still drawn
    assert plt.rcParams["font.family"] == [figures.LATIN_FONT]
