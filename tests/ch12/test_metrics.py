"""逐类 IoU、mIoU、像素准确率与书中逐图平均的 mIoU：手算的掩码，以及与 keras.metrics.MeanIoU / IoU 的比较。"""

import keras
import numpy as np
import pytest

from adlk.ch12 import book_miou, confusion_matrix, mean_iou, per_class_iou, pixel_accuracy, scores

# 一张 2×4 的图：0 背景，1、2 两个类别
TRUTH = np.array([[0, 0, 1, 1], [0, 2, 2, 2]])
PRED = np.array([[0, 1, 1, 1], [2, 2, 2, 0]])


def test_confusion_matrix_by_hand():
    # 真值 0 的三个像素预测成 0、1、2；真值 1 的两个都对；真值 2 的三个预测成 2、2、0
    expected = [[1, 1, 1, 0], [0, 2, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(confusion_matrix(TRUTH, PRED, 4), expected)


def test_per_class_iou_mean_iou_and_pixel_accuracy_by_hand():
    cm = confusion_matrix(TRUTH, PRED, 4)
    # 类 0：交 1，并 3 + 2 - 1 = 4；类 1：交 2，并 2 + 3 - 2 = 3；类 2：交 2，并 3 + 3 - 2 = 4；类 3 没有出现
    iou = per_class_iou(cm)
    np.testing.assert_allclose(iou[:3], [1 / 4, 2 / 3, 1 / 2])
    assert np.isnan(iou[3])
    assert mean_iou(cm) == pytest.approx((1 / 4 + 2 / 3 + 1 / 2) / 3)
    assert pixel_accuracy(cm) == pytest.approx(5 / 8)


def test_book_miou_weights_images_equally_and_skips_classes_absent_from_the_truth():
    truth = np.stack([TRUTH, np.zeros((2, 4), int)])
    pred = np.stack([PRED, np.zeros((2, 4), int)])
    pred[1, 0, 0] = 3  # 第二张图的真值全是背景，预测里有一个像素是类 3
    # 第二张图：只算背景，交 7，并 8 → 0.875；类 3 不单独计一项
    first = (1 / 4 + 2 / 3 + 1 / 2) / 3
    assert book_miou(truth, pred, 4) == pytest.approx((first + 7 / 8) / 2)
    # 整个数据集一起算：背景交 1 + 7 = 8，并 (3 + 8) + (2 + 7) - 8 = 12；类 3 交 0、并 1，IoU 为 0 也计入平均
    s = scores(truth, pred, 4)
    np.testing.assert_allclose(s["iou"], [8 / 12, 2 / 3, 1 / 2, 0.0])
    assert s["miou"] == pytest.approx((8 / 12 + 2 / 3 + 1 / 2 + 0) / 4)
    assert s["pixel_accuracy"] == pytest.approx(12 / 16)


def test_perfect_prediction():
    truth = np.random.default_rng(0).integers(0, 5, size=(3, 8, 8))
    s = scores(truth, truth, 5)
    assert s["miou"] == 1.0 and s["pixel_accuracy"] == 1.0 and s["book_miou"] == 1.0


def test_confusion_matrix_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="differ"):
        confusion_matrix(np.zeros((2, 2), int), np.zeros((2, 3), int), 3)


def test_matches_keras_mean_iou_and_iou_on_random_masks():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 11, size=(4, 16, 16))
    truth[..., :8] = 0  # 多数像素是背景，像数字场景
    pred = np.where(rng.random(truth.shape) < 0.6, truth, rng.integers(0, 11, size=truth.shape))
    pred[pred == 7] = 0  # 类 7 从不被预测：它的 IoU 是 0
    cm = confusion_matrix(truth, pred, 11)
    metric = keras.metrics.MeanIoU(num_classes=11)
    metric.update_state(truth, pred)
    assert float(metric.result()) == pytest.approx(mean_iou(cm), rel=1e-5)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(metric.total_cm), cm)
    for c in (0, 3, 7):
        one = keras.metrics.IoU(num_classes=11, target_class_ids=[c])
        one.update_state(truth, pred)
        assert float(one.result()) == pytest.approx(per_class_iou(cm)[c], rel=1e-5, abs=1e-7)


def test_keras_mean_iou_ignores_a_class_absent_from_truth_and_prediction():
    # Keras 3 的 MeanIoU 对分母为 0 的类别不计入平均（与 mean_iou 的 NaN 规则相同）
    metric = keras.metrics.MeanIoU(num_classes=4)
    metric.update_state(TRUTH, PRED)
    assert float(metric.result()) == pytest.approx((1 / 4 + 2 / 3 + 1 / 2) / 3, rel=1e-5)
