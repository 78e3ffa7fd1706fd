"""第 4 章的模型：参数个数与书中相同，输入输出的形状，GAN 类的一步训练（有限、两个网络都被更新、各用各的优化器）。"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from adlk.ch04 import GAN, book_optimizers, build_discriminator, build_generator, train_gan
from tests.ch04.tiny import LATENT, tiny_discriminator, tiny_generator


@pytest.mark.parametrize("labels, g_params, d_params", [(None, 1_301_505, 1_080_577), (10, 1_364_225, 1_090_001)])
def test_parameter_counts_match_the_book(labels, g_params, d_params):
    # 书中 DCGAN 与 CGAN 的 summary()：生成器 1,301,505 / 1,364,225，判别器 1,080,577 / 1,090,001
    assert build_generator(num_labels=labels).count_params() == g_params
    assert build_discriminator(num_labels=labels).count_params() == d_params


def test_generator_makes_images_in_the_unit_interval():
    keras.utils.set_random_seed(0)
    g = build_generator(num_labels=10)
    z = np.random.default_rng(0).uniform(-1, 1, (3, 100)).astype("float32")
    images = g.predict([z, np.eye(10, dtype="float32")[:3]], verbose=0)
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= 0 and images.max() <= 1


def test_acgan_discriminator_has_two_heads_and_bad_options_are_clear():
    d = build_discriminator(num_classes=10)
    assert [tuple(o.shape) for o in d.outputs] == [(None, 1), (None, 10)]
    assert build_discriminator(activation=None).layers[-1].__class__.__name__ == "Dense"
    with pytest.raises(ValueError, match="not both"):
        build_discriminator(num_labels=10, num_classes=10)
    with pytest.raises(ValueError, match="multiple of 4"):
        build_generator(image_size=30)


def _changed(before, model):
    return any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize("conditional", [False, True])
def test_one_train_step_is_finite_and_updates_both_networks(conditional):
    keras.utils.set_random_seed(1)
    labels = 10 if conditional else None
    gan = GAN(tiny_generator(labels), tiny_discriminator(num_labels=labels), latent_size=LATENT, seed=1)
    gan.compile(*book_optimizers())
    x = np.random.default_rng(0).uniform(0, 1, (16, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(16) % 10] if conditional else None
    d0, g0 = gan.discriminator.get_weights(), gan.generator.get_weights()
    logs = gan.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_accuracy"}
    assert all(np.isfinite(v) for v in logs.values())
    assert _changed(d0, gan.discriminator) and _changed(g0, gan.generator)
    # 每个优化器只走了一步，只管自己的网络
    assert int(gan.d_optimizer.iterations) == 1 and int(gan.g_optimizer.iterations) == 1


def test_generator_step_does_not_touch_the_discriminator():
    """生成器那一步的计算图里有判别器，但判别器的参数只由判别器的优化器更新。"""
    keras.utils.set_random_seed(2)
    gan = GAN(tiny_generator(), tiny_discriminator(), latent_size=LATENT)
    gan.compile(keras.optimizers.SGD(learning_rate=0.0), keras.optimizers.SGD(learning_rate=0.1))
    d0, g0 = gan.discriminator.get_weights(), gan.generator.get_weights()
    gan.train_on_batch(np.zeros((8, 28, 28, 1), dtype="float32"))
    assert not _changed(d0, gan.discriminator)  # 判别器的学习率为 0：一点没变
    assert _changed(g0, gan.generator)


def test_conditional_gan_needs_labels_and_consistent_builders():
    gan = GAN(tiny_generator(10), tiny_discriminator(num_labels=10), latent_size=LATENT)
    gan.compile(*book_optimizers())
    with pytest.raises(ValueError, match="pass y=labels"):
        gan.train_on_batch(np.zeros((4, 28, 28, 1), dtype="float32"))
    with pytest.raises(ValueError, match="num_labels"):
        GAN(tiny_generator(), tiny_discriminator(num_labels=10), latent_size=LATENT)
    with pytest.raises(ValueError, match="n_critic"):
        GAN(tiny_generator(), tiny_discriminator(), n_critic=0)


def test_train_gan_logs_averages_and_samples_at_the_requested_steps():
    keras.utils.set_random_seed(3)
    gan = GAN(tiny_generator(), tiny_discriminator(), latent_size=LATENT)
    gan.compile(*book_optimizers())
    x = np.random.default_rng(0).uniform(0, 1, (50, 28, 28, 1)).astype("float32")
    seen = []
    h = train_gan(gan, x, steps=7, batch_size=4, log_every=3, on_step=seen.append, verbose=False)
    assert h["step"] == [3, 6, 7]
    assert seen == list(range(8))  # 每步之前一次，训练完再一次
    assert len(h["d_loss"]) == 3 and all(np.isfinite(h["g_loss"]))
