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


def setup_style() -> None:
    """One plotting style, with a font that shows Chinese (falls back to the default font with a warning)."""
    from matplotlib import font_manager

    plt.rcdefaults()
    candidates = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                  "Source Han Sans SC", "SimHei", "Microsoft YaHei"]
    available = {f.name for f in font_manager.fontManager.ttflist}
    chosen = [c for c in candidates if c in available]
    if not chosen and not _warned:
        _warned.append(True)
        print("[adlk] no CJK font found: Chinese labels in figures will not render; "
              "install one, e.g. `apt-get install fonts-wqy-microhei`", file=sys.stderr)
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": chosen + ["DejaVu Sans"],
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
