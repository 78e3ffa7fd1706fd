"""锚框、IoU、真值匹配、偏移量与非极大值抑制：书中 ``layer_utils.py`` 与 ``boxes.py`` 的 NumPy 逻辑。

坐标一律是像素，格式是 Keras 的 ``"xyxy"``：``(xmin, ymin, xmax, ymax)``。书中的代码用
``(xmin, xmax, ymin, ymax)``，只是分量的顺序不同，公式都一样。

这些函数在数据管道里逐图处理 NumPy 数组（逐图匹配，检测时逐图做 NMS），所以写成 NumPy：
``keras.utils.bounding_boxes.compute_iou`` 与 ``encode_box_to_deltas`` 算的是同样的量（测试里逐项核对），
但它们接受并返回后端张量。
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ASPECT_RATIOS = (1.0, 2.0, 0.5)
"""书中的锚框宽高比（宽 / 高）。每个特征点另有一个宽高比为 1、尺寸为 :math:`\\sqrt{s_i s_{i+1}}` 的锚框。"""
VARIANCES = (0.1, 0.1, 0.2, 0.2)
"""归一化偏移量的除数（书中式 11.4.8 的 0.1 与 0.2）。"""


def anchor_sizes(n_layers: int = 4) -> list[tuple[float, float]]:
    """每个特征层的两个尺寸 :math:`(s_i, \\sqrt{s_i s_{i+1}})`，:math:`s = \\mathrm{linspace}(0.2, 0.9, n+1)`。

    尺寸是相对于图像边长的比例。
    """
    s = np.linspace(0.2, 0.9, n_layers + 1)
    return [(float(s[i]), math.sqrt(s[i] * s[i + 1])) for i in range(n_layers)]


def anchor_boxes(feature_shape: Sequence[int], image_shape: Sequence[int], index: int = 0, n_layers: int = 4,
                 aspect_ratios: Sequence[float] = ASPECT_RATIOS) -> np.ndarray:
    """第 ``index`` 个特征层的锚框，形状 ``(fh, fw, len(aspect_ratios) + 1, 4)``，``"xyxy"`` 像素坐标。

    特征图的每个点对应图像上一个 ``(H / fh) × (W / fw)`` 的格子，锚框的中心在格子中心；
    宽高比 ``a`` 的锚框宽 :math:`W s_i \\sqrt{a}`、高 :math:`H s_i / \\sqrt{a}`（书中式 11.2.3），
    最后一个锚框宽 :math:`W s'_i`、高 :math:`H s'_i`，:math:`s'_i = \\sqrt{s_i s_{i+1}}`（式 11.2.4）。

    Args:
        feature_shape: 特征图的 ``(fh, fw, ...)``（多余的维度忽略）。
        image_shape: 图像的 ``(H, W, ...)``。
        index: 第几个特征层（决定尺寸）。
        n_layers: 特征层总数。
        aspect_ratios: 宽高比。
    """
    s, s_extra = anchor_sizes(n_layers)[index]
    height, width = image_shape[0], image_shape[1]
    fh, fw = feature_shape[0], feature_shape[1]
    wh = [(width * s * math.sqrt(a), height * s / math.sqrt(a)) for a in aspect_ratios]
    wh.append((width * s_extra, height * s_extra))
    wh = np.array(wh)
    cx = (np.arange(fw) + 0.5) * (width / fw)
    cy = (np.arange(fh) + 0.5) * (height / fh)
    cx, cy = np.meshgrid(cx, cy)  # (fh, fw)
    boxes = np.empty((fh, fw, len(wh), 4))
    boxes[..., 0] = cx[..., None] - wh[:, 0] / 2
    boxes[..., 1] = cy[..., None] - wh[:, 1] / 2
    boxes[..., 2] = cx[..., None] + wh[:, 0] / 2
    boxes[..., 3] = cy[..., None] + wh[:, 1] / 2
    return boxes


def all_anchors(feature_shapes: Sequence[Sequence[int]], image_shape: Sequence[int],
                aspect_ratios: Sequence[float] = ASPECT_RATIOS) -> list[np.ndarray]:
    """各特征层的锚框，每层压平成 ``(fh * fw * n_anchors, 4)``，顺序与模型输出的 ``Reshape`` 相同。"""
    n = len(feature_shapes)
    return [anchor_boxes(f, image_shape, i, n, aspect_ratios).reshape(-1, 4) for i, f in enumerate(feature_shapes)]


def to_centroid(boxes: np.ndarray) -> np.ndarray:
    """``"xyxy"`` → ``(cx, cy, w, h)``。"""
    boxes = np.asarray(boxes, dtype=np.float64)
    wh = boxes[..., 2:4] - boxes[..., 0:2]
    return np.concatenate([boxes[..., 0:2] + wh / 2, wh], axis=-1)


def to_corners(boxes: np.ndarray) -> np.ndarray:
    """``(cx, cy, w, h)`` → ``"xyxy"``。"""
    boxes = np.asarray(boxes, dtype=np.float64)
    half = boxes[..., 2:4] / 2
    return np.concatenate([boxes[..., 0:2] - half, boxes[..., 0:2] + half], axis=-1)


def iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """两组 ``"xyxy"`` 框两两之间的交并比，形状 ``(len(boxes1), len(boxes2))``。

    :math:`\\mathrm{IoU}(A, B) = |A \\cap B| / |A \\cup B|`；两个框没有交集时为 0。面积为 0 的框与任何框的 IoU 为 0。
    """
    a = np.asarray(boxes1, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(boxes2, dtype=np.float64).reshape(-1, 4)
    lo = np.maximum(a[:, None, 0:2], b[None, :, 0:2])
    hi = np.minimum(a[:, None, 2:4], b[None, :, 2:4])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)
    area_a = np.prod(a[:, 2:4] - a[:, 0:2], axis=-1)
    area_b = np.prod(b[:, 2:4] - b[:, 0:2], axis=-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def encode(boxes: np.ndarray, anchors: np.ndarray, normalize: bool = False) -> np.ndarray:
    """真值框相对锚框的偏移量（回归目标）。

    ``normalize=False``（书中默认）：角点坐标之差 ``boxes - anchors``，单位是像素。
    ``normalize=True``（书中式 11.4.8）：

    .. math::
        \\left(\\frac{c_x - \\hat c_x}{0.1\\,\\hat w}, \\frac{c_y - \\hat c_y}{0.1\\,\\hat h},
        \\frac{\\log(w / \\hat w)}{0.2}, \\frac{\\log(h / \\hat h)}{0.2}\\right)

    （带 ^ 的是锚框），与 ``keras.utils.bounding_boxes.encode_box_to_deltas(..., encoding_format="center_xywh",
    variance=[0.1, 0.1, 0.2, 0.2])`` 相同。
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    if not normalize:
        return boxes - anchors
    b, a = to_centroid(boxes), to_centroid(anchors)
    v = np.asarray(VARIANCES)
    return np.concatenate([(b[..., 0:2] - a[..., 0:2]) / a[..., 2:4] / v[0:2],
                           np.log(b[..., 2:4] / a[..., 2:4]) / v[2:4]], axis=-1)


def decode(offsets: np.ndarray, anchors: np.ndarray, normalize: bool = False) -> np.ndarray:
    """:func:`encode` 的逆运算：由预测的偏移量和锚框得到 ``"xyxy"`` 框。"""
    offsets = np.asarray(offsets, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    if not normalize:
        return anchors + offsets
    a = to_centroid(anchors)
    v = np.asarray(VARIANCES)
    centre = offsets[..., 0:2] * v[0:2] * a[..., 2:4] + a[..., 0:2]
    size = np.exp(np.clip(offsets[..., 2:4] * v[2:4], -10, 10)) * a[..., 2:4]
    return to_corners(np.concatenate([centre, size], axis=-1))


def match(anchors: np.ndarray, boxes: np.ndarray, classes: np.ndarray, n_classes: int, threshold: float = 0.6,
          normalize: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """一组锚框的真值：类别、偏移量与掩码（书中 ``get_gt_data``）。

    每个真值框先分给与它 IoU 最大的那个锚框；``threshold < 1`` 时，与某个真值框的 IoU 大于 ``threshold``
    的锚框也分给那个框（“额外的锚框”）。其余锚框的类别是背景（编号 0），偏移量与掩码为 0。

    与书中相同，一个锚框同时分给几个真值框时不做取舍：类别真值在这几个框的类别上都记 1（不再是独热，和大于 1），
    偏移量只留最后写入的那个框的；于是前面的框在这组锚框里可能一个正锚框都没有。

    Args:
        anchors: ``(A, 4)`` 锚框。
        boxes: ``(k, 4)`` 真值框。
        classes: ``(k,)`` 真值类别（1 起）。
        n_classes: 包括背景在内的类别数。
        threshold: 额外锚框的 IoU 阈值（书中默认 0.6）；``1.0`` 表示不要额外的锚框。
        normalize: 偏移量是否归一化（见 :func:`encode`）。

    Returns:
        ``(gt_class (A, n_classes) 独热, gt_offset (A, 4), gt_mask (A, 4))``。
    """
    anchors = np.asarray(anchors, dtype=np.float64)
    n = len(anchors)
    gt_class = np.zeros((n, n_classes), dtype=np.float32)
    gt_class[:, 0] = 1.0
    gt_offset = np.zeros((n, 4), dtype=np.float32)
    gt_mask = np.zeros((n, 4), dtype=np.float32)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if len(boxes) == 0:
        return gt_class, gt_offset, gt_mask
    overlap = iou(anchors, boxes)                    # (A, k)
    anchor_index = np.argmax(overlap, axis=0)         # 每个真值框的最佳锚框
    box_index = np.arange(len(boxes))
    if threshold < 1.0:
        extra_anchor, extra_box = np.nonzero(overlap > threshold)
        anchor_index = np.concatenate([anchor_index, extra_anchor])
        box_index = np.concatenate([box_index, extra_box])
    labels = np.asarray(classes).astype(np.int64)[box_index]
    gt_class[anchor_index, 0] = 0.0
    gt_class[anchor_index, labels] = 1.0
    gt_mask[anchor_index] = 1.0
    gt_offset[anchor_index] = encode(boxes[box_index], anchors[anchor_index], normalize)
    return gt_class, gt_offset, gt_mask


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.2, score_threshold: float = 0.5,
        soft: bool = False, sigma: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """非极大值抑制（书中算法 11.12.1），与类别无关（不同类别的框也互相抑制，与书中相同）。

    反复取出剩下的框里得分最高的一个；它的得分低于 ``score_threshold`` 就停止。取出一个框之后：

    - NMS：与它的 IoU 不小于 ``iou_threshold`` 的框全部去掉；
    - soft-NMS：不去掉，而是把每个框的得分乘以 :math:`\\exp(-\\mathrm{IoU}^2/\\sigma)`（书中 :math:`\\sigma = 0.5`）。

    Args:
        boxes: ``(n, 4)`` 候选框。
        scores: ``(n,)`` 得分。
        iou_threshold: NMS 的 IoU 阈值（书中默认 0.2）。
        score_threshold: 得分阈值（书中 ``--class-threshold``，默认 0.5）。
        soft: 是否用 soft-NMS。
        sigma: soft-NMS 的高斯参数。

    Returns:
        ``(kept, kept_scores)``：留下的框的下标（按取出的顺序）与它们被取出时的得分。
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    remaining = np.asarray(scores, dtype=np.float64).copy()
    alive = np.ones(len(remaining), dtype=bool)
    kept, kept_scores = [], []
    while alive.any():
        candidates = np.where(alive, remaining, -np.inf)
        best = int(np.argmax(candidates))
        if candidates[best] < score_threshold:
            break
        kept.append(best)
        kept_scores.append(float(remaining[best]))
        alive[best] = False
        others = np.flatnonzero(alive)
        if len(others) == 0:
            break
        overlap = iou(boxes[best], boxes[others])[0]
        if soft:
            remaining[others] *= np.exp(-overlap ** 2 / sigma)
        else:
            alive[others[overlap >= iou_threshold]] = False
    return np.array(kept, dtype=np.int64), np.array(kept_scores, dtype=np.float64)


def match_layers(anchors: Sequence[np.ndarray], boxes: np.ndarray, classes: np.ndarray, n_classes: int,
                 threshold: float = 0.6, normalize: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """书中数据生成器的做法：**每个特征层分别**做 :func:`match`，再按层拼接。

    因此每个真值框在每一层通常都有一个正锚框（该层与它 IoU 最大的那个），即使那一层的锚框尺寸与它相差很远；
    例外是同一层里两个框的最佳锚框是同一个（见 :func:`match`）。原始 SSD 论文和书中正文（式 11.3.2）都是在
    全部层的全部锚框中一起取最大。

    Returns:
        ``(gt_class (A, n_classes), gt_offset (A, 4), gt_mask (A, 4))``，``A`` 是各层锚框数之和。
    """
    parts = [match(a, boxes, classes, n_classes, threshold, normalize) for a in anchors]
    return tuple(np.concatenate([p[j] for p in parts]) for j in range(3))
