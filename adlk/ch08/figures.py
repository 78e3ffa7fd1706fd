"""第 8 章的插图。

原理部分的图（KL 散度的等高线、重参数化前后的计算图）由公式直接算出；其余的图只读取记录下来的运行
（``docs/results/cpu/ch08/``）保存的小文件：测试图像潜在变量的均值、解码网格、每个标签的数字和 β-VAE 沿各
潜在变量方向的变化。生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from adlk.site.figures import figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"
VAE_ROWS = (("mlp", "MLP VAE（MSE）"), ("cnn", "CNN VAE（MSE）"))
CVAE_ROWS = (("cvae", "CVAE（β = 1）"), ("beta-9", "β-VAE（β = 9）"), ("beta-10", "β-VAE（β = 10）"))
LIMIT = 4.0


def _command(table: str) -> str:
    return f"python -m adlk reproduce ch08/{table}"


def _mosaic(images: np.ndarray, gap: int = 0) -> np.ndarray:
    """(行, 列, 28, 28) 的图像拼成一张大图；gap 是图与图之间的白边（像素）。"""
    rows, cols, h, w = images.shape
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), 255, dtype=np.uint8)
    for r in range(rows):
        for c in range(cols):
            out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = images[r, c]
    return out


def _grid_ticks(ax, n: int, size: int = 28, limit: float = LIMIT) -> None:
    """解码网格的坐标：每格中心标出它对应的 z 值（与书中的画法相同）。"""
    values = np.linspace(-limit, limit, n)
    pos = np.arange(n) * size + size / 2
    step = max(1, n // 6)
    ax.set_xticks(pos[::step], [f"{v:.1f}" for v in values[::step]])
    ax.set_yticks(pos[::step], [f"{v:.1f}" for v in values[::-1][::step]])
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")


def _scatter(ax, data: dict[str, np.ndarray], title: str):
    z = data["z_mean"].astype(np.float32)
    points = ax.scatter(z[:, 0], z[:, 1], c=data["labels"], cmap="tab10", vmin=-0.5, vmax=9.5, s=3, alpha=0.7)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    ax.grid(alpha=0.2)
    return points


def _latent_figure(table: str, rows: tuple[tuple[str, str], ...], title: str) -> Figure:
    found = [(label, load_artifact(f"ch08/{table}", row, "latent")) for row, label in rows]
    found = [(label, data) for label, data in found if data is not None]
    if not found:
        return placeholder(title, _command(table))
    fig, axes = plt.subplots(1, len(found), figsize=(4.6 * len(found) + 0.8, 4.6), squeeze=False)
    for ax, (label, data) in zip(axes[0], found):
        points = _scatter(ax, data, label)
    bar = fig.colorbar(points, ax=axes[0].tolist(), ticks=range(10), fraction=0.025, pad=0.02)
    bar.set_label("数字")
    fig.suptitle(title, y=1.02)
    return fig


# ---------------------------------------------------------------- 8.1 原理


@figure("ch08/kl-gaussian.png")
def kl_gaussian() -> Figure:
    """一维高斯 N(μ, σ²) 与标准正态之间的 KL 散度：μ = 0、σ = 1 处为 0，往外越来越大。"""
    mu = np.linspace(-3, 3, 241)
    sigma = np.linspace(0.05, 3, 240)
    m, s = np.meshgrid(mu, sigma)
    kl = 0.5 * (m**2 + s**2 - 1 - np.log(s**2))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    levels = [0.05, 0.25, 0.5, 1, 2, 3, 4.5]
    cs = ax.contour(m, s, kl, levels=levels, cmap="viridis")
    ax.clabel(cs, fmt="%g", fontsize=8)
    ax.plot([0], [1], "o", color=RED)
    ax.annotate("μ = 0, σ = 1：KL = 0", (0, 1), (0.4, 2.3), arrowprops={"arrowstyle": "->", "color": RED},
                color=RED)
    ax.set_xlabel("均值 μ")
    ax.set_ylabel("标准差 σ")
    ax.set_title("$D_{KL}(\\mathcal{N}(\\mu, \\sigma^2) \\,\\|\\, \\mathcal{N}(0, 1))$ 的等高线（nats）")
    for sig, color in ((0.3, ORANGE), (1.0, BLUE), (2.0, GREEN)):
        ax2.plot(mu, 0.5 * (mu**2 + sig**2 - 1 - np.log(sig**2)), color=color, label=f"σ = {sig:g}")
    ax2.set_xlabel("均值 μ")
    ax2.set_ylabel("KL（nats）")
    ax2.set_title("固定 σ 时随 μ 的变化：$\\frac{1}{2}\\mu^2$ 加一个常数")
    ax2.legend()
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _box(ax, xy, w, h, text, color=BLUE, fill="white", fontsize=10) -> None:
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=fill, edgecolor=color, lw=1.5, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, start, end, color="black", style="-|>", ls="-") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, lw=1.3,
                                 linestyle=ls, zorder=2))


@figure("ch08/reparameterization.png")
def reparameterization() -> Figure:
    """左：z 直接从 N(μ, σ²) 采样，反向传播穿不过采样这一步；右：噪声 ε 作为输入，z = μ + σ ⊙ ε 对 μ、σ 可导。"""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    for ax, title in zip(axes, ("直接采样：反向传播在采样处中断", "重参数化：采样移到计算图之外")):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 6)
        ax.axis("off")
        ax.set_title(title)
        _box(ax, (1.0, 3.0), 1.3, 0.8, "输入 $\\mathbf{x}$", GREEN)
        _box(ax, (3.0, 3.0), 1.5, 1.0, "编码器\n$q_\\phi(\\mathbf{z}|\\mathbf{x})$")
        _box(ax, (5.0, 4.0), 1.0, 0.7, "$\\boldsymbol{\\mu}$", PURPLE)
        _box(ax, (5.0, 2.0), 1.0, 0.7, "$\\boldsymbol{\\sigma}$", PURPLE)
        _box(ax, (8.9, 3.0), 1.5, 1.0, "解码器\n$p_\\theta(\\mathbf{x}|\\mathbf{z})$")
        _arrow(ax, (1.65, 3.0), (2.25, 3.0))
        _arrow(ax, (3.75, 3.3), (4.5, 3.9))
        _arrow(ax, (3.75, 2.7), (4.5, 2.1))
    left, right = axes
    _box(left, (6.9, 3.0), 1.5, 1.0, "采样\n$\\mathbf{z} \\sim \\mathcal{N}(\\boldsymbol{\\mu}, \\boldsymbol{\\sigma}^2)$",
         RED, fill="#fbeaea", fontsize=9)
    _arrow(left, (5.5, 3.9), (6.15, 3.25))
    _arrow(left, (5.5, 2.1), (6.15, 2.75))
    _arrow(left, (7.65, 3.0), (8.15, 3.0))
    left.text(6.9, 1.5, "随机节点：反向传播穿不过去", ha="center", color=RED, fontsize=10)
    _box(right, (6.9, 3.0), 1.5, 1.0, "$\\mathbf{z} = \\boldsymbol{\\mu} + \\boldsymbol{\\sigma} \\odot \\boldsymbol{\\epsilon}$",
         GREEN, fill="#eaf5ec", fontsize=9)
    _box(right, (6.9, 0.9), 1.7, 0.7, "$\\boldsymbol{\\epsilon} \\sim \\mathcal{N}(\\mathbf{0}, \\mathbf{I})$", ORANGE,
         fontsize=9)
    _arrow(right, (5.5, 3.9), (6.15, 3.25))
    _arrow(right, (5.5, 2.1), (6.15, 2.75))
    _arrow(right, (6.9, 1.25), (6.9, 2.45), color=ORANGE)
    _arrow(right, (7.65, 3.0), (8.15, 3.0))
    right.text(6.9, 5.1, "确定的运算：梯度经 μ、σ 传回编码器", ha="center", color=GREEN, fontsize=10)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 8.3、8.4 MLP 与 CNN VAE


@figure("ch08/latent-vae.png")
def latent_vae() -> Figure:
    """测试图像潜在变量的均值，按数字着色（书中图 8.1.6、8.1.11 的画法）。"""
    return _latent_figure("vae", VAE_ROWS, "测试集潜在变量的均值（本站，每隔一张取一张，共 5,000 张）")


def _manifold(row: str, label: str) -> Figure:
    title = f"{label}：潜在空间 [-4, 4]² 上 30×30 个点的解码结果"
    data = load_artifact("ch08/vae", row, "manifold")
    if data is None:
        return placeholder(title, _command("vae"))
    images = data["images"]
    fig, ax = plt.subplots(figsize=(8.5, 8.5))
    ax.imshow(_mosaic(images), cmap="Greys_r", vmin=0, vmax=255)
    _grid_ticks(ax, images.shape[0], limit=float(data["limit"]))
    ax.set_title(f"{title}（本站）")
    return fig


@figure("ch08/manifold-mlp.png")
def manifold_mlp() -> Figure:
    """MLP VAE 的解码网格（书中图 8.1.7 的画法）。"""
    return _manifold("mlp", "MLP VAE")


@figure("ch08/manifold-cnn.png")
def manifold_cnn() -> Figure:
    """CNN VAE 的解码网格（书中图 8.1.12 的画法）。"""
    return _manifold("cnn", "CNN VAE")


def _reconstruction_figure(rows: tuple[tuple[str, str, str], ...], title: str) -> Figure:
    found = [(label, load_artifact(f"ch08/{table}", row, "reconstruction")) for table, row, label in rows]
    found = [(label, data) for label, data in found if data is not None]
    if not found:
        return placeholder(title, _command("vae"))
    strips = [found[0][1]["original"]] + [data["decoded"] for _, data in found]
    labels = ["原图"] + [label for label, _ in found]
    fig, ax = plt.subplots(figsize=(10, 1.05 * len(strips) + 0.6))
    ax.imshow(_mosaic(np.stack(strips), gap=2), cmap="Greys_r", vmin=0, vmax=255)
    ax.set_xticks([])
    ax.set_yticks(np.arange(len(strips)) * 30 + 14, labels)
    ax.set_title(title)
    return fig


@figure("ch08/reconstructions-vae.png")
def reconstructions_vae() -> Figure:
    """每个数字的第一张测试图像，以及由潜在变量均值解码出的重建。"""
    rows = tuple(("vae", row, label) for row, label in VAE_ROWS)
    return _reconstruction_figure(rows, "测试图像与它们的重建（z 取编码器给出的均值）")


def _history_figure(table: str, rows: tuple[tuple[str, str], ...], title: str, unit: str) -> Figure:
    from adlk.runs.results import read_result
    from adlk.site.figures import result_file

    found = []
    for row, label in rows:
        path = result_file(f"ch08/{table}", row)
        if path.is_file():
            found.append((label, read_result(path).get("history", {})))
    if not found:
        return placeholder(title, _command(table))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    colors = [BLUE, ORANGE, GREEN, RED, PURPLE]
    for color, (label, history) in zip(colors, found):
        epochs = np.arange(1, len(history["val_reconstruction_loss"]) + 1)
        ax.plot(epochs, history["val_reconstruction_loss"], color=color, label=label)
        ax2.plot(epochs, history["val_kl_loss"], color=color, label=label)
    ax.set_title(f"测试集重建项（{unit}）")
    ax2.set_title("测试集 KL 项（nats/图）")
    for a in (ax, ax2):
        a.set_xlabel("轮")
        a.grid(alpha=0.3)
        a.legend(fontsize=9)
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    return fig


@figure("ch08/history-vae.png")
def history_vae() -> Figure:
    """每轮结束时测试集上的重建项与 KL 项。"""
    return _history_figure("vae", VAE_ROWS, "训练过程（本站记录）", "MSE × 784，平方误差之和/图")


# ---------------------------------------------------------------- 8.5 条件 VAE、8.6 β-VAE


@figure("ch08/latent-cvae.png")
def latent_cvae() -> Figure:
    """条件 VAE 与两个 β-VAE 的潜在变量均值，按数字着色（书中图 8.2.4、8.3.1、8.3.2 的画法）。"""
    return _latent_figure("cvae", CVAE_ROWS, "测试集潜在变量的均值（本站，每隔一张取一张，共 5,000 张）")


def _digit_grids(row: str, digits: list[int]) -> np.ndarray | None:
    data = load_artifact("ch08/cvae", row, "digits")
    if data is None:
        return None
    return data["images"][digits]


@figure("ch08/cvae-digits.png")
def cvae_digits() -> Figure:
    """条件 VAE：给定标签 0～9，在潜在空间 [-4, 4]² 的 10×10 个点上解码（书中图 8.2.5、8.2.6 的画法）。"""
    title = "CVAE：每个标签在潜在空间 [-4, 4]² 上 10×10 个点的解码结果"
    grids = _digit_grids("cvae", list(range(10)))
    if grids is None:
        return placeholder(title, _command("cvae"))
    fig, axes = plt.subplots(2, 5, figsize=(15, 6.6))
    for d, ax in enumerate(axes.flat):
        ax.imshow(_mosaic(grids[d]), cmap="Greys_r", vmin=0, vmax=255)
        ax.set_title(f"标签 {d}")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.supxlabel("z[0]：从左到右 -4 → 4")
    fig.supylabel("z[1]：从上到下 4 → -4")
    fig.suptitle(f"{title}（本站）")
    fig.tight_layout()
    return fig


@figure("ch08/beta-digits.png")
def beta_digits() -> Figure:
    """β = 1、9、10 时数字 0～3 的解码网格（书中图 8.3.3 的画法）。"""
    title = "β 不同时数字 0～3 在潜在空间 [-4, 4]² 上的解码结果"
    found = [(label, _digit_grids(row, [0, 1, 2, 3])) for row, label in CVAE_ROWS]
    found = [(label, grids) for label, grids in found if grids is not None]
    if not found:
        return placeholder(title, _command("cvae"))
    fig, axes = plt.subplots(len(found), 4, figsize=(13, 3.4 * len(found)), squeeze=False)
    for r, (label, grids) in enumerate(found):
        for d in range(4):
            ax = axes[r, d]
            ax.imshow(_mosaic(grids[d]), cmap="Greys_r", vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            if d == 0:
                ax.set_ylabel(label, fontsize=12)
            if r == 0:
                ax.set_title(f"标签 {d}")
    fig.suptitle(f"{title}（本站；每格横向 z[0]、纵向 z[1]）")
    fig.tight_layout()
    return fig


@figure("ch08/beta-traversal.png")
def beta_traversal() -> Figure:
    """沿一个潜在变量方向走（另一维固定为 0）：β 越大，两个方向的作用越分开，太大时一个方向失效。"""
    title = "潜在变量遍历：另一维固定为 0，这一维从 -3 走到 3"
    digits = [0, 4, 8]
    found = [(label, load_artifact("ch08/cvae", row, "traversal")) for row, label in CVAE_ROWS]
    found = [(label, data) for label, data in found if data is not None]
    if not found:
        return placeholder(title, _command("cvae"))
    fig, axes = plt.subplots(len(found), 1, figsize=(14, 1.9 * len(found) + 0.6), squeeze=False)
    for ax, (label, data) in zip(axes[:, 0], found):
        images = data["images"]  # (标签, 维, 步, 28, 28)
        strips = [np.concatenate([images[d, j] for d in digits], axis=0) for j in range(2)]
        ax.imshow(_mosaic(np.stack(strips), gap=2), cmap="Greys_r", vmin=0, vmax=255)
        ax.set_yticks([14, 44], ["z[0]", "z[1]"])
        steps = images.shape[2]
        ax.set_xticks([(i * steps + steps / 2) * 30 for i in range(len(digits))],
                      [f"标签 {d}" for d in digits])
        ax.set_title(label, loc="left")
    fig.suptitle(f"{title}（本站）")
    fig.tight_layout()
    return fig


@figure("ch08/reconstructions-cvae.png")
def reconstructions_cvae() -> Figure:
    """条件 VAE 与 β-VAE 的重建：β 越大，重建越模糊。"""
    rows = tuple(("cvae", row, label) for row, label in CVAE_ROWS)
    return _reconstruction_figure(rows, "测试图像与它们的重建（z 取编码器给出的均值，标签为真实标签）")


@figure("ch08/history-cvae.png")
def history_cvae() -> Figure:
    """条件 VAE 与 β-VAE 每轮结束时测试集上的重建项与 KL 项。"""
    return _history_figure("cvae", CVAE_ROWS, "训练过程（本站记录）", "BCE × 784，nats/图")
