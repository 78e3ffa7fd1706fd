"""第 3 章的模型与数据：形状、参数个数、一步训练、替代数据的性质、错误输入的提示。"""

import keras
import numpy as np
import pytest

from adlk.ch03 import (PALETTE, add_noise, build_autoencoder, build_classifier_autoencoder,
                       build_colorization_autoencoder, build_latent_classifier, class_palette, color_digits,
                       color_votes, load_colored_mnist, psnr, rgb2gray)
from adlk.datasets import load_mnist


def test_book_autoencoder_shapes_and_parameters():
    encoder, decoder, autoencoder = build_autoencoder()
    # 书中：“此自编码器有 178 k 个参数”；逐层：320 + 18,496 + 50,192 与 53,312 + 36,928 + 18,464 + 289
    assert encoder.count_params() == 320 + 18_496 + 50_192 == 69_008
    assert decoder.count_params() == 53_312 + 36_928 + 18_464 + 289 == 108_993
    assert autoencoder.count_params() == 178_001
    assert encoder.output.shape == (None, 16)
    assert decoder.output.shape == (None, 28, 28, 1)
    assert [tuple(layer.output.shape) for layer in encoder.layers[1:3]] == [(None, 14, 14, 32), (None, 7, 7, 64)]
    assert decoder.layers[-1].activation.__name__ == "sigmoid"


def test_two_dimensional_latent_and_colorization_variants():
    encoder, decoder, autoencoder = build_autoencoder(latent_dim=2)
    assert encoder.output.shape == (None, 2) and autoencoder.count_params() == 90_179
    encoder, decoder, autoencoder = build_colorization_autoencoder()
    assert encoder.layers[3].output.shape == (None, 4, 4, 256)
    assert encoder.output.shape == (None, 256)
    assert autoencoder.output.shape == (None, 32, 32, 3)
    assert encoder.count_params() == 640 + 73_856 + 295_168 + 1_048_832
    assert autoencoder.count_params() == 3_431_811


def test_classifier_autoencoder_has_two_heads():
    encoder, decoder, classifier, model = build_classifier_autoencoder()
    assert [tuple(o.shape) for o in model.outputs] == [(None, 10), (None, 28, 28, 1)]
    assert classifier.count_params() == build_latent_classifier().count_params() == 142_602
    assert model.count_params() == 321_247
    kinds = [type(layer).__name__ for layer in encoder.layers]
    assert kinds.count("BatchNormalization") == 2 and kinds.count("MaxPooling2D") == 2


def test_bad_builder_arguments_name_the_fix():
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        build_autoencoder(latent_dim=0)
    with pytest.raises(ValueError, match="divisible by 2\\*\\*len\\(layer_filters\\) = 8"):
        build_autoencoder(layer_filters=(32, 64, 128))  # 28 不能被 8 整除
    with pytest.raises(ValueError, match="at least one Conv2D"):
        build_autoencoder(layer_filters=())


def _one_step(model, x, y):
    keras.utils.set_random_seed(0)
    model.compile(loss="mse" if not isinstance(y, list) else ["categorical_crossentropy", "mse"], optimizer="adam")
    before = [w.copy() for w in model.get_weights()]
    logs = model.train_on_batch(x, y, return_dict=True)
    assert np.isfinite(logs["loss"]) and logs["loss"] > 0
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights())), "weights did not change"


def test_one_train_step_of_each_model_is_finite():
    (x, y), _ = load_mnist("smoke")
    x = x[:32].reshape(-1, 28, 28, 1).astype("float32") / 255
    _one_step(build_autoencoder()[2], x, x)
    _one_step(build_autoencoder()[2], add_noise(x, seed=0), x)
    _one_step(build_classifier_autoencoder()[3], x, [keras.utils.to_categorical(y[:32], 10), x])
    (xc, _), _ = load_colored_mnist("smoke")
    color = xc[:8].astype("float32") / 255
    _one_step(build_colorization_autoencoder()[2], (rgb2gray(color)[..., None]).astype("float32"), color)


def test_palette_has_one_luma_and_distinct_hues():
    assert PALETTE.shape == (10, 3) and PALETTE.dtype == np.uint8
    np.testing.assert_array_equal(PALETTE, class_palette())
    luma = rgb2gray(PALETTE.astype(float))
    assert np.ptp(luma) < 0.5 and abs(luma.mean() - 0.6 * 255) < 0.5  # 只差取整
    distances = np.linalg.norm(PALETTE[:, None].astype(float) - PALETTE[None].astype(float), axis=2)
    assert distances[~np.eye(10, dtype=bool)].min() > 60  # 任意两种颜色都明显不同


def test_colored_mnist_hides_the_class_in_gray():
    (x_train, y_train), (x_test, y_test) = load_colored_mnist("smoke")
    (m_train, l_train), _ = load_mnist("smoke")
    assert x_train.shape == (len(m_train), 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (len(m_train), 1) and np.array_equal(y_train[:, 0], l_train)
    # 灰度 = 笔画强度 × 共同的亮度：只差取整误差，与类别无关
    strength = np.pad(m_train, ((0, 0), (2, 2), (2, 2))) / 255
    np.testing.assert_allclose(rgb2gray(x_train) / 255, strength * 0.6, atol=0.01)
    # 着色数据本身“选对颜色”，灰度复制成三通道则全部判成同一类
    assert np.array_equal(color_votes(x_test / 255, np.pad(load_mnist("smoke")[1][0], ((0, 0), (2, 2), (2, 2))) / 255),
                          y_test[:, 0])
    gray = np.repeat((rgb2gray(x_test) / 255)[..., None], 3, axis=-1)
    assert len(set(color_votes(gray, rgb2gray(x_test) / 255 / 0.6))) == 1
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        color_digits(m_train[:2], np.array([3, 10]))


def test_noise_and_psnr():
    x = np.zeros((200, 28, 28, 1), dtype="float32")
    a, b = add_noise(x, seed=1337), add_noise(x, seed=1337)
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1
    # 截断前 N(0.5, 0.5²)：背景约一半超过 0.5，约 16% 被截成 1
    assert abs(np.mean(a == 1.0) - 0.1587) < 0.01 and abs(np.mean(a > 0.5) - 0.5) < 0.01
    assert psnr(np.zeros((1, 4)), np.full((1, 4), 0.1))[0] == pytest.approx(20.0)
