"""第 10 章的网络：高斯对数概率与熵对照闭式解和梯度公式，自编码器与冻结的编码器，初始策略。"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from adlk.ch10 import build_actor, build_autoencoder, build_value, gaussian_entropy, gaussian_log_prob, softplusk


def test_log_prob_and_entropy_match_the_closed_form():
    rng = np.random.default_rng(0)
    mean = rng.normal(size=50).astype("float32")
    stddev = rng.uniform(0.05, 3, size=50).astype("float32")
    action = rng.normal(size=50).astype("float32")
    assert np.allclose(np.asarray(gaussian_log_prob(action, mean, stddev)), stats.norm.logpdf(action, mean, stddev),
                       atol=1e-4)
    assert np.allclose(np.asarray(gaussian_entropy(stddev)), stats.norm.entropy(mean, stddev), atol=1e-5)
    assert float(gaussian_entropy(np.float32(1.0))) == pytest.approx(0.5 + 0.5 * math.log(2 * math.pi))


def test_log_prob_gradients_match_the_formulas_on_the_page():
    import tensorflow as tf

    mu, sigma, a = tf.Variable(0.3), tf.Variable(0.7), tf.constant(1.1)
    with tf.GradientTape() as tape:
        logp = gaussian_log_prob(a, mu, sigma)
    d_mu, d_sigma = tape.gradient(logp, [mu, sigma])
    assert float(d_mu) == pytest.approx((1.1 - 0.3) / 0.7**2, rel=1e-5)
    assert float(d_sigma) == pytest.approx((1.1 - 0.3) ** 2 / 0.7**3 - 1 / 0.7, rel=1e-5)
    with tf.GradientTape() as tape:
        h = gaussian_entropy(sigma)
    assert float(tape.gradient(h, sigma)) == pytest.approx(1 / 0.7, rel=1e-5)


def test_softplusk_is_strictly_positive():
    assert float(softplusk(np.float32(-200.0))) > 0


def test_autoencoder_is_the_books_and_the_actor_freezes_the_encoder():
    encoder, decoder, autoencoder = build_autoencoder()
    assert [layer.units for layer in encoder.layers if hasattr(layer, "units")] == [256, 128, 32]
    assert [layer.units for layer in decoder.layers if hasattr(layer, "units")] == [128, 256, 2]
    assert encoder.count_params() == 37_792
    actor, value = build_actor(encoder), build_value(encoder)
    assert not encoder.trainable
    assert sum(int(np.prod(v.shape)) for v in actor.trainable_variables) == 66
    assert sum(int(np.prod(v.shape)) for v in value.trainable_variables) == 33
    mean, stddev = actor.predict_on_batch(np.array([[-0.5, 0.0], [0.3, 0.05]], dtype="float32"))
    assert np.allclose(mean, 0) and np.allclose(stddev, math.log(2.0))


def test_the_books_resampled_logp_gives_the_mean_no_gradient_unless_clipped():
    """10.2 节：书中的 logp 在模型里重新抽样 a = μ + σε（TFP 的 Normal 是可重参数化的），裁剪后求对数概率。

    没被裁剪的样本，log π(a) = −ε²/2 − log σ − ½ log 2π：对 μ 的梯度为 0，对 σ 的梯度恒为 −1/σ；
    被裁剪的样本，∂/∂μ = (a − μ)/σ²。把执行过的动作当常数（本站的写法）时，∂/∂μ = (a − μ)/σ²。
    """
    import tensorflow as tf

    from adlk.ch10 import gaussian_log_prob

    eps = tf.constant([-2.5, -0.7, 0.0, 0.3, 1.8, 2.0], dtype="float32")
    mean = tf.Variable(tf.fill([6], 0.1))
    stddev = tf.Variable(tf.fill([6], 0.6))
    with tf.GradientTape(persistent=True) as tape:
        book = gaussian_log_prob(tf.clip_by_value(mean + stddev * eps, -1.0, 1.0), mean, stddev)
        ours = gaussian_log_prob(tf.stop_gradient(mean + stddev * eps), mean, stddev)
    a = (0.1 + 0.6 * eps).numpy()
    clipped = np.abs(a) > 1.0
    assert clipped.tolist() == [True, False, False, False, True, True]
    book_mu = tape.gradient(book, mean).numpy()
    assert np.all(book_mu[~clipped] == 0.0)
    assert np.allclose(book_mu[clipped], (np.clip(a, -1, 1) - 0.1)[clipped] / 0.36, rtol=1e-5)
    assert np.allclose(tape.gradient(book, stddev).numpy()[~clipped], -1 / 0.6, rtol=1e-5)
    assert np.allclose(tape.gradient(ours, mean).numpy(), (a - 0.1) / 0.36, rtol=1e-4, atol=1e-6)
