"""第 5 章的三个 GAN：损失的数值、WGAN 的权重裁剪与每步 5 次判别器更新、ACGAN 的分类项；每个模型一步训练有限。"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from adlk.ch04 import book_optimizers, build_discriminator
from adlk.ch05 import ACGAN, LSGAN, MODELS, WGAN, build_model
from tests.ch04.tiny import LATENT, tiny_discriminator, tiny_generator


def _images(n, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, 28, 28, 1)).astype("float32")


def test_wgan_clips_every_discriminator_weight_and_runs_five_critic_updates():
    keras.utils.set_random_seed(0)
    gan = WGAN(tiny_generator(), tiny_discriminator(activation=None), latent_size=LATENT)
    gan.compile(keras.optimizers.RMSprop(learning_rate=5e-5), keras.optimizers.RMSprop(learning_rate=5e-5))
    assert max(np.abs(w).max() for w in gan.discriminator.get_weights()) > 0.01  # 初始化时远大于裁剪范围
    logs = gan.train_on_batch(_images(5 * 8), return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "wasserstein"}
    assert all(np.isfinite(v) for v in logs.values())
    assert max(np.abs(w).max() for w in gan.discriminator.get_weights()) <= 0.01 + 1e-7
    assert int(gan.d_optimizer.iterations) == 5 and int(gan.g_optimizer.iterations) == 1
    # d_loss 是 5 次判别器更新的平均，wasserstein 是最后一次的估计（见 WGAN 的文档字符串）
    assert abs(logs["wasserstein"]) < 1.0 and abs(logs["d_loss"]) < 1.0


def test_wgan_and_lsgan_losses_have_their_formulas():
    real, fake = ops.convert_to_tensor([[2.0], [0.0]]), ops.convert_to_tensor([[-1.0], [0.5]])
    d_loss, logs = WGAN.d_loss(None, real, fake, None, None)
    assert float(d_loss) == pytest.approx(-(1.0 - (-0.25)))
    assert float(WGAN.g_loss(None, fake, None)[0]) == pytest.approx(0.25)
    d_loss, logs = LSGAN.d_loss(None, real, fake, None, None)
    assert float(d_loss) == pytest.approx(0.5 * ((1 + 1) / 2 + (1 + 0.25) / 2))
    assert float(LSGAN.g_loss(None, fake, None)[0]) == pytest.approx((4 + 0.25) / 2)
    with pytest.raises(ValueError, match="clip_value"):
        WGAN(None, None, clip_value=-1)


def test_acgan_step_is_finite_and_checks_its_networks():
    keras.utils.set_random_seed(1)
    gan = ACGAN(tiny_generator(10), tiny_discriminator(num_classes=10), latent_size=LATENT)
    gan.compile(*book_optimizers())
    y = np.eye(10, dtype="float32")[np.arange(16) % 10]
    logs = gan.train_on_batch(_images(16), y, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_accuracy", "d_class_accuracy", "g_class_accuracy"}
    assert all(np.isfinite(v) for v in logs.values())
    # 判别器的损失含分类项：随机初始化时约为 log 2 + log 10
    assert logs["d_loss"] > 2.0
    with pytest.raises(ValueError, match="two outputs"):
        ACGAN(tiny_generator(10), tiny_discriminator())


def test_lsgan_step_is_finite():
    keras.utils.set_random_seed(2)
    gan = LSGAN(tiny_generator(), tiny_discriminator(activation=None), latent_size=LATENT)
    gan.compile(*book_optimizers())
    logs = gan.train_on_batch(_images(8), return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())


def test_build_model_uses_the_books_settings():
    wgan = build_model("wgan")
    assert wgan.n_critic == 5 and wgan.clip_value == 0.01
    assert float(wgan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    assert float(wgan.g_optimizer.learning_rate) == pytest.approx(5e-5)
    lsgan = build_model("lsgan")
    assert float(lsgan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(lsgan.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert build_model("acgan").discriminator.count_params() == build_discriminator(num_classes=10).count_params()
    assert MODELS == ("wgan", "lsgan", "acgan")
    with pytest.raises(ValueError, match="valid models"):
        build_model("began")
