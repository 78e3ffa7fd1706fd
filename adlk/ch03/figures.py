"""第 3 章的插图。

示意图（自编码器的结构、两种重建损失、转置卷积、着色数据的调色板）在这里直接算出来；
需要训练好的模型的插图（重建、潜在空间、解码流形、去噪、着色）只读取记录运行保存的小文件
（``docs/results/cpu/ch03/…``），生成插图时不训练。还没有记录时画一张占位图，写明要运行的命令。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from adlk.site.figures import bold, figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"
DIGIT_COLORS = plt.get_cmap("tab10").colors


def _tile(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """把 rows × cols 张同样大小的图拼成一张大图（灰度或彩色）。"""
    images = np.asarray(images)[: rows * cols]
    h, w = images.shape[1:3]
    grid = images.reshape(rows, cols, h, w, *images.shape[3:])
    grid = np.swapaxes(grid, 1, 2)
    return grid.reshape(rows * h, cols * w, *images.shape[3:])


def _show(ax, image: np.ndarray, title: str = "") -> None:
    """无坐标轴地显示一张 uint8 图像（灰度用灰色色图）。"""
    if image.ndim == 2:
        ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=11)


def _command(table: str) -> str:
    return f"python -m adlk reproduce {table}"


# ---------------------------------------------------------------- 3.1 原理


@figure("ch03/autoencoder-diagram.png")
def autoencoder_diagram() -> Figure:
    """自编码器的结构：各层输出形状，由 :func:`adlk.ch03.build_autoencoder` 搭出的模型读出。"""
    from adlk.ch03.models import build_autoencoder

    encoder, decoder, _ = build_autoencoder(16)
    stages = [(encoder, BLUE), (decoder, ORANGE)]
    boxes = []
    for model, color in stages:
        for layer in model.layers:
            shape = tuple(layer.output.shape[1:])
            if type(layer).__name__ in ("Flatten", "Reshape"):
                continue
            if type(layer).__name__ == "InputLayer" and model is decoder:
                continue  # 解码器的输入就是编码器输出的潜在向量，不再画一次
            name = "输入" if type(layer).__name__ == "InputLayer" else type(layer).__name__
            boxes.append((name, "×".join(map(str, shape)), color, int(np.prod(shape))))
    fig, ax = plt.subplots(figsize=(12, 3.6))
    ax.set_xlim(-0.6, len(boxes) - 0.4)
    ax.set_ylim(-1.9, 1.9)
    ax.axis("off")
    largest = max(b[3] for b in boxes)
    for i, (name, shape, color, size) in enumerate(boxes):
        height = 0.35 + 2.6 * (size / largest) ** 0.5  # 方框高度随该层输出的元素个数变化
        latent = shape == "16"
        face = GREEN if latent else color
        ax.add_patch(FancyBboxPatch((i - 0.32, -height / 2), 0.64, height, boxstyle="round,pad=0.02",
                                    facecolor=face, alpha=0.25 if not latent else 0.5, edgecolor=face, lw=1.5))
        ax.text(i, 0, shape, ha="center", va="center", fontsize=9.5)
        ax.text(i, -1.75, "潜在向量" if latent else name, ha="center", va="center", fontsize=9,
                color="#333333", rotation=0)
        if i:
            ax.add_patch(FancyArrowPatch((i - 0.68, 0), (i - 0.34, 0), arrowstyle="-|>", mutation_scale=10,
                                         color=GRAY))
    split = next(i for i, b in enumerate(boxes) if b[1] == "16")
    ax.text(split / 2 - 0.2, 1.75, "编码器 $\\mathbf{z} = f(\\mathbf{x})$", ha="center", fontsize=12, color=BLUE)
    ax.text((split + len(boxes) - 1) / 2 + 0.2, 1.75, "解码器 $\\tilde{\\mathbf{x}} = g(\\mathbf{z})$",
            ha="center", fontsize=12, color=ORANGE)
    return fig


@figure("ch03/losses.png")
def losses() -> Figure:
    """MSE 与二元交叉熵：随输出的变化（目标 0.3 与 1），以及对 sigmoid 之前的 logit 的梯度。"""
    p = np.linspace(0.001, 0.999, 400)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for x, style in [(0.3, "-"), (1.0, "--")]:
        ax1.plot(p, (x - p) ** 2, style, color=BLUE, label=f"MSE，目标 {x:g}")
        ax1.plot(p, -(x * np.log(p) + (1 - x) * np.log(1 - p)), style, color=ORANGE, label=f"BCE，目标 {x:g}")
    ax1.set_ylim(0, 3)
    ax1.set_xlabel("输出 $\\tilde{x}$")
    ax1.set_ylabel("损失")
    ax1.set_title("两种重建损失")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=9)
    a = np.linspace(-8, 8, 400)
    s = 1 / (1 + np.exp(-a))
    ax2.plot(a, -2 * (1 - s) * s * (1 - s), color=BLUE, label="MSE 的梯度")
    ax2.plot(a, s - 1, color=ORANGE, label="BCE 的梯度")
    ax2.axhline(0, color=GRAY, lw=0.8)
    ax2.set_xlabel("logit $a$（输出 $\\tilde{x} = \\sigma(a)$）")
    ax2.set_ylabel("$\\partial \\mathcal{L} / \\partial a$")
    ax2.set_title("目标为 1 时对 logit 的梯度")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=9)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 3.2 转置卷积与重建


@figure("ch03/transposed-conv.png")
def transposed_conv() -> Figure:
    """转置卷积的计算：2×2 输入的每个像素乘以 3×3 卷积核，按步长 2 摆放并累加成 5×5 输出。"""
    x = np.array([[1, 2], [3, 4]])
    k = np.array([[1, 0, -1], [1, 1, 0], [0, 1, 1]])
    out = np.zeros((5, 5), dtype=int)
    count = np.zeros((5, 5), dtype=int)
    for i in range(2):
        for j in range(2):
            out[2 * i:2 * i + 3, 2 * j:2 * j + 3] += x[i, j] * k
            count[2 * i:2 * i + 3, 2 * j:2 * j + 3] += 1
    colors = [BLUE, ORANGE, GREEN, PURPLE]
    fig, ax = plt.subplots(figsize=(11, 4.2))
    ax.set_xlim(-0.5, 15.5)
    ax.set_ylim(-6.3, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")

    def grid(values, x0, y0, faces=None):
        rows, cols = values.shape
        for r in range(rows):
            for c in range(cols):
                face = faces[r][c] if faces is not None else "white"
                ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=face, edgecolor="black", lw=1))
                ax.text(x0 + c + 0.5, y0 - r - 0.5, str(values[r, c]), ha="center", va="center", fontsize=12)

    grid(x, 0, -1.5, faces=[[colors[0] + "55", colors[1] + "55"], [colors[2] + "55", colors[3] + "55"]])
    ax.text(1, -0.7, "输入 2×2", ha="center", fontsize=11)
    grid(k, 3.2, -1, faces=None)
    ax.text(4.7, -0.2, "卷积核 3×3", ha="center", fontsize=11)
    ax.text(7.1, -2.5, "步长 2\n摆放、累加", ha="center", va="center", fontsize=10.5)
    ax.add_patch(FancyArrowPatch((6.4, -3.3), (8.2, -3.3), arrowstyle="-|>", mutation_scale=14, color=GRAY))
    faces = [["#F2F2F2" if count[r, c] == 1 else ("#FFE9A8" if count[r, c] == 2 else "#F7C59F")
              for c in range(5)] for r in range(5)]
    grid(out, 8.8, 0, faces=faces)
    ax.text(11.3, 0.4, "输出 5×5 = (2 − 1)×2 + 3", ha="center", fontsize=11)
    ax.text(11.3, -5.8, "浅黄：两块重叠、被加了 2 次；橙色：被加了 4 次", ha="center", fontsize=9.5, color="#555555")
    ax.text(1, -4.6, "每个输入像素 × 整个卷积核\n= 输出上一块 3×3", ha="center", fontsize=9.5, color="#555555")
    return fig


@figure("ch03/reconstructions.png")
def reconstructions() -> Figure:
    """测试集前 16 张数字（上两行）与 16 维自编码器的重建（下两行），读取记录运行 ch03/ae 第 16 行。"""
    data = load_artifact("ch03/ae", "16", "recon")
    if data is None:
        return placeholder("自编码器的重建（尚无记录）", _command("ch03/ae --only 16"))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    _show(ax, _tile(np.concatenate([data["original"][:16], data["decoded"][:16]]), 4, 8))
    ax.set_ylabel("重建        原图", fontsize=11)
    ax.set_title("上两行：测试集原图；下两行：16 维潜在向量的重建", fontsize=11)
    return fig


# ---------------------------------------------------------------- 3.3 二维潜在空间


@figure("ch03/latent-2d.png")
def latent_2d() -> Figure:
    """2 维潜在向量的散点图（测试集前 2,000 张），按数字着色，读取记录运行 ch03/ae 第 2 行。"""
    data = load_artifact("ch03/ae", "2", "latent")
    grid = load_artifact("ch03/ae", "2", "manifold")
    if data is None:
        return placeholder("二维潜在空间（尚无记录）", _command("ch03/ae --only 2"))
    z = data["z"].astype("float32")
    labels = data["labels"].astype(int)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    for digit in range(10):
        pts = z[labels == digit]
        ax.scatter(pts[:, 0], pts[:, 1], s=5, color=DIGIT_COLORS[digit], alpha=0.7, label=str(digit))
        cx, cy = np.median(pts, axis=0)
        ax.text(cx, cy, str(digit), fontsize=15, **bold(), ha="center", va="center",
                color=DIGIT_COLORS[digit], bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1})
    if grid is not None:
        gx, gy = grid["grid_x"], grid["grid_y"]
        ax.add_patch(Rectangle((gx.min(), gy.min()), gx.max() - gx.min(), gy.max() - gy.min(), fill=False,
                               edgecolor=GRAY, ls="--", lw=1))
    ax.add_patch(Rectangle((-4, -4), 8, 8, fill=False, edgecolor=RED, ls=":", lw=1.2))
    ax.set_xlabel("$z_0$")
    ax.set_ylabel("$z_1$")
    ax.set_title(f"测试集前 {len(z):,} 张数字的 2 维潜在向量（大字为各类的中位数位置）", fontsize=11)
    ax.legend(markerscale=3, fontsize=9, ncol=2, loc="best", title="数字")
    ax.grid(alpha=0.3)
    return fig


@figure("ch03/manifold.png")
def manifold() -> Figure:
    """在 2 维潜在空间的网格上解码出的数字（30×30），读取记录运行 ch03/ae 第 2 行保存的解码结果。"""
    data = load_artifact("ch03/ae", "2", "manifold")
    if data is None:
        return placeholder("解码出的流形（尚无记录）", _command("ch03/ae --only 2"))
    digits = data["digits"]
    n = digits.shape[0]
    image = _tile(digits.reshape(n * n, 28, 28), n, n)
    fig, ax = plt.subplots(figsize=(8, 8))
    ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    ticks = np.arange(n) * 28 + 14
    step = max(1, n // 6)
    ax.set_xticks(ticks[::step], [f"{v:.1f}" for v in data["grid_x"][::step]])
    ax.set_yticks(ticks[::step], [f"{v:.1f}" for v in data["grid_y"][::step]])
    ax.set_xlabel("$z_0$")
    ax.set_ylabel("$z_1$")
    ax.set_title(f"在 {n}×{n} 个等距的潜在向量上解码", fontsize=11)
    return fig


# ---------------------------------------------------------------- 3.4 去噪


@figure("ch03/denoise.png")
def denoise() -> Figure:
    """原图、加噪输入（σ=0.5）、去噪自编码器与普通自编码器的输出，读取 ch03/denoise 的 dae 行与 ch03/ae 第 16 行。"""
    dae = load_artifact("ch03/denoise", "dae", "denoise")
    ae = load_artifact("ch03/ae", "16", "denoise")
    if dae is None:
        return placeholder("去噪自编码器（尚无记录）", _command("ch03/denoise"))
    rows = [("原图", dae["original"]), ("加噪输入", dae["noisy"]), ("去噪自编码器", dae["denoised"])]
    if ae is not None:
        rows.append(("普通自编码器", ae["denoised"]))
    cols = 9
    fig, axes = plt.subplots(len(rows), 1, figsize=(9, 1.35 * len(rows) + 0.3))
    for ax, (title, images) in zip(axes, rows):
        _show(ax, _tile(images[:cols], 1, cols))
        ax.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=10.5)
    fig.suptitle("测试集前 9 张：噪声均值 0.5、标准差 0.5，截断到 [0, 1]", fontsize=11)
    fig.tight_layout()
    return fig


@figure("ch03/denoise-levels.png")
def denoise_levels() -> Figure:
    """噪声更强时（σ = 0.5、0.75、1.0）去噪自编码器的输出，对应书中图 3.3.3，读取 ch03/denoise 的 dae 行。"""
    dae = load_artifact("ch03/denoise", "dae", "denoise")
    if dae is None:
        return placeholder("不同噪声强度下的去噪（尚无记录）", _command("ch03/denoise --only dae"))
    cols = 9
    fig, axes = plt.subplots(3, 2, figsize=(12, 3.6))
    for r, (suffix, sigma) in enumerate([("", 0.5), ("_075", 0.75), ("_100", 1.0)]):
        _show(axes[r, 0], _tile(dae[f"noisy{suffix}"][:cols], 1, cols))
        _show(axes[r, 1], _tile(dae[f"denoised{suffix}"][:cols], 1, cols))
        axes[r, 0].set_ylabel(f"σ = {sigma:g}", rotation=0, ha="right", va="center", fontsize=11)
    axes[0, 0].set_title("加噪输入", fontsize=11)
    axes[0, 1].set_title("去噪自编码器的输出（只在 σ = 0.5 上训练）", fontsize=11)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 3.5 分类器


@figure("ch03/classifier-confusion.png")
def classifier_confusion() -> Figure:
    """两种潜在编码分类器在测试集上的混淆矩阵，读取 ch03/classifier 两行的记录。"""
    rows = [("joint", "分类与重建一起训练"), ("probe", "冻结的自编码器编码 + 分类器")]
    found = [(title, load_artifact("ch03/classifier", row, "confusion")) for row, title in rows]
    found = [(t, d) for t, d in found if d is not None]
    if not found:
        return placeholder("潜在编码分类器的混淆矩阵（尚无记录）", _command("ch03/classifier"))
    fig, axes = plt.subplots(1, len(found), figsize=(5.6 * len(found), 5))
    axes = np.atleast_1d(axes)
    for ax, (title, data) in zip(axes, found):
        m = data["confusion"].astype(float)
        share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        for i in range(10):
            for j in range(10):
                if m[i, j]:
                    ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=7,
                            color="white" if share[i, j] > 0.5 else "black")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("预测的数字")
        ax.set_ylabel("真实的数字")
        ax.set_title(f"{title}（准确率 {np.trace(m) / m.sum():.1%}）", fontsize=11)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 3.6 着色


@figure("ch03/palette.png")
def palette() -> Figure:
    """替代数据的调色板：10 种颜色与它们的灰度（都相同），以及每个数字的着色样例。"""
    from adlk.ch03.data import PALETTE, color_digits, rgb2gray
    from adlk.datasets import load_mnist

    (_, _), (x_test, y_test) = load_mnist("smoke")
    picks = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]
    colored = color_digits(x_test[picks], y_test[picks])
    gray = np.round(rgb2gray(colored)).astype("uint8")
    fig, axes = plt.subplots(3, 10, figsize=(10, 3.4))
    for d in range(10):
        swatch = np.broadcast_to(PALETTE[d], (8, 8, 3))
        _show(axes[0, d], swatch, f"{d}")
        _show(axes[1, d], colored[d])
        _show(axes[2, d], gray[d])
        axes[0, d].set_xlabel(f"灰度 {rgb2gray(PALETTE[d].astype(float)):.0f}", fontsize=8)
    axes[1, 0].set_ylabel("输出", rotation=0, ha="right", va="center")
    axes[2, 0].set_ylabel("输入", rotation=0, ha="right", va="center")
    fig.suptitle("按类别着色的 MNIST：10 种颜色的灰度相同，灰度输入里看不出颜色", fontsize=11)
    fig.tight_layout()
    return fig


@figure("ch03/colorized.png")
def colorized() -> Figure:
    """着色自编码器在测试集上的结果：灰度输入、两种损失训练出的输出、正确答案，读取 ch03/colorize 的记录。"""
    runs = {row: load_artifact("ch03/colorize", row, "colorized") for row in ("mse", "bce")}
    recorded = {row: data for row, data in runs.items() if data is not None}
    if not recorded:
        return placeholder("着色自编码器（尚无记录）", _command("ch03/colorize"))
    first = next(iter(recorded.values()))
    cols = 10
    rows = [("灰度输入", first["gray"][:cols])]
    names = {"mse": "MSE（书中）", "bce": "二元交叉熵"}
    rows += [(f"输出：{names[row]}", data["predicted"][:cols]) for row, data in recorded.items()]
    rows.append(("正确答案", first["target"][:cols]))
    fig, axes = plt.subplots(len(rows), 1, figsize=(9, 1.2 * len(rows)))
    for ax, (title, images) in zip(axes, rows):
        _show(ax, _tile(images, 1, cols))
        ax.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=10.5)
    fig.suptitle("测试集前 10 张（训练时没有见过）", fontsize=11)
    fig.tight_layout()
    return fig
