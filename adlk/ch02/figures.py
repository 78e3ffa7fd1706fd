"""第 2 章的插图：Y 形网络、扩张卷积的感受野、残差块、密集块、学习率调度、替代数据集的样本与记录运行的结果。

示意图里的数字（感受野、通道数、学习率）都由 :mod:`adlk.ch02.models` 的函数算出；训练结果只读取记录运行的
产物（``load_artifact``），生成插图时不训练。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from adlk.site.figures import figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"


def _box(ax, xy, w, h, text, color=BLUE, fontsize=9, fill="white") -> None:
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.06",
                                facecolor=fill, edgecolor=color, lw=1.4, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, start, end, color="black", rad=0.0, lw=1.1) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0, zorder=2))


def _blank(ax, xlim, ylim) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")


@figure("ch02/y-network.png")
def y_network() -> Figure:
    """Y 形网络的结构：两个分支（右分支扩张率 2），形状由模型本身给出。"""
    from adlk.ch02.models import build_y_network

    model = build_y_network()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    fig, ax = plt.subplots(figsize=(9, 6.6))
    _blank(ax, (0, 10), (0, 13.2))
    for x, side, color, title in ((2.6, "left", BLUE, "左分支：普通卷积"), (7.4, "right", ORANGE, "右分支：扩张卷积 d=2")):
        _box(ax, (x, 12.4), 3.2, 0.7, f"输入 {side}_input\n28×28×1", color=GRAY)
        ax.text(x, 11.6, title, ha="center", fontsize=9, color=color)
        y = 11.0
        for i in range(1, 4):
            conv = model.get_layer(f"{side}_conv{i}")
            h, w, c = shapes[f"{side}_pool{i}"]
            _arrow(ax, (x, y + 0.35 if i > 1 else 12.05), (x, y + 0.33))
            _box(ax, (x, y), 3.4, 0.62, f"Conv2D {conv.filters} 个 3×3，same，ReLU"
                 + (f"，扩张率 {conv.dilation_rate[0]}" if conv.dilation_rate[0] > 1 else ""), color=color, fontsize=8)
            _arrow(ax, (x, y - 0.31), (x, y - 0.75))
            _box(ax, (x, y - 1.05), 3.4, 0.55, f"Dropout 0.4 → MaxPooling2D 2 → {h}×{w}×{c}", color=color, fontsize=8)
            y -= 2.4
        _arrow(ax, (x, y + 1.05), (5 + (x - 5) * 0.2, 3.3))
    concat = next(layer for layer in model.layers if type(layer).__name__ == "Concatenate")
    _box(ax, (5, 3.0), 3.8, 0.6, f"拼接（concatenate）→ {'×'.join(map(str, shapes[concat.name]))}", color=PURPLE)
    _arrow(ax, (5, 2.7), (5, 2.15))
    flat = shapes[next(layer.name for layer in model.layers if type(layer).__name__ == "Flatten")][0]
    _box(ax, (5, 1.85), 3.8, 0.6, f"Flatten（{flat}）→ Dropout 0.4", color=PURPLE)
    _arrow(ax, (5, 1.55), (5, 1.0))
    _box(ax, (5, 0.7), 3.8, 0.6, "Dense 10，softmax", color=GREEN)
    ax.set_title(f"Y 形网络：两个输入、一个输出，共 {model.count_params():,} 个参数", fontsize=11)
    return fig


@figure("ch02/dilated-conv.png")
def dilated_conv() -> Figure:
    """3×3 卷积核在扩张率 1、2、3 下覆盖的输入像素。"""
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    n = 9
    for ax, d in zip(axes, (1, 2, 3)):
        span = d * 2 + 1
        ax.set_xlim(0, n)
        ax.set_ylim(0, n)
        ax.set_aspect("equal")
        ax.axis("off")
        for r in range(n):
            for c in range(n):
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="white", edgecolor="#bbbbbb", lw=0.8))
        start = (n - span) // 2
        ax.add_patch(Rectangle((start, start), span, span, facecolor=ORANGE, alpha=0.15, edgecolor=ORANGE, lw=1.5))
        for i in range(3):
            for j in range(3):
                ax.add_patch(Rectangle((start + i * d, start + j * d), 1, 1, facecolor=BLUE, alpha=0.8))
        ax.set_title(f"扩张率 {d}：等效卷积核 {span}×{span}\n仍只有 9 个权重", fontsize=10)
    fig.suptitle("3×3 扩张卷积：蓝色为参与计算的像素，橙色为覆盖的范围", fontsize=11)
    return fig


@figure("ch02/receptive-field.png")
def receptive_field_plot() -> Figure:
    """Y 形网络两个分支逐层的感受野（由 ``receptive_field`` 算出）。"""
    import keras

    from adlk.ch02.models import build_y_network, receptive_field

    model = build_y_network()
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for side, color, label in (("left", BLUE, "左分支（普通卷积）"), ("right", ORANGE, "右分支（扩张率 2）")):
        branch = keras.Model(model.get_layer(f"{side}_input").output, model.get_layer(f"{side}_pool3").output)
        rows = receptive_field(branch)
        ax.plot(range(1, len(rows) + 1), [r for _, r in rows], "o-", color=color, label=label)
        for i, (_, r) in enumerate(rows, start=1):
            ax.annotate(str(r), (i, r), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8,
                        color=color)
        names = [n.replace(f"{side}_", "") for n, _ in rows]
    ax.axhline(28, color=GRAY, ls="--", lw=0.8)
    ax.text(0.8, 29, "MNIST 图像边长 28", fontsize=8, color=GRAY)
    ax.set_xticks(range(1, len(names) + 1), names)
    ax.set_ylabel("感受野边长（像素）")
    ax.set_title("逐层感受野：扩张卷积用同样多的权重看到更大的范围", fontsize=11)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig


def _stack(ax, x, items, colors, title) -> None:
    """竖排的一串方框（自上而下），相邻之间画箭头。"""
    y = 8.6
    ax.text(x, 9.5, title, ha="center", fontsize=10)
    for i, (text, color) in enumerate(zip(items, colors)):
        _box(ax, (x, y), 2.6, 0.6, text, color=color, fontsize=8.5)
        if i:
            _arrow(ax, (x, y + 1.0 - 0.3), (x, y + 0.3))
        y -= 1.0


@figure("ch02/residual-blocks.png")
def residual_blocks() -> Figure:
    """ResNet v1 的残差块与 v2 的预激活瓶颈块。"""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 5.6))
    for ax in (a1, a2):
        _blank(ax, (0, 6), (0, 10))
    v1 = ["输入 $x_{l}$", "Conv 3×3", "BN", "ReLU", "Conv 3×3", "BN", "⊕ 相加", "ReLU"]
    c1 = [GRAY, BLUE, GREEN, ORANGE, BLUE, GREEN, PURPLE, ORANGE]
    _stack(a1, 2.6, v1, c1, "ResNet v1：Conv-BN-ReLU，相加后再 ReLU")
    v2 = ["输入 $x_{l}$", "BN → ReLU", "Conv 1×1（瓶颈）", "BN → ReLU", "Conv 3×3", "BN → ReLU",
          "Conv 1×1（升维）", "⊕ 相加（之后不激活）"]
    c2 = [GRAY, GREEN, BLUE, GREEN, BLUE, GREEN, BLUE, PURPLE]
    _stack(a2, 2.6, v2, c2, "ResNet v2：预激活的瓶颈块")
    for ax, end, extra in ((a1, 2.6, "恒等捷径\n（下采样时为\n1×1 步长 2 卷积）"),
                           (a2, 1.6, "恒等捷径\n（每阶段第一块为\n1×1 投影卷积）")):
        ax.add_patch(FancyArrowPatch((3.9, 8.6), (3.9, end), arrowstyle="-|>", mutation_scale=10, color=RED, lw=1.3,
                                     connectionstyle="arc3,rad=-0.45", zorder=2))
        ax.text(5.6, 5.2, extra, ha="center", va="center", fontsize=8, color=RED)
    return fig


@figure("ch02/dense-block.png")
def dense_block() -> Figure:
    """密集块中通道数的增长与过渡层的压缩（DenseNet-BC-100，k=12），由模型本身数出。"""
    from adlk.ch02.models import densenet_bc

    model = densenet_bc()
    channels, marks = [], []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Concatenate":
            channels.append(layer.output.shape[-1])
        elif kind == "AveragePooling2D" and layer.pool_size[0] == 2:
            channels.append(layer.output.shape[-1])
            marks.append(len(channels) - 1)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.step(range(len(channels)), channels, where="post", color=BLUE)
    for m in marks:
        ax.annotate(f"过渡层：{channels[m - 1]} → {channels[m]}", (m, channels[m]), textcoords="offset points",
                    xytext=(8, 24), fontsize=8, color=RED, arrowprops={"arrowstyle": "->", "color": RED})
    ax.annotate(f"输入 3 + 首层 24 = {channels[0]}", (0, channels[0]), textcoords="offset points", xytext=(5, 30),
                fontsize=8, arrowprops={"arrowstyle": "->"})
    ax.annotate(f"最后 {channels[-1]} 个通道 → 8×8 平均池化", (len(channels) - 1, channels[-1]),
                textcoords="offset points", xytext=(-150, -10), fontsize=8, arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("拼接（concatenate）的次序")
    ax.set_ylabel("特征图通道数")
    ax.set_title(f"{model.name}：每个瓶颈层新增 k=12 个通道，过渡层减半（{model.count_params():,} 个参数）",
                 fontsize=10)
    ax.grid(alpha=0.3)
    return fig


@figure("ch02/lr-schedule.png")
def lr_schedule_plot() -> Figure:
    """书中 200 轮的学习率调度（由 ``lr_schedule`` 算出）。"""
    from adlk.ch02.models import lr_schedule

    epochs = np.arange(200)
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    ax.semilogy(epochs, [lr_schedule(int(e)) for e in epochs], color=BLUE)
    for e in (80, 120, 160, 180):
        ax.axvline(e + 1, color=GRAY, lw=0.6, ls=":")
    ax.set_xlabel("轮次（从 0 开始）")
    ax.set_ylabel("学习率")
    ax.set_title("书中的学习率调度：1e-3，第 80、120、160、180 轮后分段下降", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    return fig


@figure("ch02/mnistm-samples.png")
def mnistm_samples() -> Figure:
    """替代数据集的前 40 张训练图像与标签（生成数据，不训练）。"""
    from adlk.datasets import load_mnistm

    (x, y), _ = load_mnistm("smoke")
    fig, axes = plt.subplots(4, 10, figsize=(10, 4.6))
    for ax, image, label in zip(axes.flat, x, y[:, 0]):
        ax.imshow(image)
        ax.set_title(str(label), fontsize=9)
        ax.axis("off")
    fig.suptitle("替代数据集（MNIST-M 风格，32×32×3）：|照片截块 − 数字|", fontsize=11)
    return fig


@figure("ch02/deep-errors.png")
def deep_errors() -> Figure:
    """记录运行中 ResNet20 v1 在替代数据集测试集上认错的前 24 张图。"""
    from adlk.datasets import load_mnistm

    art = load_artifact("ch02/deep", "resnet20v1", "predictions")
    if art is None:
        return placeholder("ResNet20 v1 认错的测试图像", "python -m adlk reproduce ch02/deep --only resnet20v1")
    pred, label, index = art["predicted"], art["label"], art["index"].astype(np.int64)
    _, (x_all, y_all) = load_mnistm("full")
    if index.max() >= len(y_all) or not (y_all[index, 0] == label).all():
        return placeholder("ResNet20 v1 认错的测试图像（记录与数据不符）", "python -m adlk reproduce ch02/deep")
    x_test = x_all[index]
    wrong = np.flatnonzero(pred != label)[:24]
    fig, axes = plt.subplots(3, 8, figsize=(10, 4.4))
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(x_test[i])
        ax.set_title(f"{label[i]}→{pred[i]}", fontsize=9, color=RED)
    fig.suptitle(f"ResNet20 v1 认错的测试图像（真实→预测）：{len(np.flatnonzero(pred != label))} / {len(pred)} 张",
                 fontsize=11)
    return fig


@figure("ch02/mnist-curves.png")
def mnist_curves() -> Figure:
    """函数式 CNN 与 Y 形网络每轮的训练、测试准确率（记录运行）。"""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    drawn = 0
    for row, color, label in (("cnn", BLUE, "函数式 CNN"), ("y-network", ORANGE, "Y 形网络")):
        art = load_artifact("ch02/mnist", row, "curves")
        if art is None:
            continue
        drawn += 1
        epochs = np.arange(1, len(art["accuracy"]) + 1)
        ax.plot(epochs, 100 * art["accuracy"].astype(float), "x--", color=color, label=f"{label}（训练，含 Dropout）")
        ax.plot(epochs, 100 * art["val_accuracy"].astype(float), "o-", color=color, label=f"{label}（测试）")
    if not drawn:
        plt.close(fig)
        return placeholder("函数式 CNN 与 Y 形网络的准确率曲线", "python -m adlk reproduce ch02/mnist")
    ax.set_xlabel("轮次")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_ylabel("准确率 %")
    ax.set_title("MNIST 上每轮的准确率（本站记录运行）", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    return fig
