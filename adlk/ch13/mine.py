"""MINE（Mutual Information Neural Estimation）：统计网络、Donsker–Varadhan 损失、二元高斯上的检验，
以及用 MINE 目标在 MNIST 上学潜在表示并做线性评估。

训练步用 ``tf.GradientTape`` 求梯度，只能在 TensorFlow 后端上运行。
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


def sample_gaussian(rng: np.random.Generator, n: int, rho: float, joint: bool = True) -> np.ndarray:
    """二元标准高斯（相关系数 ρ）的 n 个样本 (n, 2)。``joint=False`` 时 x 与 y 取自两次独立的抽样，
    即来自边缘分布之积 :math:`P(X)P(Y)`（书中 ``sample(joint=False)`` 的做法）。"""
    cov = [[1.0, rho], [rho, 1.0]]
    xy = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    if joint:
        return xy
    other = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    return np.stack([xy[:, 0], other[:, 1]], axis=1)


def build_statistics_network(input_dim: int = 1, hidden_units: int = 16) -> keras.Model:
    """书中的统计网络 :math:`T_\\theta(x, y)`：x、y 各过一个 Dense(hidden_units)，相加，ReLU，再 Dense(1)。"""
    x = keras.Input((input_dim,), name="x")
    y = keras.Input((input_dim,), name="y")
    h = layers.Add()([layers.Dense(hidden_units)(x), layers.Dense(hidden_units)(y)])
    h = layers.Activation("relu")(h)
    return keras.Model([x, y], layers.Dense(1, name="T")(h), name="statistics_network")


def dv_loss(t_joint, t_marginal):
    """MINE 的损失：负的 Donsker–Varadhan 下界 :math:`-(\\mathbb E_P[T] - \\log \\mathbb E_{P_X P_Y}[e^T])`。

    log-mean-exp 按 ``logsumexp`` 计算，不会溢出。
    """
    n = ops.cast(ops.shape(t_marginal)[0], t_marginal.dtype)
    return -(ops.mean(t_joint) - (ops.logsumexp(ops.reshape(t_marginal, (-1,))) - ops.log(n)))


def train_gaussian_mine(rho: float, steps: int = 1000, batch_size: int = 1000, hidden_units: int = 16,
                        learning_rate: float = 0.01, seed: int = 0):
    """按书中的设置在二元高斯上训练 MINE：每步抽 batch_size 个联合样本和 batch_size 个边缘样本，
    Adam 学习率 0.01。返回 ``(network, estimates)``，``estimates[s]`` 是第 s 步这一批上的下界估计。"""
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    net = build_statistics_network(1, hidden_units)
    opt = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function
    def step(joint, marginal):
        with tf.GradientTape() as tape:
            loss = dv_loss(net([joint[:, :1], joint[:, 1:]]), net([marginal[:, :1], marginal[:, 1:]]))
        grads = tape.gradient(loss, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))
        return -loss

    estimates = []
    for _ in range(steps):
        joint = sample_gaussian(rng, batch_size, rho).astype("float32")
        marginal = sample_gaussian(rng, batch_size, rho, joint=False).astype("float32")
        estimates.append(float(step(joint, marginal)))
    return net, np.array(estimates)


def evaluate_bound(net: keras.Model, rho: float, n: int = 200_000, seed: int = 1) -> float:
    """训练好的统计网络在 n 个新样本上的 Donsker–Varadhan 下界（nats）。"""
    from adlk.ch13.mi import dv_bound

    rng = np.random.default_rng(seed)
    joint = sample_gaussian(rng, n, rho).astype("float32")
    marginal = sample_gaussian(rng, n, rho, joint=False).astype("float32")
    t_j = net.predict([joint[:, :1], joint[:, 1:]], batch_size=20_000, verbose=0)
    t_m = net.predict([marginal[:, :1], marginal[:, 1:]], batch_size=20_000, verbose=0)
    return dv_bound(t_j, t_m)


class MINEClustering(keras.Model):
    """MNIST 上的 MINE：编码器（骨干 + 线性 Dense(latent_dim)）把两个视图编码成 z、z'，统计网络
    （书中是 1024 个隐藏单元）估计 :math:`I(z; z')` 的 DV 下界，训练时最大化它。

    联合样本是同一张图的两个视图 (z_n, z'_n)；边缘样本把 z' 在批内打乱 (z_n, z'_{π(n)})，与书中的
    数据生成器一样。
    """

    def __init__(self, backbone: keras.Model, latent_dim: int = 10, hidden_units: int = 1024, seed: int = 0,
                 **kwargs):
        super().__init__(**kwargs)
        from adlk.ch13.iic import CROP

        inputs = keras.Input((CROP, CROP, 1))
        z = layers.Dense(latent_dim, name="encoded_x")(layers.Flatten()(backbone(inputs)))
        self.encoder = keras.Model(inputs, z, name="encoder")
        self.statistics = build_statistics_network(latent_dim, hidden_units)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.tracker = keras.metrics.Mean(name="mi")

    def call(self, x, training=False):
        return self.encoder(x, training=training)

    def build_all(self):
        """建好全部变量，从检查点恢复之前需要。"""
        z = self.encoder(tf.zeros((1,) + tuple(self.encoder.input_shape[1:])))
        self.statistics([z, z])

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, data):
        from adlk.ch13.iic import augment, center_crop

        x = data[0] if isinstance(data, tuple) else data
        seed = tf.cast(keras.random.randint((2,), 0, 2**30, seed=self.seed_generator), "int32")
        with tf.GradientTape() as tape:
            z = self.encoder(tf.concat([center_crop(x), augment(x, seed)], axis=0), training=True)
            z1, z2 = tf.split(z, 2, axis=0)
            perm = tf.random.experimental.stateless_shuffle(tf.range(tf.shape(z2)[0]), seed + 1)
            loss = dv_loss(self.statistics([z1, z2]), self.statistics([z1, tf.gather(z2, perm)]))
        variables = self.encoder.trainable_variables + self.statistics.trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self.tracker.update_state(-loss)
        return {"mi": self.tracker.result()}


def linear_probe(z_train, y_train, z_test, y_test, epochs: int = 10, seed: int = 0) -> float:
    """书中的“线性分类器”：Dense(256)（没有激活函数）→ Dense(10, softmax)，Adam，10 轮，批大小 128。
    在 (z_train, y_train) 上训练，返回 (z_test, y_test) 上的准确率。"""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((z_train.shape[1],))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Dense(256)(inputs)))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(z_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    return float(model.evaluate(z_test, y_test, batch_size=1000, verbose=0, return_dict=True)["accuracy"])
