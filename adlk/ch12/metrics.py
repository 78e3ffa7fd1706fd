"""分割的度量：混淆矩阵、逐类 IoU、平均 IoU（mIoU）、像素准确率，以及书中逐图平均的 mIoU。

全部用 NumPy 在整数类别图（H×W 的类别编号，0 为背景）上计算。:func:`mean_iou` 与
``keras.metrics.MeanIoU`` 的定义相同（在整个测试集上累积混淆矩阵，对出现过的类别取平均），
tests/ch12 把两者在同一批掩码上比较。
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(truth: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """混淆矩阵 ``C``：``C[i, j]`` 是真值为类别 ``i``、预测为类别 ``j`` 的像素数（int64，``n_classes``×``n_classes``）。

    Args:
        truth: 真值类别图（任意形状的整数数组）。
        pred: 预测类别图（与 ``truth`` 同形状）。
        n_classes: 类别数（含背景）。
    """
    truth = np.asarray(truth, dtype=np.int64).ravel()
    pred = np.asarray(pred, dtype=np.int64).ravel()
    if truth.shape != pred.shape:
        raise ValueError(f"truth and pred differ in size: {truth.size} vs {pred.size}")
    return np.bincount(truth * n_classes + pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_iou(cm: np.ndarray) -> np.ndarray:
    r"""逐类 IoU：:math:`\mathrm{IoU}_c = \frac{C_{cc}}{\sum_j C_{cj} + \sum_i C_{ic} - C_{cc}}`。

    真值与预测里都没有出现的类别（分母为 0）记为 NaN。
    """
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    union = cm.sum(axis=0) + cm.sum(axis=1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, tp / np.where(union > 0, union, 1), np.nan)


def mean_iou(cm: np.ndarray) -> float:
    """平均 IoU：逐类 IoU 在出现过的类别（分母非零）上的算术平均（与 ``keras.metrics.MeanIoU`` 相同）。"""
    return float(np.nanmean(per_class_iou(cm)))


def pixel_accuracy(cm: np.ndarray) -> float:
    """像素准确率：类别预测正确的像素占全部像素的比例（混淆矩阵的迹除以总和）。"""
    cm = np.asarray(cm)
    return float(np.trace(cm) / cm.sum())


def book_miou(truth: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """书中 ``fcn-12.3.1.py`` 的 ``eval`` 算的 mIoU：先在每张图里对真值中出现的类别（含背景）求 IoU 的平均，再对图平均。

    与 :func:`mean_iou` 不同：这里每张图的权重相同，而且只平均这张图的真值里有的类别；
    只出现在预测里的类别不单独计一项（它的像素仍然算进其他类别的并集）。

    Args:
        truth: 真值类别图，(N, H, W)。
        pred: 预测类别图，(N, H, W)。
        n_classes: 类别数（含背景）。
    """
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    scores = []
    for t, p in zip(truth, pred):
        iou = per_class_iou(confusion_matrix(t, p, n_classes))
        present = np.bincount(t.ravel().astype(np.int64), minlength=n_classes) > 0
        scores.append(float(iou[present].mean()))
    return float(np.mean(scores))


def scores(truth: np.ndarray, pred: np.ndarray, n_classes: int) -> dict[str, object]:
    """一组类别图的全部度量：``miou``、``pixel_accuracy``、``book_miou``、``iou``（逐类 IoU 的列表，NaN 记为 None）。"""
    cm = confusion_matrix(truth, pred, n_classes)
    iou = per_class_iou(cm)
    return {"miou": mean_iou(cm), "pixel_accuracy": pixel_accuracy(cm), "book_miou": book_miou(truth, pred, n_classes),
            "iou": [None if np.isnan(v) else float(v) for v in iou]}
