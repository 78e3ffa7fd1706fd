"""损失函数（手算）、学习率表、SSD 模型的形状与 PyDataset 给出的批。"""

import math

import keras
import numpy as np
import pytest

from adlk.ch11 import (SSDData, build_backbone, build_ssd, focal_loss_categorical, l1_loss, lr_schedule,
                       smooth_l1_loss)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_l1_loss_by_hand():
    y_true = np.array([[[1, 2, 3, 4, 1, 1, 1, 1], [5, 5, 5, 5, 0, 0, 0, 0]]], dtype="float32")
    y_pred = np.array([[[2, 2, 1, 4], [9, 9, 9, 9]]], dtype="float32")
    # anchor 0: |1, 0, 2, 0| → mean 0.75; anchor 1 is masked out
    np.testing.assert_allclose(_np(l1_loss(y_true, y_pred)), [[0.75, 0.0]])


def test_smooth_l1_loss_by_hand_and_against_keras_huber():
    y_true = np.array([[[1, 2, 3, 4, 1, 1, 1, 1]]], dtype="float32")
    y_pred = np.array([[[2, 2.5, 1, 4]]], dtype="float32")
    # differences 1, 0.5, 2, 0 → 0.5, 0.125, 1.5, 0; mean 0.53125
    np.testing.assert_allclose(_np(smooth_l1_loss(y_true, y_pred)), [[0.53125]])
    huber = keras.losses.Huber(delta=1.0)(y_true[..., :4], y_pred)
    np.testing.assert_allclose(float(_np(huber)), 0.53125, rtol=1e-6)


def test_focal_loss_by_hand():
    y_true = np.array([[[0, 1], [1, 0]]], dtype="float32")
    y_pred = np.array([[[0.2, 0.8], [0.6, 0.4]]], dtype="float32")
    expected = [0.25 * 0.2 ** 2 * -math.log(0.8), 0.25 * 0.4 ** 2 * -math.log(0.6)]
    np.testing.assert_allclose(_np(focal_loss_categorical(y_true, y_pred)), [expected], rtol=1e-5)
    # the well-classified anchor (p = 0.8) loses 1 - 0.25 × 0.04 = 99 % of its cross-entropy
    ce = _np(keras.losses.categorical_crossentropy(y_true, y_pred))
    assert _np(focal_loss_categorical(y_true, y_pred))[0, 0] / ce[0, 0] == pytest.approx(0.01, rel=1e-4)


def test_lr_schedule_is_the_books():
    assert lr_schedule(0) == 1e-3 and lr_schedule(60) == 1e-3
    assert lr_schedule(61) == pytest.approx(5e-4) and lr_schedule(81) == pytest.approx(1e-4)
    assert lr_schedule(201) == pytest.approx(1e-7)
    assert lr_schedule(7, epochs=20) == pytest.approx(5e-4)  # boundaries scale with the run length


@pytest.fixture(scope="module")
def ssd():
    backbone = build_backbone((64, 64, 3), n_layers=3, n=1)
    return build_ssd((64, 64, 3), backbone, n_layers=3, n_classes=11)


def test_ssd_shapes(ssd):
    n_anchors, shapes, model = ssd
    assert n_anchors == 4
    assert [s[:2] for s in shapes] == [(4, 4), (2, 2), (1, 1)]  # stride 16, then halves
    classes, offsets = model(np.zeros((2, 64, 64, 3), dtype="float32"))
    assert tuple(classes.shape) == (2, 4 * (16 + 4 + 1), 11) and tuple(offsets.shape) == (2, 84, 4)
    np.testing.assert_allclose(_np(keras.ops.sum(classes, axis=-1)), 1.0, rtol=1e-5)
    assert model.layers[1].name == "ResNet11v2"  # the chapter 2 builder, depth 9n + 2


def test_pydataset_batches_and_one_training_step(ssd):
    from adlk.datasets import make_scenes

    n_anchors, shapes, model = ssd
    scenes = make_scenes(10, "train", 64)
    data = SSDData(scenes, shapes, 11, batch_size=4, normalize=True, shuffle=False)
    assert isinstance(data, keras.utils.PyDataset) and len(data) == 2  # the last incomplete batch is dropped
    x, (gt_class, gt_offset) = data[0]
    assert x.shape == (4, 64, 64, 3) and 0 <= x.min() and x.max() <= 1
    assert gt_class.shape == (4, 84, 11) and gt_offset.shape == (4, 84, 8)
    for i in range(4):
        n_objects = len(scenes.objects(i)[1])
        positives = int(gt_class[i, :, 1:].sum())
        assert positives >= 3 * min(n_objects, 1)  # at least one positive per box and layer (unless shared)
        np.testing.assert_array_equal(gt_offset[i, :, 4] == 1, gt_class[i, :, 0] == 0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=["categorical_crossentropy", l1_loss])
    history = model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)  # y_true (…, 8) against y_pred (…, 4)
    assert np.isfinite(history.history["loss"][0])
    from adlk.ch11 import predict

    anchors = np.concatenate(data.anchors)
    detections = predict(model, scenes.images[:3], anchors, normalize=True, score_threshold=0.0)
    assert len(detections) == 3
    for boxes, classes, scores in detections:
        assert boxes.shape == (len(classes), 4) and len(scores) == len(classes)
        assert np.all(classes > 0) and np.all(np.diff(scores) <= 0)  # no background, best first


def test_pydataset_order_depends_only_on_seed_and_epoch():
    from adlk.datasets import make_scenes

    scenes = make_scenes(12, "train", 32)
    shapes = [(2, 2, 8)]
    a = SSDData(scenes, shapes, 11, batch_size=4, seed=5)
    b = SSDData(scenes, shapes, 11, batch_size=4, seed=5)
    first = a.order.copy()
    a.on_epoch_end()
    a.on_epoch_end()
    b.set_epoch(2)  # resuming at epoch 2 gives the order an uninterrupted run has there
    np.testing.assert_array_equal(a.order, b.order)
    assert sorted(a.order.tolist()) == list(range(12)) and not np.array_equal(first, a.order)
    assert SSDData(scenes, shapes, 11, shuffle=False).order.tolist() == list(range(12))
