"""第 1 章后半部分（CNN、RNN）的插图。

示意图里的数（输出尺寸、池化结果）都由代码算出；卷积核与特征图两张图读取一次记录运行（表 ``ch01/figure-cnn``）保存的权重：
:func:`adlk.ch01.build_cnn` 在完整 MNIST 上训练 1 轮（Adam，批大小 128，种子 0）。生成插图时不训练。
梯度的图在真实数字上实测，模型是未经训练的参考 SimpleRNN。
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from adlk.site.figures import figure

# 与第 1 章前半部分相同的几种颜色
BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"


# ---------------------------------------------------------------- 绘图小工具


def _blank(ax, xlim, ylim) -> None:
    """示意图用的坐标系：等比例、无坐标轴。"""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _arrow(ax, start, end, color="black", lw=1.2, rad=0.0) -> None:
    """从 start 到 end 画一支箭头。"""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}"))


def _box(ax, xy, w, h, text, color=BLUE, fontsize=10, fill="white") -> None:
    """以 xy 为中心的圆角方框。"""
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=fill, edgecolor=color, lw=1.5, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _cells(ax, values, x0, y0, cell=1.0, faces=None, fmt="{:g}", fontsize=11, edge="black") -> None:
    """把矩阵画成方格，左上角在 (x0, y0)；faces 给出每格的底色（None 为白色）。"""
    values = np.asarray(values)
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            face = "white" if faces is None or faces[r][c] is None else faces[r][c]
            ax.add_patch(Rectangle((x0 + c * cell, y0 - (r + 1) * cell), cell, cell, facecolor=face,
                                   edgecolor=edge, lw=0.8))
            if fmt:
                ax.text(x0 + (c + 0.5) * cell, y0 - (r + 0.5) * cell, fmt.format(values[r, c]),
                        ha="center", va="center", fontsize=fontsize)


def conv_output_size(n: int, k: int, s: int = 1, p: int = 0) -> int:
    """卷积（或池化）输出的边长：floor((n + 2p - k) / s) + 1。"""
    return (n + 2 * p - k) // s + 1


# ---------------------------------------------------------------- 1.6 CNN：步长与填充


@figure("ch01/padding-stride.png")
def padding_stride() -> Figure:
    """5×5 输入、3×3 卷积核：valid（不填充）、same（补一圈 0）、步长 2 三种情形的输出尺寸。"""
    n, k = 5, 3
    cases = [("valid，步长 1", 1, 0), ("same，步长 1", 1, 1), ("valid，步长 2", 2, 0)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 5.2))
    for ax, (title, s, p) in zip(axes, cases):
        out = conv_output_size(n, k, s, p)
        size = n + 2 * p
        _blank(ax, (-0.6, size + 0.6), (-size - 6.6, 1.4))
        # 输入：填充出来的格子画成灰色并写 0
        faces = [[("#e6e6e6" if (r < p or c < p or r >= n + p or c >= n + p) else "#dbe9f6")
                  for c in range(size)] for r in range(size)]
        _cells(ax, np.zeros((size, size)), 0, 0, faces=faces, fmt="")
        for r in range(size):
            for c in range(size):
                if faces[r][c] == "#e6e6e6":
                    ax.text(c + 0.5, -r - 0.5, "0", ha="center", va="center", fontsize=9, color=GRAY)
        # 卷积核的第一个位置与向右移动一步后的位置
        ax.add_patch(Rectangle((0, -k), k, k, fill=False, edgecolor=ORANGE, lw=2.6))
        ax.add_patch(Rectangle((s, -k), k, k, fill=False, edgecolor=RED, lw=2.0, ls="--"))
        ax.text(size / 2, 0.75, f"输入 {n}×{n}" + (f"，四周各补 {p} 圈 0" if p else ""), ha="center", fontsize=10)
        # 输出
        ox = (size - out) / 2
        _cells(ax, np.zeros((out, out)), ox, -size - 1.3, faces=[[GREEN] * out for _ in range(out)], fmt="")
        for patch in ax.patches[-out * out:]:
            patch.set_alpha(0.45)
        ax.text(size / 2, -size - 0.35, f"输出 {out}×{out}", ha="center", va="top", fontsize=10)
        ax.text(size / 2, -size - 1.8 - out,
                f"$\\lfloor({n}+2\\times{p}-{k})/{s}\\rfloor+1={out}$", ha="center", va="top", fontsize=11)
        ax.set_title(f"{title}\n（实线框：第 1 个位置；虚线框：右移一步）", fontsize=11)
    fig.suptitle(f"{n}×{n} 输入、{k}×{k} 卷积核：填充与步长决定输出的大小", fontsize=13)
    fig.tight_layout()
    return fig


POOL_INPUT = np.array([[1, 3, 2, 0],
                       [4, 6, 1, 1],
                       [0, 2, 5, 7],
                       [1, 1, 8, 2]])


@figure("ch01/pooling.png")
def pooling() -> Figure:
    """4×4 特征图上的 2×2 最大池化与平均池化（结果由 NumPy 算出）。"""
    blocks = POOL_INPUT.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3)   # (块行, 块列, 2, 2)
    max_out = blocks.max(axis=(2, 3))
    avg_out = blocks.mean(axis=(2, 3))
    palette = [["#dbe9f6", "#fde4cf"], ["#dcefdc", "#e8e1f4"]]
    faces = [[palette[r // 2][c // 2] for c in range(4)] for r in range(4)]
    out_faces = [[palette[r][c] for c in range(2)] for r in range(2)]
    fig, ax = plt.subplots(figsize=(10, 4.2))
    _blank(ax, (-0.4, 13.6), (-4.9, 0.9))
    _cells(ax, POOL_INPUT, 0, 0, faces=faces, fontsize=13)
    for r in range(4):
        for c in range(4):
            if POOL_INPUT[r, c] == max_out[r // 2, c // 2]:
                ax.add_patch(Rectangle((c + 0.08, -r - 0.92), 0.84, 0.84, fill=False, edgecolor=RED, lw=1.6))
    ax.text(2, 0.3, "特征图 4×4", ha="center", fontsize=11)
    _arrow(ax, (4.3, -1.0), (7.2, -0.9), color=GRAY, rad=-0.15)
    _arrow(ax, (4.3, -3.0), (7.2, -3.1), color=GRAY, rad=0.15)
    ax.text(5.75, -0.35, "最大池化 2×2", ha="center", fontsize=10)
    ax.text(5.75, -3.95, "平均池化 2×2", ha="center", fontsize=10)
    _cells(ax, max_out, 7.5, 0.0, faces=out_faces, fontsize=13)
    _cells(ax, avg_out, 7.5, -2.1, faces=out_faces, fmt="{:.2f}", fontsize=12)
    ax.text(10.0, -1.0, "每块取最大值\n（红框）", va="center", fontsize=10)
    ax.text(10.0, -3.1, "每块取平均值", va="center", fontsize=10)
    ax.text(6.6, -4.75, "两种池化都把 4×4 缩成 2×2，且没有要学习的参数", ha="center", fontsize=10, color="#333333")
    return fig


# ---------------------------------------------------------------- 1.6 CNN：训练 1 轮后的卷积核与特征图


TRAINED_CNN = ("ch01/figure-cnn", "cnn")
"""插图所用的那次记录运行：书中的 CNN 在完整 MNIST 上训练 1 轮（Adam，批大小 128，种子 0）。"""


@functools.lru_cache(maxsize=1)
def trained_cnn():
    """读取记录运行保存的权重，返回训练过 1 轮的 CNN；尚无记录时返回 ``None``（插图不在这里训练）。"""
    from adlk.ch01.models import build_cnn
    from adlk.site.figures import load_artifact

    artifact = load_artifact(*TRAINED_CNN, "weights")
    if artifact is None:
        return None
    model = build_cnn()
    model.load_weights(str(artifact["path"]))
    return model


def _not_recorded(title: str) -> Figure:
    from adlk.site.figures import placeholder

    return placeholder(title, f"python -m adlk reproduce {TRAINED_CNN[0]}")


@figure("ch01/cnn-kernels.png")
def cnn_kernels() -> Figure:
    """第一个卷积层学到的 64 个 3×3 卷积核（训练 1 轮）；红正蓝负，64 个共用同一色标。"""
    model = trained_cnn()
    if model is None:
        return _not_recorded("第一个卷积层的卷积核")
    kernels = model.layers[0].get_weights()[0][:, :, 0, :]   # (3, 3, 64)
    limit = float(np.abs(kernels).max())
    fig, axes = plt.subplots(8, 8, figsize=(7.2, 7.8))
    for i, ax in enumerate(axes.flat):
        image = ax.imshow(kernels[:, :, i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(str(i), fontsize=7, pad=2)
    fig.subplots_adjust(left=0.02, right=0.86, top=0.93, bottom=0.02, wspace=0.15, hspace=0.35)
    cax = fig.add_axes([0.89, 0.2, 0.025, 0.6])
    fig.colorbar(image, cax=cax, label="权重")
    fig.suptitle("第一个 Conv2D 层的 64 个 3×3 卷积核（训练 1 轮）", fontsize=12)
    return fig


@figure("ch01/cnn-feature-maps.png")
def cnn_feature_maps() -> Figure:
    """测试集第一张数字依次经过各层：每层显示前 8 个通道的特征图。"""
    import keras

    from adlk.ch01.data import to_cnn_input
    from adlk.datasets import load_mnist

    model = trained_cnn()
    if model is None:
        return _not_recorded("CNN 各层的特征图")
    _, (x_test, y_test) = load_mnist("full")
    image = to_cnn_input(x_test[:1])
    shown = [layer for layer in model.layers if type(layer).__name__ in {"Conv2D", "MaxPooling2D"}]
    probe = keras.Model(model.layers[0].input, [layer.output for layer in shown])
    maps = [keras.ops.convert_to_numpy(m)[0] for m in probe(image)]
    channels = 8
    fig, axes = plt.subplots(len(shown) + 1, channels + 1, figsize=(12, 8.6),
                             gridspec_kw={"width_ratios": [1.35] + [1] * channels})
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    # 第一行：输入的数字与读图说明
    for ax in axes[0]:
        ax.axis("off")
    axes[0, 0].text(0.0, 0.5, f"输入\n28×28×1\n（标签 {y_test[0]}）", va="center", fontsize=10)
    axes[0, 1].imshow(x_test[0], cmap="gray")
    axes[0, 2].text(0.1, 0.5, "每个小图是一个通道的特征图，颜色越亮数值越大，各自使用自己的色标；\n"
                    "全暗的小图表示这个通道在这张数字上处处为 0（被 ReLU 截成 0）。",
                    va="center", fontsize=10, transform=axes[0, 2].transAxes)
    for row, (layer, fmap) in enumerate(zip(shown, maps), start=1):
        head = axes[row, 0]
        head.axis("off")
        kind = "卷积 + ReLU" if type(layer).__name__ == "Conv2D" else "最大池化"
        h, w, c = fmap.shape
        head.text(0.0, 0.5, f"{layer.name}\n{kind}\n{h}×{w}×{c}", va="center", fontsize=10)
        for ch in range(channels):
            ax = axes[row, ch + 1]
            ax.imshow(fmap[:, :, ch], cmap="viridis")
            if row == 1:
                ax.set_title(f"通道 {ch}", fontsize=9)
    fig.suptitle("测试集第 1 张数字经过各层后的特征图（前 8 个通道；模型训练 1 轮）", fontsize=12, y=0.995)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.01, wspace=0.12, hspace=0.3)
    return fig


# ---------------------------------------------------------------- 1.7 RNN：逐行读入一个数字


@figure("ch01/rnn-mnist-unrolled.png")
def rnn_mnist_unrolled() -> Figure:
    """RNN 逐行读入一张数字：第 t 行是第 t 个时间步的输入，只有最后的隐藏状态送进 Dense 层。"""
    from adlk.datasets import load_mnist

    (x_train, y_train), _ = load_mnist("full")
    image = x_train[0] / 255.0
    steps = [0, 1, 2, 13, 27]            # 画出来的时间步（下标从 0 开始）
    xs = [4.2, 6.2, 8.2, 11.2, 14.2]
    fig, ax = plt.subplots(figsize=(13.5, 5.0))
    _blank(ax, (-0.3, 18.6), (-3.6, 2.8))
    # 左边：整张数字
    ax.imshow(image, cmap="gray", extent=(0, 2.4, -1.9, 0.5))
    ax.text(1.2, -2.1, f"一张 28×28 的数字\n（标签 {y_train[0]}）\n每一行是一个时间步\n的 28 个特征",
            ha="center", va="top", fontsize=9)
    for i, (t, x) in enumerate(zip(steps, xs)):
        # 输入：这一行像素画成一条 1×28 的细条
        ax.imshow(image[t:t + 1], cmap="gray", extent=(x - 0.8, x + 0.8, -2.15, -1.85), vmin=0, vmax=1)
        ax.add_patch(Rectangle((x - 0.8, -2.15), 1.6, 0.3, fill=False, edgecolor=GREEN, lw=1.2))
        ax.text(x, -2.45, f"$x_{{{t + 1}}}$（第 {t + 1} 行）", ha="center", va="top", fontsize=10)
        ax.add_patch(Circle((x, 0.2), 0.5, facecolor="white", edgecolor=BLUE, lw=1.6, zorder=3))
        ax.text(x, 0.2, f"$h_{{{t + 1}}}$", ha="center", va="center", fontsize=12, zorder=4)
        _arrow(ax, (x, -1.8), (x, -0.33))
        ax.text(x + 0.08, -1.1, "$U$", fontsize=11)
        if i + 1 < len(xs):
            nxt = xs[i + 1]
            gap = nxt - x > 2.5
            end = nxt - 0.55 if not gap else x + 1.3
            _arrow(ax, (x + 0.52, 0.2), (end, 0.2), color=BLUE)
            ax.text((x + 0.52 + end) / 2, 0.32, "$W$", ha="center", va="bottom", fontsize=11, color=BLUE)
            if gap:
                ax.text((x + nxt) / 2, 0.2, "…", ha="center", va="center", fontsize=16, color=BLUE)
                _arrow(ax, (nxt - 1.3, 0.2), (nxt - 0.55, 0.2), color=BLUE)
    ax.text(xs[0] - 1.1, 0.55, "$h_0=0$", ha="center", fontsize=10, color=BLUE)
    _arrow(ax, (xs[0] - 1.3, 0.2), (xs[0] - 0.55, 0.2), color=BLUE)
    # 只有最后一步的隐藏状态接到输出层
    _arrow(ax, (xs[-1] + 0.52, 0.2), (16.0, 0.2), color=BLUE)
    _box(ax, (17.1, 0.2), 2.1, 1.3, "Dense(10)\nsoftmax", color=RED, fontsize=10)
    _arrow(ax, (17.1, 0.87), (17.1, 1.8), color=RED)
    ax.text(17.1, 1.9, "10 个数字的概率", ha="center", va="bottom", fontsize=10)
    ax.text(9.2, 2.2, "同一个 SimpleRNN 单元（同一组 $U$、$W$、$b$）重复用 28 次；中间各步的 $h_t$ 不输出",
            ha="center", fontsize=11)
    return fig


# ---------------------------------------------------------------- 1.7 RNN：实测的梯度消失


def hidden_state_gradients(n_digits: int = 256, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """未训练的参考 SimpleRNN 上，损失对每个时间步隐藏状态 h_t 的梯度范数（在 n_digits 张真实数字上平均）。

    用该层自己的权重按 h_t = tanh(x_t U + h_{t-1} W + b) 手动展开 28 步（与 ``SimpleRNN`` 的输出一致），
    再用 ``tf.GradientTape`` 求损失对每个 h_t 的梯度。

    Returns:
        ``(norms, factors)``：长度 28 的平均梯度范数，以及长度 27 的逐步比值
        ``‖∂L/∂h_{t-1}‖ / ‖∂L/∂h_t‖``（t = 2..28，每张数字单独算再平均）。
    """
    import keras
    import tensorflow as tf

    from adlk.ch01.data import to_rnn_input
    from adlk.datasets import load_mnist
    from adlk.ch01.models import build_rnn

    (x_train, y_train), _ = load_mnist("full")
    x = tf.constant(to_rnn_input(x_train[:n_digits]))
    y = keras.utils.to_categorical(y_train[:n_digits], 10)
    keras.utils.set_random_seed(seed)
    model = build_rnn()
    rnn, dense = model.layers
    kernel, recurrent, bias = (w.value for w in rnn.cell.weights)
    with tf.GradientTape() as tape:
        h = tf.zeros((n_digits, rnn.units))
        states = []
        for t in range(x.shape[1]):
            h = tf.tanh(x[:, t] @ kernel + h @ recurrent + bias)
            states.append(h)
        probs = dense(h)
        loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, probs))
    reference = keras.ops.convert_to_numpy(model(x))
    assert np.allclose(reference, probs.numpy(), atol=1e-5), "手动展开与 SimpleRNN 不一致"
    grads = np.stack([g.numpy() for g in tape.gradient(loss, states)], axis=1)   # (批, 28, 256)
    per_digit = np.linalg.norm(grads, axis=2)                                     # (批, 28)
    factors = (per_digit[:, :-1] / per_digit[:, 1:]).mean(axis=0)
    return per_digit.mean(axis=0), factors


@figure("ch01/rnn-gradients.png")
def rnn_gradients() -> Figure:
    """实测：损失对各时间步隐藏状态的梯度，越往前越小；每往回一步乘的因子小于 1。"""
    norms, factors = hidden_state_gradients()
    t = np.arange(1, len(norms) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.3))
    ax1.semilogy(t, norms, "o-", color=BLUE, ms=4)
    ax1.set_xlabel("时间步 $t$（第 $t$ 行）")
    ax1.set_ylabel(r"$\|\partial L / \partial \mathbf{h}_t\|$（对数刻度）")
    ax1.set_title(f"梯度从第 28 步往回传：到第 1 步只剩约 {norms[0] / norms[-1]:.1%}")
    ax1.grid(alpha=0.3, which="both")
    ax1.set_xticks([1, 5, 10, 15, 20, 25, 28])
    ax2.bar(t[1:], factors, color=ORANGE)
    ax2.axhline(1.0, color=GRAY, ls="--", lw=1)
    ax2.set_xlabel("时间步 $t$")
    ax2.set_ylabel(r"$\|\partial L/\partial \mathbf{h}_{t-1}\| \,/\, \|\partial L/\partial \mathbf{h}_t\|$")
    ax2.set_title(f"每往回一步乘的因子（平均 {factors.mean():.3f}）")
    ax2.set_ylim(0, 1.15)
    ax2.set_xticks([2, 5, 10, 15, 20, 25, 28])
    ax2.grid(alpha=0.3, axis="y")
    fig.suptitle("未训练的 SimpleRNN(256)，在训练集前 256 张数字上实测", fontsize=12)
    fig.tight_layout()
    return fig
