"""第 12 章的插图。

原理部分的图（数字场景与掩码）由数据生成器直接算出，不训练；结果部分的图全部读自记录的工件 ``masks.npz``。
掩码用 Keras 3 的 ``keras.visualization.draw_segmentation_masks`` 叠到图像上（``num_classes=11``、
``ignore_index=0``：背景保留原图）。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.site.figures import figure, load_artifact, placeholder, plt

BLUE, ORANGE, GRAY = "#4C72B0", "#DD8452", "#8C8C8C"
SIZE = 64
"""原理图所用场景的边长（与本章记录运行的画布相同）。"""
COMMAND = "python -m adlk reproduce ch12/fcn"


def palette() -> dict[int, tuple[int, int, int]]:
    """11 个类别的颜色（``draw_segmentation_masks`` 的 ``color_mapping``）：背景黑色，数字取 tab10 的 10 种颜色。"""
    colors = plt.get_cmap("tab10").colors
    return {0: (0, 0, 0), **{k + 1: tuple(int(round(255 * v)) for v in colors[k]) for k in range(10)}}


def overlay(images: np.ndarray, masks: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """把类别图叠到图像上（uint8，(N, H, W, 3)）。"""
    from keras.visualization import draw_segmentation_masks

    return draw_segmentation_masks(images, masks[..., None].astype("int32"), num_classes=11,
                                   color_mapping=palette(), alpha=alpha, ignore_index=0)


def _legend(fig) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=np.array(c) / 255, label=str(k - 1)) for k, c in palette().items() if k > 0]
    fig.legend(handles=handles, loc="lower center", ncol=10, fontsize=8, frameon=False, title="数字",
               title_fontsize=8, bbox_to_anchor=(0.5, -0.01))


def _clean(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


@figure("ch12/scenes.png")
def scenes() -> Figure:
    """前 6 张训练场景：图像、叠在图像上的掩码（Keras 的 draw_segmentation_masks）、书中格式的背景通道。"""
    from adlk.datasets import make_scenes
    from adlk.datasets.scenes import one_hot_masks

    s = make_scenes(6, "train", SIZE)
    drawn = overlay(s.images, s.masks)
    background = one_hot_masks(s.masks)[..., 0]
    fig, axes = plt.subplots(3, 6, figsize=(12, 6.6))
    for i in range(6):
        axes[0, i].imshow(s.images[i])
        axes[1, i].imshow(drawn[i])
        axes[2, i].imshow(background[i], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[0, i].set_title(f"场景 {i}", fontsize=10)
        for ax in axes[:, i]:
            _clean(ax)
    axes[0, 0].set_ylabel("图像")
    axes[1, 0].set_ylabel("掩码叠在图像上")
    axes[2, 0].set_ylabel("通道 0（背景）")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _legend(fig)
    return fig


def recorded() -> list[tuple[str, dict]]:
    """已记录的行：``[(行名, 工件数组)]``，按表中的顺序。"""
    from adlk.ch12.experiments import table

    out = []
    for run in table("fcn").runs:
        arrays = load_artifact("ch12/fcn", run.row, "masks")
        if arrays is not None:
            out.append((run.row, arrays))
    return out


@figure("ch12/predictions.png")
def predictions() -> Figure:
    """前 6 张测试场景：图像、真值、各行的预测（叠在图像上），全部读自工件。"""
    rows = recorded()
    if not rows:
        return placeholder("预测与真值", COMMAND)
    images = rows[0][1]["images"][:6]
    n = len(images)
    panels = [("图像", images), ("真值", overlay(images, rows[0][1]["truth"][:n]))]
    panels += [(f"预测：{row}", overlay(images, arrays["pred"][:n])) for row, arrays in rows]
    fig, axes = plt.subplots(len(panels), n, figsize=(2 * n, 2.05 * len(panels) + 0.4), squeeze=False)
    for r, (label, pictures) in enumerate(panels):
        for i in range(n):
            axes[r, i].imshow(pictures[i])
            _clean(axes[r, i])
        axes[r, 0].set_ylabel(label, fontsize=9)
    for i in range(n):
        axes[0, i].set_title(f"测试场景 {i}", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _legend(fig)
    return fig


@figure("ch12/per-class-iou.png")
def per_class_iou() -> Figure:
    """各行在全部测试场景上的逐类 IoU（背景与 10 个数字），由工件里的类别图算出。"""
    from adlk.ch12.metrics import confusion_matrix, per_class_iou as iou_of
    from adlk.datasets.scenes import CLASS_NAMES, NUM_CLASSES

    rows = recorded()
    if not rows:
        return placeholder("逐类 IoU", COMMAND)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / len(rows)
    x = np.arange(NUM_CLASSES)
    for k, ((row, arrays), color) in enumerate(zip(rows, (BLUE, ORANGE, GRAY))):
        iou = iou_of(confusion_matrix(arrays["truth"], arrays["pred"], NUM_CLASSES))
        ax.bar(x + (k - (len(rows) - 1) / 2) * width, iou, width, color=color,
               label=f"{row}（mIoU {np.nanmean(iou):.3f}）")
    ax.set_xticks(x, ["背景"] + CLASS_NAMES[1:])
    ax.set_xlabel("类别")
    ax.set_ylabel("IoU")
    ax.set_ylim(0, 1)
    ax.axhline(0.5, color=GRAY, lw=0.8, ls="--")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig


@figure("ch12/errors.png")
def errors() -> Figure:
    """最好那一行在前 6 张测试场景上的错误：位置错（数字判成背景或背景判成数字）与类别错（数字认错）。"""
    from adlk.ch12.experiments import scores_from_artifact

    rows = recorded()
    if not rows:
        return placeholder("预测的错误", COMMAND)
    row, arrays = max(rows, key=lambda r: scores_from_artifact(r[1])["miou"])
    images = arrays["images"][:6]
    truth, pred = arrays["truth"][:len(images)], arrays["pred"][:len(images)]
    # 0 对，1 漏掉（数字判成背景），2 多出（背景判成数字），3 数字认错
    kind = np.zeros(truth.shape, np.int32)
    kind[(truth > 0) & (pred == 0)] = 1
    kind[(truth == 0) & (pred > 0)] = 2
    kind[(truth > 0) & (pred > 0) & (truth != pred)] = 3
    colors = {0: (0, 0, 0), 1: (31, 119, 180), 2: (255, 127, 14), 3: (214, 39, 40)}
    from keras.visualization import draw_segmentation_masks

    # 底图换成变暗的灰度图：数字场景里的数字本身常是彩色的，会与错误的颜色混淆
    gray = (0.5 * images.mean(axis=-1, keepdims=True)).astype(np.uint8).repeat(3, axis=-1)
    drawn = draw_segmentation_masks(gray, kind[..., None], num_classes=4, color_mapping=colors, alpha=1.0,
                                    ignore_index=0)
    fig, axes = plt.subplots(1, len(images), figsize=(2 * len(images), 2.6), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(drawn[i])
        _clean(ax)
    from matplotlib.patches import Patch

    labels = {1: "漏掉的数字像素", 2: "多出的数字像素", 3: "数字认错"}
    fig.legend(handles=[Patch(color=np.array(colors[k]) / 255, label=v) for k, v in labels.items()],
               loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(f"{row}：预测错的像素（底图为变暗的灰度图像）", fontsize=11)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
