"""FCN 的形状与结构、学习率表、PyDataset 给出的批。"""

import keras
import numpy as np
import pytest

from adlk.ch12 import SegmentationData, build_backbone, build_fcn, class_map, lr_schedule, predict_masks
from adlk.datasets.scenes import one_hot_masks
from adlk.datasets.scenes import make_scenes

SHAPE = (64, 64, 3)


@pytest.fixture(scope="module")
def backbone():
    return build_backbone(SHAPE, n_layers=3, n=2)


def test_backbone_gives_features_at_strides_4_8_16_32(backbone):
    shapes = [tuple(o.shape[1:]) for o in backbone.outputs]
    assert shapes == [(16, 16, 256), (8, 8, 256), (4, 4, 512), (2, 2, 512)]


def test_fcn_output_is_a_per_pixel_softmax(backbone):
    model = build_fcn(SHAPE, backbone, n_classes=11, filters=32)
    assert tuple(model.output.shape[1:]) == (64, 64, 11)
    x = np.random.default_rng(0).random((2, *SHAPE)).astype("float32")
    probs = keras.ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-5)
    ups = [layer for layer in model.layers if isinstance(layer, keras.layers.UpSampling2D)]
    # 步长 8、16、32 的特征分别放大 2、4、8 倍，全部用双线性插值
    assert [layer.size for layer in ups] == [(2, 2), (4, 4), (8, 8)]
    assert all(layer.interpolation == "bilinear" for layer in ups)
    # 拼接：步长 4 的 256 个通道 + 3 个金字塔层各 32 个
    assert model.get_layer("pyramid").output.shape[-1] == 256 + 3 * 32
    assert sum(isinstance(layer, keras.layers.Conv2DTranspose) for layer in model.layers) == 3


def test_fcn_without_pyramid_drops_the_pyramid_layers(backbone):
    with_pyramid = build_fcn(SHAPE, backbone, n_classes=11, filters=32)
    without = build_fcn(SHAPE, backbone, n_classes=11, filters=32, pyramid=False)
    assert tuple(without.output.shape[1:]) == (64, 64, 11)
    assert not any(isinstance(layer, keras.layers.UpSampling2D) for layer in without.layers)
    # 主干里步长 16、32 的两层（512 个滤波器）不在对照模型里，参数也少了
    names = {w.path.split("/")[0] for w in without.weights}
    assert "conv_layer2" not in names and "conv_layer3" not in names
    assert without.count_params() < with_pyramid.count_params()


def test_lr_schedule_is_the_books_at_100_epochs_and_scales():
    assert [lr_schedule(e) for e in (0, 40, 41, 60, 61, 80, 81, 99)] == pytest.approx(
        [1e-3, 1e-3, 5e-4, 5e-4, 1e-4, 1e-4, 5e-5, 5e-5])
    # 10 轮：节点在第 4、6、8 轮之后
    assert [lr_schedule(e, 10) for e in range(10)] == pytest.approx(
        [1e-3] * 5 + [5e-4] * 2 + [1e-4] * 2 + [5e-5])


def test_segmentation_data_gives_images_in_0_1_and_the_books_one_hot_masks():
    scenes = make_scenes(6, "train", 32, seed=3)
    data = SegmentationData(scenes, 11, batch_size=4, seed=0)
    assert len(data) == 1  # 丢掉最后不足一批的图
    x, y = data[0]
    assert x.shape == (4, 32, 32, 3) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    keys = data.order[:4]
    np.testing.assert_array_equal(y, one_hot_masks(scenes.masks[keys]).astype(np.float32))
    np.testing.assert_array_equal(class_map(scenes, int(keys[0])), scenes.masks[keys[0]])
    # 每轮的顺序只由 (seed, 轮次) 决定
    first = data.order.copy()
    data.on_epoch_end()
    data.set_epoch(0)
    np.testing.assert_array_equal(data.order, first)


def test_predict_masks_takes_the_argmax(backbone):
    model = build_fcn(SHAPE, backbone, n_classes=11, filters=16)
    images = np.random.default_rng(0).integers(0, 256, size=(3, *SHAPE), dtype=np.uint8)
    masks = predict_masks(model, images)
    probs = model.predict(images.astype("float32") / 255, verbose=0)
    assert masks.dtype == np.uint8
    np.testing.assert_array_equal(masks, probs.argmax(-1))


def test_segmentation_data_reads_the_books_drinks_masks(tmp_path):
    """A drinks-format folder (images, labels_train.csv, segmentation_train.npy of one-hot masks) feeds the FCN."""
    import csv

    from PIL import Image

    from adlk.datasets import load_drinks

    rng = np.random.default_rng(0)
    maps = {}
    for name in ("a.png", "b.png"):
        Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(tmp_path / name)
        m = np.zeros((8, 8), np.uint8)
        m[1:4, 2:6] = 1 if name == "a.png" else 3
        maps[name] = m
    with (tmp_path / "labels_train.csv").open("w", newline="") as f:
        csv.writer(f).writerows([["frame", "xmin", "xmax", "ymin", "ymax", "class_id"],
                                 ["a.png", "2", "6", "1", "4", "1"], ["b.png", "2", "6", "1", "4", "3"]])
    np.save(tmp_path / "segmentation_train.npy", {k: one_hot_masks(v, 4) for k, v in maps.items()})
    drinks = load_drinks("train", tmp_path)
    data = SegmentationData(drinks, 4, batch_size=2, shuffle=False)
    x, y = data[0]
    assert x.shape == (2, 8, 8, 3) and y.shape == (2, 8, 8, 4)
    np.testing.assert_array_equal(y.argmax(-1), np.stack([maps[n] for n in drinks.filenames]))
