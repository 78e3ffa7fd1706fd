"""锚框、IoU、偏移量、匹配与 NMS：手算的小例子，以及与 Keras 自带的边界框工具的核对。"""

import math

import numpy as np
import pytest

from adlk.ch11 import (all_anchors, anchor_boxes, anchor_sizes, decode, encode, iou, match, match_layers, nms,
                       to_centroid, to_corners)


def test_anchor_sizes_by_hand():
    sizes = anchor_sizes(4)  # linspace(0.2, 0.9, 5) = 0.2, 0.375, 0.55, 0.725, 0.9
    assert len(sizes) == 4
    assert sizes[0] == pytest.approx((0.2, math.sqrt(0.2 * 0.375)))
    assert sizes[3] == pytest.approx((0.725, math.sqrt(0.725 * 0.9)))


def test_anchor_boxes_by_hand():
    # one layer: s = (0.2, 0.9), s' = sqrt(0.18); a 2×2 feature map on a 64×64 image: cells of 32, centres 16 and 48
    boxes = anchor_boxes((2, 2, 8), (64, 64, 3), index=0, n_layers=1)
    assert boxes.shape == (2, 2, 4, 4)
    np.testing.assert_allclose(boxes[0, 0, 0], [9.6, 9.6, 22.4, 22.4])  # ratio 1: 12.8 × 12.8 around (16, 16)
    w, h = 12.8 * math.sqrt(2), 12.8 / math.sqrt(2)  # ratio 2: wider than tall
    np.testing.assert_allclose(boxes[0, 0, 1], [16 - w / 2, 16 - h / 2, 16 + w / 2, 16 + h / 2])
    np.testing.assert_allclose(boxes[0, 0, 2], [16 - h / 2, 16 - w / 2, 16 + h / 2, 16 + w / 2])  # ratio 0.5
    e = 64 * math.sqrt(0.18)  # the extra anchor
    np.testing.assert_allclose(boxes[1, 0, 3], [16 - e / 2, 48 - e / 2, 16 + e / 2, 48 + e / 2])  # row 1, column 0
    # a non-square image scales widths by W and heights by H
    wide = anchor_boxes((1, 1), (40, 80), index=0, n_layers=1)
    np.testing.assert_allclose(wide[0, 0, 0], [40 - 8, 20 - 4, 40 + 8, 20 + 4])


def test_all_anchors_follow_the_reshape_order():
    layers = all_anchors([(4, 4, 16), (2, 2, 16), (1, 1, 16)], (64, 64, 3))
    assert [len(a) for a in layers] == [64, 16, 4]
    # index = (row * fw + column) * n_anchors + k, as Reshape((-1, 4)) flattens (fh, fw, n_anchors * 4)
    full = anchor_boxes((4, 4), (64, 64), index=0, n_layers=3)
    np.testing.assert_array_equal(layers[0][(1 * 4 + 2) * 4 + 3], full[1, 2, 3])


def test_iou_by_hand():
    a = np.array([[0, 0, 2, 2], [0, 0, 4, 4]])
    b = np.array([[1, 1, 3, 3], [0, 0, 2, 2], [2, 0, 4, 2], [5, 5, 6, 6]])
    expected = [[1 / 7, 1, 0, 0],          # overlap 1, union 4 + 4 - 1; itself; touching edge; apart
                [4 / 16, 4 / 16, 4 / 16, 0]]  # boxes inside a 4×4 box
    np.testing.assert_allclose(iou(a, b), expected)
    assert iou(np.zeros((0, 4)), b).shape == (0, 4)
    assert iou([[1, 1, 1, 3]], [[1, 1, 1, 3]])[0, 0] == 0  # zero-area boxes


def test_iou_agrees_with_keras():
    """keras.utils.bounding_boxes.compute_iou computes the same IoU ('xyxy'), with epsilon 1e-7 in the denominator."""
    import keras

    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 50, (20, 2))
    a = np.concatenate([corners, corners + rng.uniform(1, 30, (20, 2))], axis=1)
    corners = rng.uniform(0, 50, (7, 2))
    b = np.concatenate([corners, corners + rng.uniform(1, 30, (7, 2))], axis=1)
    theirs = keras.ops.convert_to_numpy(keras.utils.bounding_boxes.compute_iou(a, b, "xyxy"))
    np.testing.assert_allclose(iou(a, b), theirs, atol=1e-6)


def test_offsets_by_hand():
    anchor = np.array([[0.0, 0, 10, 10]])   # centre (5, 5), 10 × 10
    box = np.array([[2.0, 4, 12, 8]])       # centre (7, 6), 10 × 4
    np.testing.assert_allclose(encode(box, anchor), [[2, 4, 2, -2]])
    expected = [[(7 - 5) / 10 / 0.1, (6 - 5) / 10 / 0.1, math.log(10 / 10) / 0.2, math.log(4 / 10) / 0.2]]
    np.testing.assert_allclose(encode(box, anchor, normalize=True), expected)  # [[2, 1, 0, -4.58]]
    for normalize in (False, True):
        np.testing.assert_allclose(decode(encode(box, anchor, normalize), anchor, normalize), box)
    np.testing.assert_allclose(to_corners(to_centroid(box)), box)


def test_normalized_offsets_agree_with_keras():
    import keras

    rng = np.random.default_rng(1)
    corners = rng.uniform(0, 50, (10, 2))
    anchors = np.concatenate([corners, corners + rng.uniform(5, 30, (10, 2))], axis=1)
    boxes = anchors + rng.uniform(-3, 3, (10, 4))
    theirs = keras.utils.bounding_boxes.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy",
                                                             encoding_format="center_xywh",
                                                             variance=[0.1, 0.1, 0.2, 0.2])
    np.testing.assert_allclose(encode(boxes, anchors, normalize=True), keras.ops.convert_to_numpy(theirs), atol=1e-4)


def test_match_by_hand():
    anchors = np.array([[0, 0, 10, 10], [10, 0, 20, 10], [0, 0, 20, 10], [30, 30, 40, 40]], dtype=float)
    box, cls = np.array([[0, 0, 10, 10]]), np.array([3])
    # IoU with the four anchors: 1, 0, 100 / 200 = 0.5, 0
    gt_class, gt_offset, gt_mask = match(anchors, box, cls, n_classes=4, threshold=0.6)
    assert gt_class.argmax(axis=1).tolist() == [3, 0, 0, 0]
    assert gt_mask[:, 0].tolist() == [1, 0, 0, 0]
    gt_class, gt_offset, gt_mask = match(anchors, box, cls, n_classes=4, threshold=0.4)  # 0.5 > 0.4: extra anchor
    assert gt_class.argmax(axis=1).tolist() == [3, 0, 3, 0]
    assert gt_mask[:, 0].tolist() == [1, 0, 1, 0]
    np.testing.assert_allclose(gt_offset, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, -10, 0], [0, 0, 0, 0]])
    assert np.all(gt_class.sum(axis=1) == 1)
    gt_class, _, gt_mask = match(anchors, np.zeros((0, 4)), np.zeros(0), n_classes=4)
    assert np.all(gt_class[:, 0] == 1) and not gt_mask.any()


def test_every_box_gets_its_best_anchor_even_below_the_threshold():
    anchors = np.array([[0, 0, 4, 4], [20, 20, 40, 40]], dtype=float)
    box = np.array([[0, 0, 10, 10]])  # IoU with anchor 0 = 16 / 100 = 0.16, far below 0.6
    gt_class, _, gt_mask = match(anchors, box, np.array([1]), n_classes=2)
    assert gt_class.argmax(axis=1).tolist() == [1, 0] and gt_mask[:, 0].tolist() == [1, 0]


def test_two_boxes_with_the_same_best_anchor_as_in_the_book():
    # one anchor only (like the last, 1x1 layer): both boxes pick it; the book's get_gt_data sets both classes to 1
    # and keeps the offset of the box written last, so the first box has no positive anchor of its own
    anchors = np.array([[0, 0, 40, 40]], dtype=float)
    boxes, classes = np.array([[0, 0, 10, 20], [20, 20, 40, 40]]), np.array([1, 2])
    gt_class, gt_offset, gt_mask = match(anchors, boxes, classes, n_classes=3, threshold=1.0)
    assert gt_class.tolist() == [[0, 1, 1]]  # two-hot: the class target sums to 2
    np.testing.assert_allclose(gt_offset[0], [20, 20, 0, 0])  # the offset of the second box only
    assert gt_mask.tolist() == [[1, 1, 1, 1]]


def test_match_layers_gives_each_box_a_positive_in_every_layer():
    layers = [np.array([[0, 0, 10, 10], [20, 0, 30, 10]], dtype=float), np.array([[0, 0, 30, 30]], dtype=float)]
    box, cls = np.array([[21, 1, 29, 9]]), np.array([2])
    gt_class, gt_offset, gt_mask = match_layers(layers, box, cls, n_classes=3, threshold=0.6)
    assert gt_class.argmax(axis=1).tolist() == [0, 2, 2]  # the best of layer 1, and the only anchor of layer 2
    np.testing.assert_allclose(gt_offset[1], [1, 1, -1, -1])


def test_nms_by_hand():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=float)
    scores = np.array([0.9, 0.8, 0.7, 0.4])
    # IoU(b0, b1) = 90 / 110; b2 overlaps nothing; b3 repeats b0
    kept, kept_scores = nms(boxes, scores, iou_threshold=0.2, score_threshold=0.5)
    assert kept.tolist() == [0, 2] and kept_scores.tolist() == [0.9, 0.7]
    kept, _ = nms(boxes, scores, iou_threshold=0.2, score_threshold=0.3)
    assert kept.tolist() == [0, 2]  # b3 (0.4) was removed by b0, not by the score threshold
    kept, _ = nms(boxes, scores, iou_threshold=0.9, score_threshold=0.3)
    assert kept.tolist() == [0, 1, 2]  # 0.818 < 0.9 keeps b1; b3 (IoU 1) goes


def test_soft_nms_by_hand():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=float)
    scores = np.array([0.9, 0.8, 0.7, 0.4])
    decay = math.exp(-(90 / 110) ** 2 / 0.5)  # b1 after b0: 0.8 × 0.262 = 0.21
    kept, kept_scores = nms(boxes, scores, score_threshold=0.5, soft=True)
    assert kept.tolist() == [0, 2]
    kept, kept_scores = nms(boxes, scores, score_threshold=0.1, soft=True)
    assert kept.tolist() == [0, 2, 1]
    np.testing.assert_allclose(kept_scores, [0.9, 0.7, 0.8 * decay])
    # b3: 0.4 × exp(-1 / 0.5) after b0, then × decay after b1 = 0.0142 < 0.1: stops
    kept, kept_scores = nms(boxes, scores, score_threshold=0.01, soft=True)
    np.testing.assert_allclose(kept_scores[-1], 0.4 * math.exp(-2) * decay)
