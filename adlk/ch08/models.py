"""第 8 章的模型：采样层、带自定义训练步的 VAE 类，以及书中三种网络的编码器与解码器。

- :class:`Sampling`：重参数化技巧 :math:`z = \\mu + \\sigma \\odot \\epsilon`（8.2 节）；
- :class:`VAE`：把编码器和解码器包成一个 ``keras.Model``，在 ``train_step`` / ``test_step`` 里计算
  重建项与 KL 项，并用三个 ``Mean`` 跟踪器记录它们（8.2 节）；四种变体共用这一个类；
- :func:`build_mlp_vae`（8.3 节）、:func:`build_cnn_vae`（8.4 节）、:func:`build_cvae`（8.5 节）：
  书中脚本里的编码器与解码器。β-VAE（8.6 节）就是 ``VAE(..., beta=β)``。

自定义训练步用 ``tf.GradientTape`` 求梯度，因此只能在 TensorFlow 后端上运行。
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers, ops


class Sampling(layers.Layer):
    """重参数化技巧：由均值和对数方差采样 z = z_mean + exp(z_log_var / 2) * epsilon。"""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        # 随机数发生器的状态属于这一层，模型保存、恢复时一起保存、恢复
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        # epsilon 来自标准正态分布，与网络参数无关；梯度经过 z_mean 和 z_log_var 传回编码器
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class VAE(keras.Model):
    """变分自编码器：编码器给出 (z_mean, z_log_var, z)，解码器由 z 重建图像。

    损失是每张图的重建损失（逐像素损失之和）加上 beta 倍的 KL 散度；beta=1 就是普通的 VAE，
    beta>1 是 beta-VAE。编码器有两个输入（图像和独热标签）时就是条件 VAE：标签也送进解码器。
    """

    def __init__(self, encoder, decoder, beta=1.0, reconstruction="mse", **kwargs):
        super().__init__(**kwargs)
        if reconstruction not in ("mse", "bce"):
            raise ValueError(f"unknown reconstruction loss {reconstruction!r}; valid values: 'mse', 'bce'")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.reconstruction = reconstruction
        self.conditional = len(encoder.inputs) == 2
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        # 列在这里的跟踪器会在每一轮开始时清零，它们的值就是 fit/evaluate 显示的每轮均值
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs):
        _, _, z = self.encoder(inputs)
        if self.conditional:
            return self.decoder([z, inputs[1]])
        return self.decoder(z)

    def vae_losses(self, inputs):
        """一批数据的总损失、重建项和 KL 项，都是对批内各图取的平均值。"""
        z_mean, z_log_var, z = self.encoder(inputs)
        if self.conditional:
            images, labels = inputs
            outputs = self.decoder([z, labels])
        else:
            images, outputs = inputs, self.decoder(z)
        # 每张图展平成一个向量：MSE 或 BCE 是 784 个像素的平均，乘以 784 就是逐像素求和
        original_dim = math.prod(images.shape[1:])
        images = ops.reshape(images, (-1, original_dim))
        outputs = ops.reshape(outputs, (-1, original_dim))
        if self.reconstruction == "bce":
            reconstruction_loss = keras.losses.binary_crossentropy(images, outputs)
        else:
            reconstruction_loss = keras.losses.mean_squared_error(images, outputs)
        reconstruction_loss = ops.mean(reconstruction_loss * original_dim)
        # 两个高斯分布 N(mu, sigma^2) 与 N(0, 1) 之间 KL 散度的闭式解，对各维求和
        kl_loss = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
        kl_loss = ops.mean(kl_loss)
        total_loss = reconstruction_loss + self.beta * kl_loss
        return total_loss, reconstruction_loss, kl_loss

    def _track(self, total_loss, reconstruction_loss, kl_loss):
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        inputs, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        # TensorFlow 后端：在 GradientTape 里算损失，再对全部可训练参数求梯度
        with tf.GradientTape() as tape:
            total_loss, reconstruction_loss, kl_loss = self.vae_losses(inputs)
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._track(total_loss, reconstruction_loss, kl_loss)

    def test_step(self, data):
        inputs, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self._track(*self.vae_losses(inputs))


def build_mlp_vae(original_dim=784, intermediate_dim=512, latent_dim=2):
    """书中 MLP VAE 的编码器与解码器（784 → 512 → 2 → 512 → 784）。"""
    # 编码器：一个 512 单元的隐藏层，再分成均值和对数方差两个输出，最后采样出 z
    inputs = keras.Input(shape=(original_dim,), name="encoder_input")
    x = layers.Dense(intermediate_dim, activation="relu")(inputs)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")

    # 解码器：从 2 维的 z 经过 512 单元的隐藏层，sigmoid 输出 784 个像素
    latent_inputs = keras.Input(shape=(latent_dim,), name="z_sampling")
    x = layers.Dense(intermediate_dim, activation="relu")(latent_inputs)
    outputs = layers.Dense(original_dim, activation="sigmoid")(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")
    return encoder, decoder


def build_cnn_vae(input_shape=(28, 28, 1), kernel_size=3, filters=16, latent_dim=2):
    """书中 CNN VAE 的编码器与解码器：两层步长为 2 的卷积（32、64 个卷积核），转置卷积对称还原。"""
    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = inputs
    for _ in range(2):
        filters *= 2
        x = layers.Conv2D(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
    # 解码器要还原成这个形状（7, 7, 64）
    shape = x.shape[1:]
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,), name="z_sampling")
    x = layers.Dense(math.prod(shape), activation="relu")(latent_inputs)
    x = layers.Reshape(shape)(x)
    for _ in range(2):
        x = layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
        filters //= 2
    outputs = layers.Conv2DTranspose(1, kernel_size, padding="same", activation="sigmoid", name="decoder_output")(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")
    return encoder, decoder


def build_cvae(input_shape=(28, 28, 1), num_labels=10, kernel_size=3, filters=16, latent_dim=2):
    """书中条件 VAE 的编码器与解码器：CNN VAE 的结构，独热标签同时送进编码器和解码器。"""
    inputs = keras.Input(shape=input_shape, name="encoder_input")
    labels = keras.Input(shape=(num_labels,), name="class_labels")
    # 标签经全连接层变成一张 28×28 的“图”，作为第二个通道与输入图像拼接
    y = layers.Dense(math.prod(input_shape))(labels)
    y = layers.Reshape(input_shape)(y)
    x = layers.concatenate([inputs, y])
    for _ in range(2):
        filters *= 2
        x = layers.Conv2D(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
    shape = x.shape[1:]
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model([inputs, labels], [z_mean, z_log_var, z], name="encoder")

    # 解码器的输入是 z 与独热标签拼成的 12 维向量
    latent_inputs = keras.Input(shape=(latent_dim,), name="z_sampling")
    decoder_labels = keras.Input(shape=(num_labels,), name="decoder_labels")
    x = layers.concatenate([latent_inputs, decoder_labels])
    x = layers.Dense(math.prod(shape), activation="relu")(x)
    x = layers.Reshape(shape)(x)
    for _ in range(2):
        x = layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
        filters //= 2
    outputs = layers.Conv2DTranspose(1, kernel_size, padding="same", activation="sigmoid", name="decoder_output")(x)
    decoder = keras.Model([latent_inputs, decoder_labels], outputs, name="decoder")
    return encoder, decoder


BUILDERS = {"mlp": build_mlp_vae, "cnn": build_cnn_vae, "cvae": build_cvae}
"""模型名称 → 搭建编码器与解码器的函数（对比表按名称选模型）。"""
