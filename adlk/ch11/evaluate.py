"""从模型输出到检测结果，再到评价指标：书中的 mIoU、精确率、召回率，以及 IoU 0.5 下的平均精确率（AP）。

检测结果与真值都用每张图一组的形式：真值 ``(boxes (k, 4), classes (k,))``，检测 ``(boxes (m, 4), classes (m,),
scores (m,))``，框是 ``"xyxy"`` 像素坐标，类别 0 是背景。
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from adlk.ch11.boxes import decode, iou, nms

Truth = tuple[np.ndarray, np.ndarray]
Detections = tuple[np.ndarray, np.ndarray, np.ndarray]


def detect(classes: np.ndarray, offsets: np.ndarray, anchors: np.ndarray, normalize: bool = False,
           iou_threshold: float = 0.2, score_threshold: float = 0.5, soft: bool = False) -> Detections:
    """一张图的 SSD 输出 → 检测结果（书中 ``show_boxes`` + ``nms``）。

    每个锚框的类别取概率最大的那一类；类别是背景的锚框不参加；得分是那一类的概率。
    预测的偏移量加到锚框上（归一化时先按 :func:`adlk.ch11.boxes.decode` 还原），再做（soft-）NMS。

    Args:
        classes: ``(A, n_classes)`` 类别概率。
        offsets: ``(A, 4)`` 预测的偏移量。
        anchors: ``(A, 4)`` 锚框（各层拼接）。
        normalize: 偏移量是否是归一化的。
        iou_threshold: NMS 的 IoU 阈值（见 :func:`adlk.ch11.boxes.nms`）。
        score_threshold: 得分阈值。
        soft: 是否用 soft-NMS。

    Returns:
        ``(boxes (m, 4), classes (m,), scores (m,))``，按得分从高到低。
    """
    classes = np.asarray(classes, dtype=np.float64)
    objects = np.argmax(classes, axis=-1)
    candidates = np.flatnonzero(objects != 0)
    boxes = decode(np.asarray(offsets)[candidates], np.asarray(anchors)[candidates], normalize)
    scores = classes[candidates, objects[candidates]]
    kept, kept_scores = nms(boxes, scores, iou_threshold, score_threshold, soft)
    return boxes[kept].reshape(-1, 4), objects[candidates][kept].astype(np.int64), kept_scores


def book_scores(truths: Sequence[Truth], detections: Sequence[Detections]) -> dict[str, float]:
    """书中 ``evaluate_test`` 的三个量：mIoU、精确率、召回率，都是逐图计算再对全部测试图平均。

    每个真值框找与它 IoU 最大的检测框；IoU 大于 0 时记下这个 IoU，类别相同算真正例（TP），否则算假正例（FP）。
    召回率有两种写法，两个都返回：``recall`` 是书中印出的列表 11.13.1 的写法，假负例 FN = 真值框数 − TP，
    即召回率 = TP / 真值框数；``recall_repo`` 是书的代码仓库 2020 年 11 月（提交 ``433e5e0``）之后的写法，
    FN = ``|真值框数 - TP - FP|``，一张图里有真值框的最近检测类别不对时，它比前者大。
    一张图的 IoU 是记下的 IoU 之和除以真值框数。

    与书中代码的两处差别：一张图没有任何检测时，书中跳过它却仍按全部图数平均（即这张图记 0），这里相同；
    有检测但都不与真值框相交时（TP + FP = 0），书中会除以 0 而中断，这里记精确率与召回率为 0。

    Returns:
        ``{"miou", "precision", "recall", "recall_repo"}``。
    """
    s_iou = s_precision = s_recall = s_repo = 0.0
    for (gt_boxes, gt_classes), (boxes, classes, _) in zip(truths, detections, strict=True):
        overlap = iou(gt_boxes, boxes)
        if overlap.size == 0:
            continue
        best = np.argmax(overlap, axis=1)
        tp = fp = 0
        ious = []
        for n in range(overlap.shape[0]):
            if overlap[n, best[n]] > 0:
                ious.append(overlap[n, best[n]])
                if gt_classes[n] == classes[best[n]]:
                    tp += 1
                else:
                    fp += 1
        fn = abs(len(gt_classes) - tp - fp)
        s_iou += float(np.sum(ious)) / overlap.shape[0]
        s_precision += tp / (tp + fp) if tp + fp else 0.0
        s_recall += tp / len(gt_classes)
        s_repo += tp / (tp + fn) if tp + fn else 0.0
    n = len(truths)
    return {"miou": s_iou / n, "precision": s_precision / n, "recall": s_recall / n, "recall_repo": s_repo / n}


def _matches(truths: Sequence[Truth], detections: Sequence[Detections], iou_threshold: float,
             cls: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    """按得分从高到低给每个检测判定 TP（1）或 FP（0）；``cls=None`` 时合并所有类别（仍要求类别相同）。"""
    rows = []  # (score, image, detection)
    n_truth = 0
    for image, ((gt_boxes, gt_classes), (boxes, classes, scores)) in enumerate(zip(truths, detections, strict=True)):
        n_truth += int(np.sum(gt_classes == cls)) if cls is not None else len(gt_classes)
        for j in range(len(scores)):
            if cls is None or classes[j] == cls:
                rows.append((-float(scores[j]), image, j))
    rows.sort()
    used = [np.zeros(len(t[1]), dtype=bool) for t in truths]
    hits = np.zeros(len(rows))
    scores = np.array([-r[0] for r in rows])
    for k, (_, image, j) in enumerate(rows):
        gt_boxes, gt_classes = truths[image]
        boxes, classes, _ = detections[image]
        same = np.flatnonzero(np.asarray(gt_classes) == classes[j])
        if len(same) == 0:
            continue
        overlap = iou(boxes[j], np.asarray(gt_boxes)[same])[0]
        best = int(np.argmax(overlap))
        if overlap[best] >= iou_threshold and not used[image][same[best]]:
            used[image][same[best]] = True
            hits[k] = 1
    return scores, hits, n_truth


def precision_recall(truths: Sequence[Truth], detections: Sequence[Detections], iou_threshold: float = 0.5,
                     cls: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """检测按得分从高到低排开，逐个加入时的精确率与召回率。

    一个检测是 TP，当且仅当它与同类的某个尚未被匹配的真值框 IoU 不小于 ``iou_threshold``
    （同一真值框只能被得分最高的那个检测匹配，之后的重复检测算 FP）。

    Returns:
        ``(scores, precision, recall)``，长度都是检测数。
    """
    scores, hits, n_truth = _matches(truths, detections, iou_threshold, cls)
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1) if len(hits) else np.zeros(0)
    recall = tp / n_truth if n_truth else np.zeros(len(hits))
    return scores, precision, recall


def area_under_pr(precision: np.ndarray, recall: np.ndarray) -> float:
    """精确率–召回率曲线下的面积，精确率先取右侧的最大值（包络），即 PASCAL VOC 2010 之后的“全点插值”AP。"""
    r = np.concatenate([[0.0], recall, [recall[-1] if len(recall) else 0.0]])
    p = np.concatenate([[1.0 if len(precision) else 0.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    return float(np.sum((r[1:] - r[:-1]) * p[1:]))


def average_precision(truths: Sequence[Truth], detections: Sequence[Detections], iou_threshold: float = 0.5,
                      classes: Sequence[int] | None = None) -> dict:
    """每个类别的平均精确率（AP）与它们的平均（mAP），IoU 阈值默认 0.5。

    只对测试集中出现过的类别计算（没有真值的类别 AP 没有定义）。

    Returns:
        ``{"ap": {类别: AP}, "map": 平均}``。
    """
    if classes is None:
        classes = sorted({int(c) for _, cs in truths for c in cs})
    ap = {}
    for c in classes:
        _, precision, recall = precision_recall(truths, detections, iou_threshold, c)
        if np.sum([np.sum(np.asarray(t[1]) == c) for t in truths]) == 0:
            continue
        ap[int(c)] = area_under_pr(precision, recall)
    return {"ap": ap, "map": float(np.mean(list(ap.values()))) if ap else 0.0}


def predict(model, images: np.ndarray, anchors: np.ndarray, normalize: bool = False, batch_size: int = 32,
            iou_threshold: float = 0.2, score_threshold: float = 0.5, soft: bool = False) -> list[Detections]:
    """对一批图像（uint8 或 [0, 1] 的浮点数）运行 SSD，逐图做 :func:`detect`。

    Args:
        model: :func:`adlk.ch11.build_ssd` 返回的模型。
        images: ``(N, H, W, 3)``。
        anchors: ``(A, 4)`` 锚框（各层拼接，顺序与模型输出相同）。
        normalize: 偏移量是否是归一化的。
        batch_size: 推理的批大小。
        iou_threshold: NMS 的 IoU 阈值。
        score_threshold: 得分阈值；算 AP 时取一个小值，留下低分的检测来画完整的精确率–召回率曲线。
        soft: 是否用 soft-NMS。
    """
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    out = []
    for start in range(0, len(x), batch_size):
        classes, offsets = model.predict_on_batch(x[start:start + batch_size])
        classes, offsets = np.asarray(classes), np.asarray(offsets)
        out += [detect(c, o, anchors, normalize, iou_threshold, score_threshold, soft)
                for c, o in zip(classes, offsets)]
    return out
