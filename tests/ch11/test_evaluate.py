"""检测与评价：书中的 mIoU、精确率、召回率与 IoU 0.5 下的平均精度，手算的小例子。"""

import numpy as np
import pytest

from adlk.ch11 import area_under_pr, average_precision, book_scores, detect, precision_recall


def _b(*rows):
    return np.array(rows, dtype=float).reshape(-1, 4)


def test_detect_drops_background_and_applies_offsets():
    anchors = _b([0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10])
    classes = np.array([[0.1, 0.9, 0.0],    # class 1, score 0.9
                        [0.7, 0.1, 0.2],    # background: ignored
                        [0.2, 0.0, 0.8]])   # class 2, score 0.8, same place as anchor 0: suppressed by NMS
    offsets = np.array([[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=float)
    boxes, cls, scores = detect(classes, offsets, anchors)
    np.testing.assert_allclose(boxes, [[1, 1, 11, 11]])
    assert cls.tolist() == [1] and scores.tolist() == [0.9]
    boxes, cls, scores = detect(classes, offsets, anchors, iou_threshold=0.9)  # IoU 81 / 119 < 0.9: both stay
    assert cls.tolist() == [1, 2]


def test_book_scores_by_hand():
    truths = [(_b([0, 0, 10, 10], [20, 20, 30, 30]), np.array([1, 2])),
              (_b([0, 0, 5, 5]), np.array([1]))]
    detections = [(_b([0, 0, 10, 10], [20, 20, 30, 25]), np.array([1, 3]), np.array([0.9, 0.8])),
                  (_b(), np.array([], dtype=int), np.array([]))]
    # image 0: IoUs 1 (same class: TP) and 50 / 100 (wrong class: FP); mIoU (1 + 0.5) / 2, precision 1 / 2;
    #   recall as printed in the book (FN = 2 - TP): 1 / 2; the repository's later FN = |2 - 1 - 1| = 0: 1 / 1
    # image 1: no detection, counts as 0 in every measure
    out = book_scores(truths, detections)
    assert out == pytest.approx({"miou": 0.375, "precision": 0.25, "recall": 0.25, "recall_repo": 0.5})


def test_book_scores_when_nothing_overlaps():
    truths = [(_b([0, 0, 5, 5]), np.array([1]))]
    detections = [(_b([10, 10, 20, 20]), np.array([1]), np.array([0.9]))]
    assert book_scores(truths, detections) == {"miou": 0.0, "precision": 0.0, "recall": 0.0, "recall_repo": 0.0}


def _ap_case():
    truths = [(_b([0, 0, 10, 10]), np.array([1])), (_b([0, 0, 10, 10], [20, 20, 30, 30]), np.array([1, 2]))]
    detections = [(_b([0, 0, 10, 10], [1, 0, 11, 10]), np.array([1, 1]), np.array([0.9, 0.8])),
                  (_b([0, 0, 10, 10]), np.array([1]), np.array([0.7]))]
    return truths, detections


def test_precision_recall_by_hand():
    truths, detections = _ap_case()
    # class 1 in score order: 0.9 hits image 0's box (TP), 0.8 is a second hit on it (FP), 0.7 hits image 1's (TP)
    scores, precision, recall = precision_recall(truths, detections, 0.5, cls=1)
    np.testing.assert_allclose(scores, [0.9, 0.8, 0.7])
    np.testing.assert_allclose(precision, [1, 1 / 2, 2 / 3])
    np.testing.assert_allclose(recall, [1 / 2, 1 / 2, 1])


def test_average_precision_by_hand():
    truths, detections = _ap_case()
    # envelope of precision: 1 up to recall 0.5, then 2/3 up to recall 1: AP = 0.5 × 1 + 0.5 × 2/3 = 5/6
    out = average_precision(truths, detections)
    assert out["ap"][1] == pytest.approx(5 / 6)
    assert out["ap"][2] == 0.0  # class 2 has a box but no detection
    assert out["map"] == pytest.approx(5 / 12)
    # at IoU 0.95 the shifted box (IoU 0.82) would not count, but it was a duplicate anyway
    assert average_precision(truths, detections, 0.95)["ap"][1] == pytest.approx(5 / 6)


def test_area_under_pr_by_hand():
    assert area_under_pr(np.array([1.0, 1.0]), np.array([0.5, 1.0])) == pytest.approx(1.0)
    assert area_under_pr(np.array([0.0, 0.5]), np.array([0.0, 0.5])) == pytest.approx(0.25)  # envelope 0.5 to 0.5
    assert area_under_pr(np.zeros(0), np.zeros(0)) == 0.0


def test_wrong_class_is_never_a_true_positive():
    truths = [(_b([0, 0, 10, 10]), np.array([1]))]
    detections = [(_b([0, 0, 10, 10]), np.array([2]), np.array([0.9]))]
    assert average_precision(truths, detections, classes=[1, 2])["ap"] == {1: 0.0}
