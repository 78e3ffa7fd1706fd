"""文档插图的生成管线。

每张图是一个用 :func:`figure` 注册的函数：接收一个 matplotlib ``Figure``（或自行创建），
画好后由管线保存到 ``docs/figures/<name>``。``python -m adlk figures`` 重新生成全部插图：
固定随机种子、Agg 后端、PNG 中不写时间戳，同样的代码得到同样的文件。

各章的图放在各自的模块里（如 :mod:`adlk.figures.ch01`），导入时完成注册。
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

CHAPTER_MODULES = ("adlk.figures.ch01", "adlk.figures.ch01_part2")
"""注册插图的模块；新增章节时加在这里。"""


@dataclass(frozen=True)
class FigureSpec:
    """一张已注册的插图。"""

    name: str
    draw: Callable[[], matplotlib.figure.Figure]
    needs_training: bool = False


REGISTRY: dict[str, FigureSpec] = {}
_warned: list[bool] = []


def figure(name: str, needs_training: bool = False) -> Callable:
    """装饰器：把一个返回 ``Figure`` 的函数注册为插图 ``name``（相对 ``docs/figures`` 的路径）。"""

    def register(fn: Callable[[], matplotlib.figure.Figure]) -> Callable[[], matplotlib.figure.Figure]:
        if name in REGISTRY:
            raise ValueError(f"figure {name!r} registered twice")
        REGISTRY[name] = FigureSpec(name, fn, needs_training)
        return fn

    return register


def load_all() -> dict[str, FigureSpec]:
    """导入全部章节模块，返回注册表。"""
    for module in CHAPTER_MODULES:
        importlib.import_module(module)
    return REGISTRY


def setup_style() -> None:
    """统一的绘图风格，并选用可显示中文的字体（找不到时退回默认字体）。"""
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
    """保存图片，去掉会随时间变化的元数据，然后关闭。"""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def generate_figures(out_dir: Path, only: Iterable[str] | None = None,
                     progress: bool = True) -> list[Path]:
    """生成全部（或 ``only`` 指定的）插图到 ``out_dir``，返回写出的文件。

    Raises:
        ValueError: ``only`` 中有未注册的名称；消息里列出有效名称。
    """
    import numpy as np

    from adlk.progress import Progress

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    registry = load_all()
    names = sorted(registry)
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise ValueError(f"unknown figure(s) {', '.join(unknown)}; valid figures: {', '.join(names)}")
        names = [n for n in names if n in set(only)]
    written = []
    for name in Progress(names, desc="figures", enabled=progress):
        setup_style()
        np.random.seed(0)
        fig = registry[name].draw()
        target = Path(out_dir) / name
        save(fig, target)
        written.append(target)
    return written
