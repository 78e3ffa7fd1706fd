"""第 12 章页面上关于 Keras 3 的说法：每条都在这里运行，Keras 的行为一变就失败并说明是哪一条。"""

import keras
import numpy as np
import pytest
from keras.visualization import draw_segmentation_masks


def test_adam_rejects_the_books_lr_keyword():
    # 书中 Adam(lr=1e-3)；Keras 3 只认 learning_rate
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.Adam(lr=1e-3)


def test_bilinear_upsampling_uses_half_pixel_centres_and_clamps_the_edges():
    x = np.array([0.0, 1.0, 3.0], "float32").reshape(1, 1, 3, 1)
    out = keras.ops.convert_to_numpy(keras.layers.UpSampling2D((1, 2), interpolation="bilinear")(x)).ravel()
    # 新像素中心落在旧像素的 1/4、3/4 处；两端取最近的像素
    np.testing.assert_allclose(out, [0.0, 0.25, 0.75, 1.5, 2.5, 3.0])


def test_transposed_convolution_3x3_stride_2_overlaps_unevenly():
    # 全 1 的输入、全 1 的 3×3 核：输出像素分别收到 1、2、4 个输入的贡献（棋盘格）；4×4 的核则处处均匀（边缘除外）
    ones = np.ones((1, 4, 4, 1), "float32")
    tconv3 = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    out3 = keras.ops.convert_to_numpy(tconv3(ones))[0, ..., 0]
    assert out3.shape == (8, 8)
    assert set(np.unique(out3[1:, 1:])) == {1.0, 2.0, 4.0}
    tconv4 = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    out4 = keras.ops.convert_to_numpy(tconv4(ones))[0, ..., 0]
    assert set(np.unique(out4[1:-1, 1:-1])) == {4.0}


def test_draw_segmentation_masks_paints_class_0_and_drops_the_largest_class_when_num_classes_is_inferred():
    images = np.full((1, 2, 3, 3), 100, np.uint8)
    masks = np.array([[[0, 1, 2], [2, 2, 0]]], np.int32)[..., None]
    inferred = draw_segmentation_masks(images, masks)[0, ..., 0]
    # num_classes 推断为最大值 2，独热编码只有 0、1 两个通道：类 2 的像素原样保留
    assert inferred[0, 2] == 100 and inferred[1, 0] == 100
    # 类 0 默认也涂色（调色板里类 0 是黑色），ignore_index=0 才保留原图
    assert inferred[0, 0] != 100
    kept = draw_segmentation_masks(images, masks, num_classes=3, ignore_index=0)[0, ..., 0]
    assert kept[0, 0] == 100 and kept[0, 2] != 100
    # color_mapping 的键从 0 到 num_classes - 1
    mapping = {0: (0, 0, 0), 1: (255, 0, 0), 2: (0, 0, 255)}
    drawn = draw_segmentation_masks(images, masks, num_classes=3, color_mapping=mapping, ignore_index=0, alpha=1.0)
    np.testing.assert_array_equal(drawn[0, 0, 1], [255, 0, 0])
    np.testing.assert_array_equal(drawn[0, 0, 2], [0, 0, 255])


def test_the_books_public_sequence_is_pydataset():
    # chapter 12 of the book subclasses tensorflow.keras.utils.Sequence: in Keras 3 that name is PyDataset itself
    import keras
    import tensorflow as tf

    assert tf.keras.utils.Sequence is keras.utils.PyDataset
    assert keras.utils.Sequence is keras.utils.PyDataset
