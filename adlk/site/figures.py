"""The figure pipeline: registry, style, saving, and reading recorded runs' artifacts.

Each figure is a function registered with :func:`figure` that returns a matplotlib ``Figure``; the pipeline
saves it as ``docs/figures/<name>``. Chapters keep their figures in ``adlk/chNN/figures.py`` (and
``figures_*.py``), discovered by :func:`load_all`; every name starts with its chapter (``"ch04/…"``).
Figures never train: what needs a trained model reads a recorded run's artifact with :func:`load_artifact`
and draws a "尚无记录" placeholder (:func:`placeholder`) when the run has not been recorded.
``python -m adlk figures`` regenerates them: fixed seeds, the Agg backend, no timestamps in the PNGs.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
"""The repository's docs folder (results are read from ``DOCS / "results"``)."""


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure."""

    name: str
    draw: Callable[[], matplotlib.figure.Figure]
    module: str


REGISTRY: dict[str, FigureSpec] = {}
_warned: list[bool] = []


def figure(name: str) -> Callable:
    """Decorator: register a function returning a ``Figure`` as ``name`` (a path under ``docs/figures``).

    Raises:
        ValueError: the name is registered twice, or does not start with the module's chapter.
    """

    def register(fn: Callable[[], matplotlib.figure.Figure]) -> Callable[[], matplotlib.figure.Figure]:
        parts = fn.__module__.split(".")
        if len(parts) > 1 and parts[0] == "adlk" and parts[1].startswith("ch") and not name.startswith(parts[1] + "/"):
            raise ValueError(f"figure {name!r} of {fn.__module__} must be named '{parts[1]}/…'")
        if name in REGISTRY and REGISTRY[name].draw.__qualname__ != fn.__qualname__:
            raise ValueError(f"figure {name!r} registered twice")
        REGISTRY[name] = FigureSpec(name, fn, fn.__module__)
        return fn

    return register


def load_all(chapter: str | None = None) -> dict[str, FigureSpec]:
    """Import every chapter's figure modules (or one chapter's) and return the registry."""
    from adlk.runs.registry import figure_modules

    for module in figure_modules(chapter):
        importlib.import_module(module)
    return REGISTRY


CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC")
"""Preferred fonts for Chinese labels, best first; any other installed font that covers Chinese is used after them."""

LATIN_FONT = "DejaVu Sans"
"""Matplotlib's own font, after the CJK font in the family list: Matplotlib (≥ 3.6) falls back to it glyph by glyph
for what the CJK font lacks (WenQuanYi has no ``⁻⁶``), and :func:`bold` puts it first (WenQuanYi has no bold face).
The CJK font stays first because text with ``$…$`` is drawn by mathtext, which uses the first family only."""


def bold() -> dict[str, object]:
    """Text properties for bold labels: Latin letters and digits from DejaVu Sans Bold, Chinese from the CJK font.

    The common CJK fonts (WenQuanYi) have no bold face, so ``fontweight="bold"`` alone draws regular digits.
    """
    family = plt.rcParams["font.family"]
    return {"fontweight": "bold", "family": [LATIN_FONT, *(f for f in family if f != LATIN_FONT)]}


PROBE = "图中文字"
"""Characters a usable CJK font must contain."""


class NoCJKFontError(RuntimeError):
    """No installed font can draw Chinese: the figures would show boxes (tofu) instead of labels."""


def _covers(path: str, text: str = PROBE) -> bool:
    """Whether the font file ``path`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in text)


def _system_cjk_files() -> list[str]:
    """Font files the system says cover Chinese (``fc-list :lang=zh``), plus known names in the font folders.

    Matplotlib reads its font list from a cache written the first time it ran; a font installed later is missing
    from that list until the cache is rebuilt, so the system is asked directly.
    """
    import shutil
    import subprocess

    from matplotlib import font_manager

    files: list[str] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30).stdout
            files += [line.strip().rstrip(":").strip() for line in out.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            pass
    known = re.compile(r"wqy|wenquanyi|notosanscjk|notosanssc|sourcehansans|simhei|msyh|pingfang", re.IGNORECASE)
    files += [f for f in font_manager.findSystemFonts() if known.search(Path(f).name.replace("-", ""))]
    return sorted({f for f in files if Path(f).is_file()})


def cjk_fonts() -> list[str]:
    """Family names of the installed fonts that can draw Chinese, preferred ones first.

    Fonts installed after Matplotlib's font cache was written are added to its font manager first.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager

    def usable() -> list[str]:
        families: dict[str, bool] = {}
        for entry in manager.ttflist:
            if entry.name not in families:
                families[entry.name] = False
            if not families[entry.name] and (entry.name in CJK_FONTS or "CJK" in entry.name
                                             or re.search(r"[\u4e00-\u9fff]", entry.name)):
                families[entry.name] = _covers(entry.fname)
        found = [name for name, ok in families.items() if ok]
        return sorted(found, key=lambda n: (CJK_FONTS.index(n) if n in CJK_FONTS else len(CJK_FONTS), n))

    found = usable()
    if not found:
        listed = {entry.fname for entry in manager.ttflist}
        for path in _system_cjk_files():
            if path not in listed and _covers(path):
                manager.addfont(path)
        found = usable()
    return [name for name in found if "Mono" not in name] or found


def setup_style(strict: bool | None = None) -> None:
    """One plotting style: an installed CJK font, DejaVu Sans for the glyphs it lacks.

    Args:
        strict: raise instead of warning when no font can draw Chinese. Default: under ``CI=true``.

    Raises:
        NoCJKFontError: ``strict`` and no installed font covers Chinese.
    """
    plt.rcdefaults()
    chosen = cjk_fonts()[:1]
    if strict is None:
        strict = os.environ.get("CI", "").lower() in ("true", "1")
    if not chosen:
        message = ("no installed font can draw Chinese, so every Chinese label in the figures would be boxes; "
                   "install one (e.g. `apt-get install fonts-wqy-microhei` or `fonts-noto-cjk`) and run again")
        if strict:
            raise NoCJKFontError(message)
        if not _warned:
            _warned.append(True)
            print(f"[adlk] {message}", file=sys.stderr)
    plt.rcParams.update({
        "font.family": [*chosen, LATIN_FONT],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "svg.hashsalt": "adlk",
    })


def save(fig: matplotlib.figure.Figure, path: Path) -> None:
    """Save without time-dependent metadata, then close."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def placeholder(title: str, command: str) -> matplotlib.figure.Figure:
    """The figure shown while a recorded run is missing: what it will show and the command that records it."""
    fig, ax = plt.subplots(figsize=(6, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.62, f"{title}：尚无记录", ha="center", va="center", fontsize=12)
    ax.text(0.5, 0.25, f"运行 {command} 后重新生成本图", ha="center", va="center", fontsize=9, color="#555")
    return fig


def result_file(table_id: str, row: str, device: str = "cpu") -> Path:
    """Path of a recorded row's result file (``table_id`` is ``"chNN/name"``)."""
    from adlk.runs.registry import table
    from adlk.runs.results import result_path

    t = table(table_id)
    return result_path(DOCS / "results" / device, t, t.run(row))


def load_artifact(table_id: str, row: str, name: str, device: str = "cpu",
                  seed: int | None = None) -> dict[str, np.ndarray] | None:
    """The arrays of artifact ``name`` of a recorded row, or ``None`` when the row has no recorded result.

    Args:
        table_id: ``"chNN/table"``.
        row: row id.
        name: artifact name given to :meth:`adlk.runs.context.RunContext.save_npz`.
        device: ``"cpu"`` or ``"gpu"`` results.
        seed: for rows with several seeds, which seed's artifact (default: the first seed).

    Raises:
        ValueError: the result exists but has no such artifact (the message lists the ones it has).
    """
    from adlk.runs.results import read_result

    path = result_file(table_id, row, device)
    if not path.is_file():
        return None
    data = read_result(path)
    artifacts = data.get("artifacts", {})
    if seed is not None or name not in artifacts:
        key = f"{name}@{seed if seed is not None else data['run']['seeds'][0]}"
        if key in artifacts:
            name = key
    if name not in artifacts:
        raise ValueError(f"{path} has no artifact {name!r}; it has: {', '.join(artifacts) or '(none)'}")
    file = path.parent / artifacts[name]
    suffix = file.suffix
    if suffix != ".npz":
        return {"path": np.array(str(file))}
    with np.load(file) as f:
        return {k: f[k] for k in f.files}


def generate_figures(out_dir: Path, only: Iterable[str] | None = None, chapter: str | None = None,
                     progress: bool = True) -> list[Path]:
    """Draw every registered figure (or those in ``only``, or one chapter's) into ``out_dir``.

    Raises:
        ValueError: ``only`` names an unregistered figure; the message lists the valid names.
    """
    from adlk.progress import Progress

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    registry = load_all(chapter)
    names = sorted(n for n in registry if chapter is None or n.startswith(chapter + "/"))
    if only:
        unknown = sorted(set(only) - set(registry))
        if unknown:
            raise ValueError(f"unknown figure(s) {', '.join(unknown)}; valid figures: {', '.join(sorted(registry))}")
        names = [n for n in sorted(registry) if n in set(only)]
    written = []
    for name in Progress(names, desc="figures", enabled=progress):
        setup_style()
        np.random.seed(0)
        fig = registry[name].draw()
        target = Path(out_dir) / name
        save(fig, target)
        written.append(target)
    return written
