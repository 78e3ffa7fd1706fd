"""第 1 章的插图。

每个函数画一张图、返回 ``Figure``，由 :mod:`adlk.site.figures` 的管线保存到 ``docs/figures/ch01/``。
图中的数都在这里算出来（卷积的例子、激活函数的曲线、参数个数），不手写。
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

from adlk.site.figures import figure

# 全章统一的几种颜色
BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"


# ---------------------------------------------------------------- 绘图小工具


def _arrow(ax, start, end, color="black", lw=1.2, style="-|>", rad=0.0, shrink=0.0, **kw) -> None:
    """从 start 到 end 画一支箭头；rad 不为 0 时画成弧线。"""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=shrink, shrinkB=shrink, **kw))


def _node(ax, xy, r=0.22, color=BLUE, text="", fontsize=10, fill=None) -> None:
    """一个圆形节点（神经元），可带文字。"""
    ax.add_patch(Circle(xy, r, facecolor=fill or "white", edgecolor=color, lw=1.6, zorder=3))
    if text:
        ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _box(ax, xy, w, h, text, color=BLUE, fontsize=10, fill="white") -> None:
    """以 xy 为中心的圆角方框。"""
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=fill, edgecolor=color, lw=1.5, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _blank(ax, xlim, ylim) -> None:
    """示意图用的坐标系：等比例、无坐标轴。"""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _grid(ax, values, x0=0.0, y0=0.0, cell=1.0, highlight=None, color=BLUE, fmt="{:g}", fontsize=13,
          cmap=None) -> None:
    """把一个矩阵画成带数字的方格；左上角在 (x0, y0)，highlight 为要高亮的 (行, 列) 集合。"""
    values = np.asarray(values)
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            lit = highlight is not None and (r, c) in highlight
            face = cmap(values[r, c]) if cmap else (color if lit else "white")
            ax.add_patch(Rectangle((x0 + c * cell, y0 - (r + 1) * cell), cell, cell, facecolor=face,
                                   alpha=0.35 if lit and not cmap else 1.0, edgecolor="black", lw=1))
            if fmt:
                ax.text(x0 + (c + 0.5) * cell, y0 - (r + 0.5) * cell, fmt.format(values[r, c]),
                        ha="center", va="center", fontsize=fontsize)


def _num(v) -> str:
    """算式里的数：负数加括号。"""
    return f"{v:g}" if v >= 0 else f"({v:g})"


def _curve_axes(ax, title) -> None:
    """函数曲线图的公共样式：过原点的坐标轴、浅色网格。"""
    ax.axhline(0, color=GRAY, lw=0.8)
    ax.axvline(0, color=GRAY, lw=0.8)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    ax.set_xlabel("$x$")


# ---------------------------------------------------------------- 1.2 三种网络


NEURON_X = np.array([0.5, -1.0, 2.0])
NEURON_W = np.array([0.8, 0.2, 0.4])
NEURON_B = -0.3


@figure("ch01/neuron.png")
def neuron() -> Figure:
    """一个神经元的计算：输入加权求和、加偏置，再经过激活函数（ReLU）。"""
    z = float(NEURON_X @ NEURON_W + NEURON_B)
    y = max(z, 0.0)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _blank(ax, (-0.6, 9.6), (-0.4, 4.4))
    ys = [3.4, 2.0, 0.6]
    for i, (x, w, yy) in enumerate(zip(NEURON_X, NEURON_W, ys), start=1):
        _node(ax, (0.4, yy), r=0.36, color=GREEN, text=f"$x_{i}$\n{x:g}", fontsize=10)
        _arrow(ax, (0.78, yy), (3.55, 2.0 + (yy - 2.0) * 0.25), color=GRAY)
        ax.text(1.6, yy + (2.0 - yy) * 0.3 + 0.12, f"$w_{i}={w:g}$", ha="center", va="bottom", fontsize=11,
                color=BLUE, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.text(3.0, 3.55, f"偏置 $b={NEURON_B:g}$", ha="center", fontsize=10, color=PURPLE)
    _arrow(ax, (3.3, 3.3), (3.75, 2.45), color=PURPLE)
    _node(ax, (4.2, 2.0), r=0.6, color=BLUE, text="$\\Sigma$", fontsize=20)
    ax.text(4.2, 0.9, "加权求和\n$z=\\sum_i w_i x_i + b$", ha="center", va="top", fontsize=10)
    _arrow(ax, (4.82, 2.0), (5.95, 2.0))
    ax.text(5.38, 2.15, f"$z={z:.2f}$", ha="center", fontsize=11)
    _box(ax, (6.75, 2.0), 1.5, 1.1, "激活函数\nReLU", color=ORANGE, fontsize=11)
    ax.text(6.75, 0.9, "$y=\\max(0, z)$", ha="center", va="top", fontsize=10)
    _arrow(ax, (7.52, 2.0), (8.3, 2.0))
    ax.text(8.95, 2.0, f"$y={y:.2f}$", ha="center", va="center", fontsize=12)
    terms = " + ".join(f"{_num(w)}×{_num(x)}" for w, x in zip(NEURON_W, NEURON_X))
    bias = f"+ {NEURON_B:g}" if NEURON_B >= 0 else f"- {-NEURON_B:g}"
    ax.text(4.5, -0.25, f"本例：$z$ = {terms} {bias} = {z:.2f}，ReLU 之后 $y$ = {y:.2f}",
            ha="center", fontsize=10.5, color="#333333")
    return fig


def _dense_layers(ax, xs, sizes, color=BLUE) -> None:
    """画几层全连接的神经元：每层 sizes[i] 个，相邻两层两两相连。"""
    coords = [[(x, (n - 1) / 2 - j) for j in range(n)] for x, n in zip(xs, sizes)]
    for left, right in zip(coords, coords[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=GRAY, lw=0.6, zorder=1)
    for layer in coords:
        for p in layer:
            _node(ax, p, r=0.2, color=color)


@figure("ch01/three-networks.png")
def three_networks() -> Figure:
    """MLP、CNN、RNN 的结构对照：全连接、局部卷积核滑动、带循环的隐藏状态。"""
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
    # MLP：输入层、两个隐藏层、输出层，相邻层全连接
    ax = axes[0]
    _blank(ax, (-0.7, 4.2), (-2.9, 2.6))
    _dense_layers(ax, [0, 1.2, 2.4, 3.6], [4, 5, 5, 3])
    for x, label in zip([0, 1.2, 2.4, 3.6], ["输入层", "隐藏层", "隐藏层", "输出层"]):
        ax.text(x, -2.75, label, ha="center", fontsize=9)
    ax.set_title("MLP：每层与下一层全连接\n（不编码任何结构）", fontsize=11)
    # CNN：一个 3×3 的卷积核在 6×6 的输入上滑动，每个位置得到特征图上的一个数
    ax = axes[1]
    _blank(ax, (-0.4, 10.4), (-6.9, 1.6))
    _grid(ax, np.zeros((6, 6)), x0=0, y0=0, cell=0.9, fmt="",
          highlight={(r, c) for r in range(1, 4) for c in range(2, 5)}, color=ORANGE)
    _grid(ax, np.zeros((4, 4)), x0=6.6, y0=-0.9, cell=0.9, fmt="", highlight={(1, 2)}, color=ORANGE)
    _arrow(ax, (4.6, -2.2), (8.55, -2.2), color=ORANGE, rad=-0.25)
    ax.text(2.7, -6.0, "输入（保留二维排列）", ha="center", fontsize=9)
    ax.text(8.4, -5.0, "特征图", ha="center", fontsize=9)
    ax.text(6.5, 0.9, "卷积核在各个位置\n共享同一组权重", ha="center", fontsize=9, color=ORANGE)
    ax.set_title("CNN：卷积核在图像上滑动\n（编码空间结构）", fontsize=11)
    # RNN：隐藏状态带一条指向自己的循环边
    ax = axes[2]
    _blank(ax, (-2.0, 2.0), (-2.6, 3.0))
    _node(ax, (0, -1.6), r=0.4, color=GREEN, text="$x_t$", fontsize=12)
    _node(ax, (0, 0.3), r=0.5, color=BLUE, text="$h_t$", fontsize=13)
    _node(ax, (0, 2.2), r=0.4, color=RED, text="$o_t$", fontsize=12)
    _arrow(ax, (0, -1.18), (0, -0.22))
    _arrow(ax, (0, 0.82), (0, 1.78))
    _arrow(ax, (0.45, 0.55), (0.45, 0.05), rad=-2.2, color=BLUE, lw=1.6)
    ax.text(1.35, 0.3, "循环：$h_{t-1}\\to h_t$", va="center", fontsize=9, color=BLUE)
    ax.text(-1.75, -2.45, "输入序列一步一步送进来", fontsize=9)
    ax.set_title("RNN：隐藏状态逐个时间步传递\n（编码时间结构）", fontsize=11)
    fig.tight_layout()
    return fig


@figure("ch01/rnn-unrolled.png")
def rnn_unrolled() -> Figure:
    """把 RNN 沿时间展开：每个时间步用的是同一组 U、W、V。"""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    _blank(ax, (-0.8, 12.4), (-3.0, 2.9))
    # 左边：折叠的写法
    _node(ax, (0.6, -1.6), r=0.38, color=GREEN, text="$x$", fontsize=12)
    _node(ax, (0.6, 0.3), r=0.45, color=BLUE, text="$h$", fontsize=12)
    _node(ax, (0.6, 2.2), r=0.38, color=RED, text="$o$", fontsize=12)
    _arrow(ax, (0.6, -1.2), (0.6, -0.17))
    _arrow(ax, (0.6, 0.77), (0.6, 1.8))
    _arrow(ax, (1.02, 0.5), (1.02, 0.1), rad=-2.3, color=BLUE)
    for y, t in [(-0.7, "U"), (1.3, "V")]:
        ax.text(0.35, y, f"${t}$", ha="right", fontsize=12)
    ax.text(1.85, 0.3, "$W$", fontsize=12, color=BLUE, va="center")
    ax.text(3.0, 0.35, "展开", ha="center", va="bottom", fontsize=11)
    _arrow(ax, (2.5, 0.25), (3.5, 0.25), lw=2)
    # 右边：展开成 t-1、t、t+1 三个时间步；h 之间的横向箭头都是 W
    xs = [5.6, 8.0, 10.4]
    for x, t in zip(xs, ["t-1", "t", "t+1"]):
        _node(ax, (x, -1.6), r=0.38, color=GREEN, text=f"$x_{{{t}}}$", fontsize=11)
        _node(ax, (x, 0.3), r=0.45, color=BLUE, text=f"$h_{{{t}}}$", fontsize=11)
        _node(ax, (x, 2.2), r=0.38, color=RED, text=f"$o_{{{t}}}$", fontsize=11)
        _arrow(ax, (x, -1.2), (x, -0.17))
        _arrow(ax, (x, 0.77), (x, 1.8))
        ax.text(x - 0.2, -0.7, "$U$", ha="right", fontsize=12)
        ax.text(x - 0.2, 1.3, "$V$", ha="right", fontsize=12)
    for x0, x1 in [(4.2, xs[0] - 0.47), (xs[0] + 0.47, xs[1] - 0.47), (xs[1] + 0.47, xs[2] - 0.47),
                   (xs[2] + 0.47, 12.0)]:
        _arrow(ax, (x0, 0.3), (x1, 0.3), color=BLUE)
        ax.text((x0 + x1) / 2, 0.42, "$W$", ha="center", va="bottom", fontsize=12, color=BLUE)
    ax.text(4.1, 0.3, "…", ha="right", va="center", fontsize=14, color=BLUE)
    ax.text(8.0, -2.75, "同一组 $U$、$W$、$V$ 用在每个时间步：参数共享", ha="center", fontsize=11)
    return fig


@figure("ch01/vanishing-gradient.png")
def vanishing_gradient() -> Figure:
    """梯度沿层（或时间步）往回传时，每经过一层乘一个因子：小于 1 时消失，大于 1 时爆炸。"""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    x = np.linspace(-6, 6, 400)
    s = 1 / (1 + np.exp(-x))
    ax1.plot(x, s, color=BLUE, label="sigmoid $\\sigma(x)$")
    ax1.plot(x, s * (1 - s), color=RED, label="导数 $\\sigma'(x)$，最大 0.25")
    _curve_axes(ax1, "sigmoid 的导数很小")
    ax1.legend(loc="upper left", fontsize=9)
    layers = np.arange(0, 31)
    for factor, color in [(0.25, RED), (0.8, ORANGE), (1.0, GRAY), (1.3, PURPLE)]:
        ax2.semilogy(layers, factor ** layers, "o-", ms=3, color=color, label=f"每层乘 {factor:g}")
    ax2.set_xlabel("从输出层往回经过的层数（或时间步数）")
    ax2.set_ylabel("梯度的相对大小（对数刻度）")
    ax2.set_title("连乘让梯度消失或爆炸")
    ax2.grid(alpha=0.3, which="both")
    ax2.legend(fontsize=9)
    fig.tight_layout()
    return fig


CONV_INPUT = np.array([[2, 1, 0], [3, 1, 2], [0, 4, 1]])
CONV_KERNEL = np.array([[1, 0], [-1, 2]])


def conv2d_valid(x: np.ndarray, k: np.ndarray, stride: int = 1) -> np.ndarray:
    """不填充（valid）的二维卷积（深度学习里的写法，卷积核不翻转）。"""
    kh, kw = k.shape
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    out = np.zeros((oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * k)
    return out


@figure("ch01/conv-steps.png")
def conv_steps() -> Figure:
    """2×2 卷积核在 3×3 输入上滑动（步长 1、无填充）的四步，以及得到的 2×2 特征图。"""
    out = conv2d_valid(CONV_INPUT, CONV_KERNEL)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.4))
    for step, ax in enumerate(axes.flat):
        i, j = divmod(step, 2)
        window = CONV_INPUT[i:i + 2, j:j + 2]
        _blank(ax, (-0.2, 9.6), (-4.3, 0.9))
        _grid(ax, CONV_INPUT, highlight={(i + a, j + b) for a in range(2) for b in range(2)}, color=ORANGE)
        ax.text(3.45, -1.5, "∗", ha="center", va="center", fontsize=20)
        _grid(ax, CONV_KERNEL, x0=3.9, y0=-0.5, color=BLUE, fmt="{:g}")
        ax.text(6.3, -1.5, "=", ha="center", va="center", fontsize=18)
        done = {(a, b) for a in range(2) for b in range(2) if 2 * a + b <= step}
        shown = np.where([[2 * a + b <= step for b in range(2)] for a in range(2)], out, 0)
        _grid(ax, shown, x0=6.8, y0=-0.5, highlight={(i, j)}, color=GREEN, fmt="")
        for a, b in done:
            ax.text(6.8 + b + 0.5, -0.5 - a - 0.5, f"{out[a, b]:g}", ha="center", va="center", fontsize=13)
        terms = " + ".join(f"{_num(v)}×{_num(w)}" for v, w in zip(window.flat, CONV_KERNEL.flat))
        ax.text(4.6, -3.55, f"{terms} = {out[i, j]:g}", ha="center", fontsize=11)
        for x, label in [(1.5, "输入"), (4.9, "卷积核"), (7.8, "特征图")]:
            ax.text(x, 0.25, label, ha="center", fontsize=10, color=GRAY)
        ax.set_title(f"第 {step + 1} 步：窗口在第 {i + 1} 行、第 {j + 1} 列", fontsize=11)
    fig.suptitle("3×3 输入 ∗ 2×2 卷积核（步长 1，无填充）→ 2×2 特征图", fontsize=13)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 1.3 MNIST


@figure("ch01/mnist-samples.png")
def mnist_samples() -> Figure:
    """训练集中随机抽取的 25 个数字（固定种子，与 1.3 节代码块的抽样相同）。"""
    from adlk.datasets import load_mnist

    (x_train, y_train), _ = load_mnist("full")
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(x_train), size=25)
    fig, axes = plt.subplots(5, 5, figsize=(5, 5.4))
    for ax, i in zip(axes.flat, idx):
        ax.imshow(x_train[i], cmap="gray")
        ax.set_title(str(y_train[i]), fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig


@figure("ch01/mnist-reshape.png")
def mnist_reshape() -> Figure:
    """同一张图整理成三种输入：MLP 的向量、CNN 的 高×宽×通道、RNN 的 时间步×特征。"""
    from adlk.datasets import load_mnist

    (x_train, y_train), _ = load_mnist("full")
    image = x_train[0]
    toy = np.arange(1, 10).reshape(3, 3)
    fig = plt.figure(figsize=(12, 6.4))
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 1.15], hspace=0.25, wspace=0.3)
    # 上排：3×3 的小例子，数字看得清
    titles = ["原始图像 (3, 3)", "MLP：向量 (9,)", "CNN：(3, 3, 1)", "RNN：3 个时间步 × 3 个特征"]
    for col, title in enumerate(titles):
        ax = fig.add_subplot(grid[0, col])
        ax.set_title(title, fontsize=10.5)
        if col == 0:
            _blank(ax, (-0.5, 3.5), (-3.5, 0.5))
            _grid(ax, toy, color=BLUE)
        elif col == 1:
            _blank(ax, (-0.2, 9.2), (-5.0, 4.0))
            _grid(ax, toy.reshape(1, 9), y0=0.5, color=BLUE, fontsize=11)
            ax.text(4.5, -1.6, "逐行首尾相接，\n二维排列不再保留", ha="center", va="top", fontsize=9)
        elif col == 2:
            _blank(ax, (-0.5, 4.3), (-3.7, 0.9))
            for d in (0.3, 0.15):   # 后面的阴影表示“通道”这一维
                ax.add_patch(Rectangle((d, -3 + d), 3, 3, facecolor="#eeeeee", edgecolor=GRAY))
            _grid(ax, toy, color=BLUE)
            ax.text(3.6, 0.55, "通道 = 1", fontsize=9, color=GRAY)
        else:
            _blank(ax, (-1.6, 4.0), (-3.5, 0.5))
            _grid(ax, toy, highlight={(r, c) for r in range(3) for c in range(3)}, color=GREEN)
            for r in range(3):
                ax.text(-0.2, -r - 0.5, f"$t={r + 1}$", ha="right", va="center", fontsize=10)
            _arrow(ax, (3.4, -0.4), (3.4, -2.6), color=GREEN)
    # 下排：真实的 28×28 数字
    ax = fig.add_subplot(grid[1, 0])
    ax.imshow(image, cmap="gray")
    ax.set_title(f"MNIST 训练集第 1 张（标签 {y_train[0]}）\n(28, 28)", fontsize=10)
    ax.axis("off")
    ax = fig.add_subplot(grid[1, 1])
    ax.imshow(image.reshape(1, -1), cmap="gray", aspect="auto")
    ax.set_box_aspect(0.18)
    ax.set_title("MLP：(784,)", fontsize=10)
    ax.set_yticks([])
    ax.set_xticks([0, 196, 392, 588, 783])
    ax.set_xlabel("像素序号（第 1 行、第 2 行……首尾相接）", fontsize=9)
    ax = fig.add_subplot(grid[1, 2])
    ax.imshow(image, cmap="gray")
    ax.set_title("CNN：(28, 28, 1)", fontsize=10)
    ax.set_xlabel("宽 28", fontsize=9)
    ax.set_ylabel("高 28", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax = fig.add_subplot(grid[1, 3])
    ax.imshow(image, cmap="gray")
    for r in range(0, 28, 1):
        ax.axhline(r - 0.5, color=GREEN, lw=0.4, alpha=0.7)
    ax.set_title("RNN：(28, 28)\n每行是一个时间步", fontsize=10)
    ax.set_ylabel("时间步 1 → 28", fontsize=9)
    ax.set_xlabel("每步 28 个特征", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


# ---------------------------------------------------------------- 1.4 MLP 分类器


def _activations() -> dict[str, np.ndarray]:
    """Keras 中几个常见激活函数的 NumPy 写法（常数与 keras.activations 相同）。"""
    x = np.linspace(-4, 4, 401)
    alpha, scale = 1.6732632423543772, 1.0507009873554805   # selu 的两个常数
    elu = np.where(x > 0, x, np.exp(x) - 1)
    return {
        "x": x,
        "relu": np.maximum(x, 0),
        "elu": elu,
        "selu": scale * np.where(x > 0, x, alpha * (np.exp(x) - 1)),
        "softplus": np.log1p(np.exp(x)),
        "sigmoid": 1 / (1 + np.exp(-x)),
        "tanh": np.tanh(x),
    }


@figure("ch01/relu.png")
def relu() -> Figure:
    """ReLU：正数原样通过，负数变成 0。"""
    a = _activations()
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.plot(a["x"], a["relu"], color=BLUE, lw=2.2, label="$\\mathrm{ReLU}(x)=\\max(0, x)$")
    _curve_axes(ax, "ReLU")
    ax.set_ylim(-1.2, 4.2)
    ax.legend(loc="upper left")
    return fig


@figure("ch01/activations.png")
def activations() -> Figure:
    """ReLU 之外的几个激活函数：elu、selu、softplus、sigmoid、tanh。"""
    a = _activations()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.plot(a["x"], a["relu"], color=GRAY, ls="--", label="relu（对照）")
    for name, color in [("elu", BLUE), ("selu", ORANGE), ("softplus", GREEN)]:
        ax1.plot(a["x"], a[name], color=color, lw=2, label=name)
    _curve_axes(ax1, "与 ReLU 相似，负半轴平滑")
    ax1.legend(loc="upper left")
    for name, color in [("sigmoid", RED), ("tanh", PURPLE)]:
        ax2.plot(a["x"], a[name], color=color, lw=2, label=name)
    _curve_axes(ax2, "S 形：两端饱和")
    ax2.legend(loc="upper left")
    fig.tight_layout()
    return fig


SOFTMAX_LOGITS = np.array([1.0, 2.0, 0.5, 4.0, -1.0])


@figure("ch01/softmax.png")
def softmax() -> Figure:
    """softmax 把任意实数（logits）变成加起来等于 1 的概率。"""
    e = np.exp(SOFTMAX_LOGITS - SOFTMAX_LOGITS.max())
    p = e / e.sum()
    labels = [f"类 {i}" for i in range(len(p))]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax1.bar(labels, SOFTMAX_LOGITS, color=GRAY)
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_title("softmax 之前：任意实数 $z_i$")
    ax1.set_ylim(SOFTMAX_LOGITS.min() - 0.8, SOFTMAX_LOGITS.max() + 0.7)
    for i, v in enumerate(SOFTMAX_LOGITS):
        ax1.text(i, v + (0.08 if v >= 0 else -0.08), f"{v:g}", ha="center", va="bottom" if v >= 0 else "top")
    ax2.bar(labels, p, color=BLUE)
    ax2.set_ylim(0, 1)
    ax2.set_title(f"softmax 之后：概率，合计 {p.sum():.2f}")
    for i, v in enumerate(p):
        ax2.text(i, v + 0.02, f"{v:.3f}", ha="center")
    fig.tight_layout()
    return fig


@figure("ch01/output-activations.png")
def output_activations() -> Figure:
    """输出层常用的 sigmoid、tanh 与 linear，阴影是各自的输出范围。"""
    a = _activations()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    specs = [("sigmoid", RED, (0, 1), "输出在 (0, 1)：二分类、多标签"),
             ("tanh", PURPLE, (-1, 1), "输出在 (-1, 1)"),
             ("linear", GREEN, None, "不变换：回归任意实数")]
    for ax, (name, color, span, title) in zip(axes, specs):
        y = a["x"] if name == "linear" else a[name]
        if span:
            ax.axhspan(*span, color=color, alpha=0.08)
        ax.plot(a["x"], y, color=color, lw=2.2, label=name)
        _curve_axes(ax, title)
        ax.set_ylim(-4.2, 4.2) if name == "linear" else ax.set_ylim(-1.4, 1.4)
        ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


@figure("ch01/l1-l2.png")
def l1_l2() -> Figure:
    """L1 与 L2 惩罚：一维曲线，以及二维中约束区域与损失等高线相切的位置。"""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    w = np.linspace(-2, 2, 401)
    ax1.plot(w, np.abs(w), color=ORANGE, lw=2, label="L1：$|w|$")
    ax1.plot(w, w ** 2, color=BLUE, lw=2, label="L2：$w^2$")
    ax1.plot(w, 0.5 * np.abs(w) + 0.5 * w ** 2, color=GREEN, lw=1.6, ls="--", label="弹性网络：$0.5|w| + 0.5w^2$")
    _curve_axes(ax1, "单个权重受到的惩罚")
    ax1.set_xlabel("权重 $w$")
    ax1.legend(loc="upper center")
    # 二维：损失的等高线（椭圆）与 L1 菱形、L2 圆形的第一个接触点
    g = np.linspace(-2, 3, 300)
    w1, w2 = np.meshgrid(g, g)
    center = np.array([2.2, 0.4])
    loss = (w1 - center[0]) ** 2 + 2 * (w2 - center[1]) ** 2
    ax2.contour(w1, w2, loss, levels=[0.1, 0.4, 0.9, 1.6, 2.5], colors=GRAY, linewidths=0.8)
    ax2.plot(*center, "k*", ms=10)
    ax2.text(center[0], center[1] + 0.15, "无正则化的最优点", ha="center", fontsize=9)
    ax2.add_patch(Polygon([(1, 0), (0, 1), (-1, 0), (0, -1)], closed=True, facecolor=ORANGE, alpha=0.25,
                          edgecolor=ORANGE, lw=1.6, label="L1 约束 $|w_1|+|w_2|\\leq 1$"))
    ax2.add_patch(Circle((0, 0), 1, facecolor=BLUE, alpha=0.15, edgecolor=BLUE, lw=1.6,
                         label="L2 约束 $w_1^2+w_2^2\\leq 1$"))
    # 在边界上找损失最小的点（数值搜索），即带约束的解
    th = np.linspace(0, 2 * np.pi, 4000)
    l2_pts = np.c_[np.cos(th), np.sin(th)]
    l1_pts = l2_pts / np.abs(l2_pts).sum(axis=1, keepdims=True)
    for pts, color, offset in [(l1_pts, ORANGE, (0.3, -0.7)), (l2_pts, BLUE, (-0.2, 0.9))]:
        f = (pts[:, 0] - center[0]) ** 2 + 2 * (pts[:, 1] - center[1]) ** 2
        best = pts[f.argmin()]
        ax2.plot(*best, "o", color=color, ms=8, mec="black")
        ax2.annotate(f"({best[0]:.2f}, {best[1]:.2f})", best, xytext=(best[0] + offset[0], best[1] + offset[1]),
                     fontsize=9, color=color, arrowprops={"arrowstyle": "-", "color": color})
    ax2.set_xlim(-1.6, 3)
    ax2.set_ylim(-1.6, 2.2)
    ax2.set_aspect("equal")
    ax2.axhline(0, color=GRAY, lw=0.6)
    ax2.axvline(0, color=GRAY, lw=0.6)
    ax2.set_xlabel("$w_1$")
    ax2.set_ylabel("$w_2$")
    ax2.set_title("L1 的解落在坐标轴上（稀疏），L2 的解不会")
    ax2.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


@figure("ch01/bird-cage.png")
def bird_cage() -> Figure:
    """正则化的直观图：把“天空”（全部假设空间）缩小成“笼子”，鸟（可能的解）只能在笼中。"""
    rng = np.random.default_rng(1)
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    _blank(ax, (-5.2, 5.2), (-3.0, 3.5))
    ax.add_patch(Ellipse((0, 0), 10, 5.8, facecolor="#dbe9f6", edgecolor=BLUE, lw=1.5))
    ax.add_patch(FancyBboxPatch((-1.4, -1.3), 2.8, 2.4, boxstyle="round,pad=0.05,rounding_size=0.3",
                                facecolor="#fff3e0", edgecolor=ORANGE, lw=2.0))
    for x in np.linspace(-1.1, 1.1, 7):   # 笼子的栅栏
        ax.plot([x, x], [-1.3, 1.1], color=ORANGE, lw=0.8)
    sky = rng.uniform([-4.4, -2.2], [4.4, 2.2], size=(60, 2))
    sky = sky[((sky[:, 0] / 4.8) ** 2 + (sky[:, 1] / 2.8) ** 2 < 1)
              & ~((np.abs(sky[:, 0]) < 2.6) & (sky[:, 1] > -2.3) & (sky[:, 1] < 1.5))]
    cage = rng.uniform([-1.1, -1.0], [1.1, 0.8], size=(6, 2))
    ax.plot(*sky.T, "v", color=BLUE, ms=7, label="可能的解（鸟）")
    ax.plot(*cage.T, "v", color=RED, ms=8, label="正则化后仍可达的解")
    ax.text(0, 3.05, "原始假设空间（天空）：模型能表示的全部函数", ha="center", fontsize=10, color=BLUE)
    ax.text(0, -1.8, "正则化后的假设空间（笼子）", ha="center", va="top", fontsize=10, color=ORANGE)
    ax.legend(loc="lower left", fontsize=9, framealpha=0.9)
    return fig


@figure("ch01/mlp-diagram.png")
def mlp_diagram() -> Figure:
    """1.4 节 MLP 的结构图：逐层列出层名、类型、输出形状与参数个数（从模型本身读出）。"""
    from adlk.ch01.models import build_mlp

    model = build_mlp()
    rows = [("input_layer", "InputLayer", "(None, 784)", 0)]
    rows += [(layer.name, type(layer).__name__, str(tuple(layer.output.shape)), layer.count_params())
             for layer in model.layers]
    colors = {"InputLayer": GREEN, "Dense": BLUE, "Activation": ORANGE, "Dropout": GRAY}
    fig, ax = plt.subplots(figsize=(6.4, 9.4))
    _blank(ax, (-3.3, 3.3), (-len(rows) * 1.1 - 0.3, 0.6))
    for k, (name, kind, shape, params) in enumerate(rows):
        y = -k * 1.1
        extra = ""
        if kind == "Activation":
            extra = f"：{model.layers[k - 1].activation.__name__}"
        elif kind == "Dropout":
            extra = f", rate={model.layers[k - 1].rate}"
        text = f"{name}  [{kind}{extra}]\n输出 {shape}" + (f"，参数 {params:,}" if params else "")
        _box(ax, (0, y), 5.6, 0.78, text, color=colors[kind], fontsize=9.5)
        if k:
            _arrow(ax, (0, y + 0.71), (0, y + 0.4))
    ax.text(0, -len(rows) * 1.1 + 0.2, f"参数合计 {model.count_params():,}", ha="center", fontsize=11)
    return fig


@figure("ch01/sgd-1d.png")
def sgd_1d() -> Figure:
    """在一维函数 f(w) = (w - 1)² 上做梯度下降：学习率太小、合适、太大。"""
    f = lambda w: (w - 1) ** 2          # noqa: E731
    grad = lambda w: 2 * (w - 1)        # noqa: E731
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for ax, lr, title in zip(axes, [0.05, 0.3, 1.05], ["学习率太小：走得慢", "学习率合适", "学习率太大：振荡并发散"]):
        w = [-2.0]
        for _ in range(10):
            w.append(w[-1] - lr * grad(w[-1]))   # SGD 的更新：w ← w - η·f'(w)
        w = np.array(w)
        grid = np.linspace(min(w.min(), -2.3) - 0.3, max(w.max(), 4.3) + 0.3, 300)
        ax.plot(grid, f(grid), color=GRAY)
        ax.plot(w, f(w), "o-", color=RED, ms=4, lw=1)
        ax.plot(w[0], f(w[0]), "s", color="black", ms=6, label="起点")
        ax.set_title(f"{title}（$\\eta$={lr:g}）", fontsize=11)
        ax.set_xlabel("$w$")
        ax.text(0.5, 0.95, f"10 步后 w = {w[-1]:.2f}", transform=ax.transAxes, ha="center", va="top", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("$f(w)=(w-1)^2$")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 1.8 三种网络并排比较（读取结果文件）


@figure("ch01/side-by-side.png")
def side_by_side() -> Figure:
    """三个参考模型的参数个数与测试准确率，画成两幅并排的条形图。

    不画每轮耗时：三行是在不同时间、不同负载下记录的，它们的耗时不能并排比较（见运行速度页）。"""
    from adlk.ch01.experiments import REFERENCE_ROWS, TABLES
    from adlk.site.figures import DOCS
    from adlk.site.report import load_results

    results = load_results(DOCS / "results" / "cpu", list(TABLES))
    names, params, accs = [], [], []
    for table, row in REFERENCE_ROWS.items():
        data = results.get(f"ch01/{table}", {}).get(row)
        if data is None:
            continue
        names.append({"mlp": "MLP", "cnn": "CNN", "rnn": "SimpleRNN"}[table])
        params.append(data["counts"]["parameters"] / 1000)
        accs.append(100 * data["metrics"]["test_accuracy"])
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.8))
    colors = ["#5c6bc0", "#26a69a", "#ef8f00"][: len(names)]
    for ax, values, title, fmt in zip(axes, (params, accs), ("参数（千个）", "测试准确率 (%)"), ("{:.0f}", "{:.2f}")):
        bars = ax.bar(names, values, color=colors)
        ax.set_title(title, fontsize=10)
        for bar, v in zip(bars, values):
            ax.annotate(fmt.format(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    if accs:
        axes[1].set_ylim(min(accs) - 1, 100)
    if not names:
        fig.suptitle("尚无运行记录")
    fig.tight_layout()
    return fig
