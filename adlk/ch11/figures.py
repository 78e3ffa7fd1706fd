"""第 11 章的插图。

原理部分的图（数字场景、锚框、匹配到的锚框）由数据生成器和锚框代码直接算出，不训练。
画框用 Matplotlib：``keras.visualization.draw_bounding_boxes`` 需要 OpenCV，本项目不依赖它。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from adlk.site.figures import figure, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"
SIZE = 64
"""原理图所用场景的边长（与本章记录运行的画布相同）。"""
FEATURE_SHAPES = ((4, 4), (2, 2), (1, 1))
"""64×64 的输入、3 个特征层时 :func:`adlk.ch11.build_ssd` 给出的特征图大小（步长 16、32、64）。"""
ANCHOR_LABELS = ("宽高比 1", "宽高比 2", "宽高比 0.5", "第 4 个（尺寸 √(sᵢsᵢ₊₁)）")
ANCHOR_COLORS = (BLUE, ORANGE, GREEN, PURPLE)


def _box(ax, box, color, lw=1.5, ls="-", label=None):
    x0, y0, x1, y1 = box
    # 像素 (i, j) 画在 [j - 0.5, j + 0.5] 上：框的像素边界要平移半个像素
    ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, ec=color, lw=lw, ls=ls, label=label))


def _scenes(n: int = 6):
    from adlk.datasets import make_scenes

    return make_scenes(n, "train", SIZE)


@figure("ch11/scenes.png")
def scenes() -> Figure:
    """前 6 张训练场景：上排是图像与边界框（标出数字），下排是逐像素的掩码。"""
    s = _scenes(6)
    fig, axes = plt.subplots(2, 6, figsize=(13, 4.6))
    cmap = plt.get_cmap("tab20", 11)
    for i in range(6):
        axes[0, i].imshow(s.images[i])
        for box, cls in zip(*s.objects(i)):
            _box(axes[0, i], box, "yellow")
            axes[0, i].text(box[0], box[1] - 1.5, str(cls - 1), color="yellow", fontsize=9, va="bottom")
        axes[1, i].imshow(np.ma.masked_equal(s.masks[i], 0), cmap=cmap, vmin=0, vmax=10, interpolation="nearest")
        axes[1, i].set_facecolor("black")
        axes[0, i].set_title(f"场景 {i}", fontsize=10)
        for ax in axes[:, i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("图像与边界框")
    axes[1, 0].set_ylabel("掩码（颜色 = 类别）")
    fig.tight_layout()
    return fig


@figure("ch11/anchors.png")
def anchors() -> Figure:
    """同一张场景上三个特征层的锚框：格子是特征图的一个点，画出其中一个点的 4 个锚框。"""
    from adlk.ch11 import anchor_boxes

    s = _scenes(2)
    image = s.images[1]
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.4))
    for index, (ax, shape) in enumerate(zip(axes, FEATURE_SHAPES)):
        boxes = anchor_boxes(shape, image.shape, index=index, n_layers=len(FEATURE_SHAPES))
        ax.imshow(image)
        step = SIZE / shape[0]
        for k in range(1, shape[0]):
            ax.axhline(k * step - 0.5, color="white", lw=0.8, alpha=0.7)
            ax.axvline(k * step - 0.5, color="white", lw=0.8, alpha=0.7)
        row, col = (1, 1) if shape[0] > 1 else (0, 0)
        for k, (label, color) in enumerate(zip(ANCHOR_LABELS, ANCHOR_COLORS)):
            _box(ax, boxes[row, col, k], color, lw=2, label=label)
        ax.set_xlim(-0.5 - SIZE * 0.3, SIZE - 0.5 + SIZE * 0.3)
        ax.set_ylim(SIZE - 0.5 + SIZE * 0.3, -0.5 - SIZE * 0.3)
        ax.set_title(f"第 {index + 1} 层：{shape[0]}×{shape[1]} 特征图，格子 {step:g} 像素", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].legend(loc="lower left", fontsize=8, ncol=2, bbox_to_anchor=(0, -0.2))
    fig.tight_layout()
    return fig


@figure("ch11/matching.png")
def matching() -> Figure:
    """按书中的规则（逐层、每个真值框取 IoU 最大的锚框，另加 IoU > 0.6 的锚框）匹配到的正锚框。"""
    from adlk.ch11 import all_anchors, iou, match

    s = _scenes(2)
    image = s.images[1]
    boxes, classes = s.objects(1)
    layers = all_anchors(FEATURE_SHAPES, image.shape)
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.4))
    for index, (ax, anchors) in enumerate(zip(axes, layers)):
        ax.imshow(image)
        gt_class, _, _ = match(anchors, boxes, classes, n_classes=11, threshold=0.6)
        overlap = iou(anchors, boxes)
        for box in boxes:
            _box(ax, box, "yellow", lw=2)
        for a in np.flatnonzero(gt_class[:, 0] == 0):
            k = a % 4
            _box(ax, anchors[a], ANCHOR_COLORS[k], lw=1.5, ls="--")
            ax.text(anchors[a][0] + 1, anchors[a][3] - 1, f"{overlap[a].max():.2f}", color=ANCHOR_COLORS[k],
                    fontsize=8, va="bottom")
        ax.set_xlim(-0.5 - SIZE * 0.3, SIZE - 0.5 + SIZE * 0.3)
        ax.set_ylim(SIZE - 0.5 + SIZE * 0.3, -0.5 - SIZE * 0.3)
        ax.set_title(f"第 {index + 1} 层的正锚框（虚线，数字是 IoU）", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


@figure("ch11/focal.png")
def focal() -> Figure:
    """焦点损失：正确类别的概率 p 越接近 1，权重 α(1 - p)^γ 把交叉熵压得越低。"""
    p = np.linspace(0.01, 1.0, 300)
    ce = -np.log(p)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(p, ce, color=GRAY, lw=2, label="交叉熵 $-\\log p$（γ = 0）")
    for gamma, color in ((1, BLUE), (2, ORANGE), (5, GREEN)):
        ax.plot(p, (1 - p) ** gamma * ce, color=color, label=f"$-(1 - p)^{{{gamma}}} \\log p$")
    ax.plot(p, 0.25 * (1 - p) ** 2 * ce, color=RED, ls="--", label="书中：α = 0.25，γ = 2")
    ax.axvspan(0.6, 1.0, color=GREEN, alpha=0.08)
    ax.text(0.62, 3.2, "分得很好的样本\n（大多是背景锚框）", fontsize=9, color=GREEN)
    ax.set_xlabel("正确类别的概率 p")
    ax.set_ylabel("损失")
    ax.set_ylim(0, 4.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


COMMAND = "python -m adlk reproduce ch11/variants"


def _recorded() -> list[tuple[str, dict]]:
    """已记录的行：``[(行名, 工件数组)]``，按表中的顺序。"""
    from adlk.ch11.experiments import table
    from adlk.site.figures import load_artifact

    out = []
    for run in table("variants").runs:
        arrays = load_artifact("ch11/variants", run.row, "predictions")
        if arrays is not None:
            out.append((run.row, arrays))
    return out


@figure("ch11/detections.png")
def detections() -> Figure:
    """AP 最高的那一行在前 8 张测试场景上的检测（红，得分不低于 0.5）与真值（黄），全部读自工件。"""
    from adlk.ch11.experiments import SCORE_THRESHOLD, _unflatten, scores_from_artifact

    rows = _recorded()
    if not rows:
        return placeholder("检测结果与真值", COMMAND)
    row, arrays = max(rows, key=lambda r: scores_from_artifact(r[1])["map50"])
    n = int(arrays["n_images"])
    truths = _unflatten(arrays, "truth", n)
    preds = _unflatten(arrays, "pred", n)
    images = arrays["images"]
    fig, axes = plt.subplots(2, 4, figsize=(12, 6.4))
    for i, ax in enumerate(axes.flat[:len(images)]):
        ax.imshow(images[i])
        for box in truths[i][0]:
            _box(ax, box, "yellow", lw=2)
        boxes, classes, scores = preds[i]
        keep = scores >= SCORE_THRESHOLD
        for box, cls, score in zip(boxes[keep], classes[keep], scores[keep]):
            _box(ax, box, RED, lw=1.5, ls="--")
            ax.text(box[0], box[1] - 1, f"{cls - 1}:{score:.2f}", color="white", fontsize=8, va="bottom",
                    bbox={"facecolor": RED, "alpha": 0.7, "pad": 1, "lw": 0})
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"测试场景 {i}", fontsize=10)
    fig.suptitle(f"{row}：黄色实线为真值，红色虚线为检测（数字:得分）", fontsize=11)
    fig.tight_layout()
    return fig


@figure("ch11/pr-curve.png")
def pr_curve() -> Figure:
    """各行在测试场景上的精确率–召回率曲线（IoU 0.5，所有类别合在一起、仍要求类别相同），读自工件。"""
    from adlk.ch11.evaluate import precision_recall
    from adlk.ch11.experiments import _unflatten

    rows = _recorded()
    if not rows:
        return placeholder("精确率–召回率曲线", COMMAND)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    colors = (RED, BLUE, ORANGE, GREEN, PURPLE)
    for (row, arrays), color in zip(rows, colors):
        n = int(arrays["n_images"])
        _, precision, recall = precision_recall(_unflatten(arrays, "truth", n), _unflatten(arrays, "pred", n), 0.5)
        envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
        ax.plot(recall, precision, color=color, alpha=0.35, lw=1)
        ax.plot(recall, envelope, color=color, lw=2, label=row)
    ax.set_xlabel("召回率")
    ax.set_ylabel("精确率")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower left")
    ax.set_title("IoU 0.5 下的精确率–召回率（粗线为包络）", fontsize=11)
    fig.tight_layout()
    return fig
