"""第 8 章的模型：参数个数与书中相同，采样层的统计性质与梯度，KL 项的闭式解，训练步与三个跟踪器。"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from adlk.ch08 import VAE, Sampling, build_cnn_vae, build_cvae, build_mlp_vae


@pytest.mark.parametrize("build, book", [(build_mlp_vae, 807_700), (build_cnn_vae, 134_165), (build_cvae, 174_437)])
def test_parameter_counts_match_the_book(build, book):
    encoder, decoder = build()
    assert encoder.count_params() + decoder.count_params() == book


def test_encoder_and_decoder_shapes():
    encoder, decoder = build_cvae()
    x = np.zeros((3, 28, 28, 1), dtype="float32")
    c = np.eye(10, dtype="float32")[:3]
    z_mean, z_log_var, z = encoder.predict([x, c], verbose=0)
    assert z_mean.shape == z_log_var.shape == z.shape == (3, 2)
    assert decoder.predict([z, c], verbose=0).shape == (3, 28, 28, 1)


def test_sampling_has_the_requested_mean_and_spread():
    keras.utils.set_random_seed(1)
    n = 200_000
    mean = np.tile(np.array([[0.5, -3.0]], dtype="float32"), (n, 1))
    log_var = np.tile(np.log(np.array([[4.0, 0.01]], dtype="float32")), (n, 1))
    z = keras.ops.convert_to_numpy(Sampling()([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [0.5, -3.0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), [2.0, 0.1], rtol=0.02)
    assert abs(np.corrcoef(z.T)[0, 1]) < 0.01  # 两维独立


def test_sampling_is_reproducible_under_a_seed_and_differs_between_calls():
    mean = np.zeros((4, 2), dtype="float32")
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        layer = Sampling()
        draws.append([keras.ops.convert_to_numpy(layer([mean, mean])) for _ in range(2)])
    np.testing.assert_array_equal(draws[0][0], draws[1][0])
    assert not np.allclose(draws[0][0], draws[0][1])


def test_gradients_flow_through_sampling_to_mean_and_log_variance():
    mean = tf.Variable([[0.3, -0.2]])
    log_var = tf.Variable([[0.1, -0.4]])
    with tf.GradientTape() as tape:
        z = Sampling(seed=3)([mean, log_var])
        loss = tf.reduce_sum(z)
    d_mean, d_log_var = tape.gradient(loss, [mean, log_var])
    # dz/dmu = 1；dz/dlogvar = 0.5 * sigma * epsilon = 0.5 * (z - mu)
    np.testing.assert_allclose(d_mean.numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(d_log_var.numpy(), 0.5 * (z.numpy() - mean.numpy()), rtol=1e-5)


def _constant_encoder(mu, log_var, dim=784):
    """输出固定均值与对数方差的编码器（权重为 0，偏置即输出）。"""
    inputs = keras.Input(shape=(dim,))
    z_mean = layers.Dense(2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(mu))(inputs)
    z_log_var = layers.Dense(2, kernel_initializer="zeros",
                             bias_initializer=keras.initializers.Constant(log_var))(inputs)
    return keras.Model(inputs, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])


def test_kl_term_matches_a_monte_carlo_estimate():
    mu, log_var = [0.8, -1.5], [-0.5, 0.7]
    encoder = _constant_encoder(mu, log_var)
    latent = keras.Input(shape=(2,))
    decoder = keras.Model(latent, layers.Dense(784, activation="sigmoid")(latent))
    vae = VAE(encoder, decoder)
    _, _, kl = vae.vae_losses(np.random.default_rng(0).random((16, 784)).astype("float32"))
    # 采样估计：z ~ N(mu, sigma²)，平均 log q(z) - log p(z)
    rng = np.random.default_rng(0)
    mu, sigma = np.array(mu), np.exp(0.5 * np.array(log_var))
    z = mu + sigma * rng.standard_normal((2_000_000, 2))
    log_q = -0.5 * np.log(2 * np.pi * sigma**2) - (z - mu) ** 2 / (2 * sigma**2)
    log_p = -0.5 * np.log(2 * np.pi) - z**2 / 2
    assert float(kl) == pytest.approx(np.mean(np.sum(log_q - log_p, axis=1)), abs=5e-3)
    assert float(kl) > 0


def test_kl_is_zero_at_the_prior_and_reconstruction_is_a_sum_over_pixels():
    encoder = _constant_encoder([0.0, 0.0], [0.0, 0.0])
    latent = keras.Input(shape=(2,))
    decoder = keras.Model(latent, layers.Dense(784, activation="sigmoid")(latent))
    x = np.random.default_rng(1).random((8, 784)).astype("float32")
    for kind in ("mse", "bce"):
        keras.utils.set_random_seed(0)
        vae = VAE(encoder, decoder, reconstruction=kind)
        total, reconstruction, kl = vae.vae_losses(x)
        assert float(kl) == pytest.approx(0.0, abs=1e-6)
        assert float(total) == pytest.approx(float(reconstruction), rel=1e-6)
    # 解码器输出与 z 无关时（核为 0），重建项可以直接用 NumPy 核对
    flat = keras.Model(latent, layers.Dense(784, activation="sigmoid", kernel_initializer="zeros",
                                            bias_initializer=keras.initializers.Constant(0.3))(latent))
    x_hat = 1 / (1 + np.exp(-0.3))
    vae = VAE(encoder, flat, reconstruction="mse")
    assert float(vae.vae_losses(x)[1]) == pytest.approx(np.mean(np.sum((x - x_hat) ** 2, axis=1)), rel=1e-4)
    vae = VAE(encoder, flat, reconstruction="bce")
    bce = -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
    assert float(vae.vae_losses(x)[1]) == pytest.approx(np.mean(np.sum(bce, axis=1)), rel=1e-4)


def test_beta_weights_only_the_kl_term():
    encoder = _constant_encoder([1.0, -1.0], [0.5, -0.5])
    latent = keras.Input(shape=(2,))
    decoder = keras.Model(latent, layers.Dense(784, activation="sigmoid")(latent))
    x = np.random.default_rng(2).random((8, 784)).astype("float32")
    keras.utils.set_random_seed(0)
    total, reconstruction, kl = VAE(encoder, decoder, beta=9.0).vae_losses(x)
    assert float(total) == pytest.approx(float(reconstruction) + 9.0 * float(kl), rel=1e-5)


@pytest.mark.parametrize("model", ["mlp", "cnn", "cvae"])
def test_one_training_step_is_finite_and_fills_the_three_trackers(model):
    keras.utils.set_random_seed(0)
    encoder, decoder = {"mlp": build_mlp_vae, "cnn": build_cnn_vae, "cvae": build_cvae}[model]()
    rng = np.random.default_rng(0)
    x = rng.random((32, 784) if model == "mlp" else (32, 28, 28, 1)).astype("float32")
    inputs = [x, np.eye(10, dtype="float32")[rng.integers(0, 10, 32)]] if model == "cvae" else x
    vae = VAE(encoder, decoder, beta=2.0, reconstruction="bce")
    vae.compile(optimizer="rmsprop")
    before = [w.numpy().copy() for w in vae.trainable_weights]
    logs = vae.train_on_batch(inputs, return_dict=True)
    assert set(logs) == {"total_loss", "reconstruction_loss", "kl_loss"}
    assert all(np.isfinite(v) for v in logs.values())
    assert logs["total_loss"] == pytest.approx(logs["reconstruction_loss"] + 2.0 * logs["kl_loss"], rel=1e-4)
    changed = [not np.allclose(b, w.numpy()) for b, w in zip(before, vae.trainable_weights)]
    assert sum(changed) >= len(changed) - 1  # 编码器和解码器的参数都更新了
    history = vae.fit(inputs, epochs=1, batch_size=16, verbose=0, validation_data=(inputs,)).history
    assert {"total_loss", "kl_loss", "val_reconstruction_loss"} <= set(history)
    assert history.get("loss", [None])[0] is None  # 没有总是为 0 的内置 loss 列


def test_unknown_reconstruction_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="valid values: 'mse', 'bce'"):
        VAE(encoder=None, decoder=None, reconstruction="l1")


def test_without_the_metrics_property_history_gets_a_loss_column_stuck_at_zero():
    """8.2 节的警告：不覆盖 metrics 时，compile() 建的内置 loss 跟踪器也被列进去，它从不更新，History 里一直是 0。"""

    class Unlisted(VAE):
        @property
        def metrics(self):
            return keras.Model.metrics.fget(self)

    histories = []
    for cls in (VAE, Unlisted):
        keras.utils.set_random_seed(0)
        encoder, decoder = build_mlp_vae(intermediate_dim=16)
        x = np.random.default_rng(0).random((64, 784)).astype("float32")
        model = cls(encoder, decoder)
        model.compile(optimizer="adam")
        histories.append(model.fit(x, epochs=2, batch_size=32, verbose=0).history)
    listed, unlisted = histories
    assert "loss" not in listed
    assert unlisted["loss"] == [0.0, 0.0]
    np.testing.assert_allclose(unlisted["total_loss"], listed["total_loss"], rtol=1e-6)
