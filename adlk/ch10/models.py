"""第 10 章的网络：状态自编码器（预训练后冻结）、高斯策略网络、价值网络，以及高斯分布的对数概率与熵。

书中用 TensorFlow Probability 的 ``Normal`` 求对数概率、熵和采样；TFP 在 TensorFlow 2.21 上导入就报错
（它需要 Keras 2 的 ``tf-keras``），这里用 ``keras.ops`` 直接写出公式。
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

LOG_2PI = math.log(2.0 * math.pi)


def gaussian_log_prob(action, mean, stddev):
    """正态分布 N(mean, stddev²) 在 ``action`` 处的对数概率密度（逐元素）。

    log N(a; μ, σ²) = −(a − μ)² / (2σ²) − log σ − ½ log 2π
    """
    z = (action - mean) / stddev
    return -0.5 * ops.square(z) - ops.log(stddev) - 0.5 * LOG_2PI


def gaussian_entropy(stddev):
    """正态分布的微分熵（逐元素）：½ + ½ log 2π + log σ，与均值无关。"""
    return 0.5 + 0.5 * LOG_2PI + ops.log(stddev)


def softplusk(x):
    """书中的标准差激活：softplus(x) + 1e-10，保证标准差永远大于 0。"""
    return ops.softplus(x) + 1e-10


def build_autoencoder(state_dim=2, feature_size=32):
    """书中的状态自编码器：2 → 256 → 128 → 32（特征）→ 128 → 256 → 2，返回 ``(encoder, decoder, autoencoder)``。"""
    inputs = keras.Input(shape=(state_dim,), name="state")
    x = layers.Dense(256, activation="relu")(inputs)
    x = layers.Dense(128, activation="relu")(x)
    feature = layers.Dense(feature_size, name="feature_vector")(x)
    encoder = keras.Model(inputs, feature, name="encoder")

    feature_inputs = keras.Input(shape=(feature_size,), name="decoder_input")
    x = layers.Dense(128, activation="relu")(feature_inputs)
    x = layers.Dense(256, activation="relu")(x)
    outputs = layers.Dense(state_dim, activation="linear")(x)
    decoder = keras.Model(feature_inputs, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return encoder, decoder, autoencoder


def build_actor(encoder):
    """高斯策略：冻结的编码器 → 均值（线性）与标准差（softplus + 1e-10），两层都用全零初始化。

    返回的模型输出 ``[mean, stddev]``，形状都是（批，1）；采样、对数概率和熵在模型外面算。
    """
    encoder.trainable = False
    inputs = keras.Input(shape=encoder.input_shape[1:], name="state")
    x = encoder(inputs)
    mean = layers.Dense(1, kernel_initializer="zeros", name="mean")(x)
    stddev = layers.Dense(1, kernel_initializer="zeros", name="stddev")(x)
    stddev = layers.Activation(softplusk, name="softplusk")(stddev)
    return keras.Model(inputs, [mean, stddev], name="actor")


def build_value(encoder):
    """价值网络（评论家）：冻结的编码器 → 一个线性输出 V(s)，全零初始化。"""
    encoder.trainable = False
    inputs = keras.Input(shape=encoder.input_shape[1:], name="state")
    value = layers.Dense(1, kernel_initializer="zeros", name="value")(encoder(inputs))
    return keras.Model(inputs, value, name="value")
