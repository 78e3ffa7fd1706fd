"""IIC（Invariant Information Clustering）的 Keras 3 实现：数据增强、骨干网络、多个聚类头和训练步。

- :func:`augment`：第二个视图的随机仿射变换（旋转、缩放、剪切、平移裁剪）与亮度抖动，一个
  ``ImageProjectiveTransformV3`` 运算完成，在训练步里按批做；
- :func:`center_crop`：第一个视图（也是评估时的输入），28×28 中心裁剪到 24×24；
- :func:`build_backbone`：卷积骨干，``"small"`` 是本站在 CPU 上用的三层卷积，``"vgg"`` 是书中的 VGG 'F'；
- :class:`IIC`：骨干加若干个 10 簇的主聚类头和若干个过聚类头，``train_step`` 里计算全部头的 IIC 损失。

训练步用 ``tf.GradientTape`` 求梯度，只能在 TensorFlow 后端上运行。
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers

from adlk.ch13.mi import iic_loss

IMAGE = 28
CROP = 24


def center_crop(x, size: int = CROP):
    """(N, 28, 28, 1) → 中心的 (N, size, size, 1)。"""
    o = (IMAGE - size) // 2
    return x[:, o:o + size, o:o + size, :]


def augment(x, seed, size: int = CROP, rotation: float = 25.0, scale=(0.8, 1.2), shear: float = 0.15,
            shift: float = 3.0, brightness=(0.6, 1.4), noise: float = 0.1):
    """第二个视图：对每张图独立抽一个仿射变换，从 28×28 图里采样出 size×size 的图，再做亮度抖动和加噪。

    Args:
        x: (N, 28, 28, 1) 的 float32 图像，取值 [0, 1]。
        seed: 形如 (2,) 的 int32 张量，无状态随机数的种子（同一种子给出同一批变换）。
        rotation: 旋转角度的范围 ±rotation（度）。
        scale: 缩放倍数的范围。
        shear: 剪切系数的范围 ±shear。
        shift: 裁剪中心相对图像中心的平移范围 ±shift（像素）。
        brightness: 亮度乘数的范围。
        noise: 高斯噪声的标准差。
    """
    n = tf.shape(x)[0]
    seeds = tf.random.experimental.stateless_split(seed, 7)

    def uniform(i, lo, hi):
        return tf.random.stateless_uniform([n], seeds[i], lo, hi)

    angle = uniform(0, -rotation, rotation) * (math.pi / 180)
    s = uniform(1, scale[0], scale[1])
    sh = uniform(2, -shear, shear)
    tx = uniform(3, -shift, shift)
    ty = uniform(4, -shift, shift)
    cos, sin = tf.cos(angle) / s, tf.sin(angle) / s
    # 输出坐标 → 输入坐标：x_in = A (x_out - c_out) + c_in + t，A = 旋转 · 缩放 · 剪切
    a0, a1 = cos, cos * sh - sin
    b0, b1 = sin, sin * sh + cos
    c_out, c_in = (size - 1) / 2, (IMAGE - 1) / 2
    a2 = c_in + tx - a0 * c_out - a1 * c_out
    b2 = c_in + ty - b0 * c_out - b1 * c_out
    zeros = tf.zeros_like(a0)
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=x, transforms=transforms, output_shape=tf.constant([size, size]), fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT")
    gain = uniform(5, brightness[0], brightness[1])[:, None, None, None]
    out = out * gain + noise * tf.random.stateless_normal(tf.shape(out), seeds[6])
    return tf.clip_by_value(out, 0.0, 1.0)


def build_backbone(kind: str = "small", size: int = CROP) -> keras.Model:
    """卷积骨干：``"small"``（16-32-64 三层 3×3 卷积，每层 BN-ReLU 和 2×2 最大池化）或书中的
    ``"vgg"``（VGG 'F'：[64, M, 128, M, 256, M, 512]，BN-ReLU）。输出展平的特征。"""
    cfg = {"small": [16, "M", 32, "M", 64, "M"], "vgg": [64, "M", 128, "M", 256, "M", 512]}[kind]
    inputs = keras.Input((size, size, 1))
    h = inputs
    for v in cfg:
        if v == "M":
            h = layers.MaxPooling2D()(h)
        else:
            h = layers.Conv2D(v, 3, padding="same", use_bias=False)(h)
            h = layers.BatchNormalization()(h)
            h = layers.Activation("relu")(h)
    if kind == "vgg":
        h = layers.GlobalAveragePooling2D()(h)
    else:
        h = layers.Flatten()(h)
    return keras.Model(inputs, h, name=f"backbone_{kind}")


class IIC(keras.Model):
    """IIC：一个骨干，``heads`` 个 ``n_clusters`` 簇的主聚类头，``heads`` 个 ``n_over`` 簇的过聚类头
    （``n_over=0`` 时没有）。

    ``train_step`` 的输入是一批原图 (B, 28, 28, 1)。第一个视图是中心裁剪，第二个视图是 :func:`augment`；
    每张原图重复 ``repeats`` 次，每次抽一个不同的变换。损失是所有主聚类头的 IIC 损失的平均加上所有
    过聚类头的 IIC 损失的平均，λ 是边缘熵项的权重（见 :func:`adlk.ch13.mi.iic_loss`）。
    """

    def __init__(self, backbone: keras.Model, heads: int = 5, n_clusters: int = 10, n_over: int = 50,
                 repeats: int = 2, lamb: float = 1.0, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.backbone = backbone
        self.n_heads, self.n_clusters, self.n_over = heads, n_clusters, n_over
        self.repeats, self.lamb = repeats, lamb
        self.main_heads = [layers.Dense(n_clusters, activation="softmax", name=f"head{i}") for i in range(heads)]
        self.over_heads = [layers.Dense(n_over, activation="softmax", name=f"over{i}")
                           for i in range(heads if n_over else 0)]
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "main_loss", "over_loss")}

    def call(self, x, training=False):
        """(N, 24, 24, 1) 的图 → 主聚类头的概率列表 [(N, n_clusters)] × heads。"""
        h = self.backbone(x, training=training)
        return [head(h) for head in self.main_heads]

    @property
    def metrics(self):
        return list(self.trackers.values())

    def pair_losses(self, x, training=True):
        """一批原图 → (主聚类头损失的平均, 过聚类头损失的平均)。"""
        x1 = center_crop(x)
        xr = tf.repeat(x, self.repeats, axis=0)
        x1 = tf.repeat(x1, self.repeats, axis=0)
        seed = tf.cast(keras.random.randint((2,), 0, 2**30, seed=self.seed_generator), "int32")
        x2 = augment(xr, seed)
        h = self.backbone(tf.concat([x1, x2], axis=0), training=training)
        h1, h2 = tf.split(h, 2, axis=0)
        main = tf.add_n([iic_loss(head(h1), head(h2), self.lamb) for head in self.main_heads]) / self.n_heads
        if self.over_heads:
            over = tf.add_n([iic_loss(head(h1), head(h2), self.lamb) for head in self.over_heads]) / len(self.over_heads)
        else:
            over = tf.constant(0.0)
        return main, over

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            main, over = self.pair_losses(x, training=True)
            loss = main + over
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for name, value in (("loss", loss), ("main_loss", main), ("over_loss", over)):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def build_all(self):
        """建好全部变量（骨干和所有头），从检查点恢复之前需要。"""
        h = self.backbone(tf.zeros((1, CROP, CROP, 1)))
        for head in self.main_heads + self.over_heads:
            head(h)

    def assign(self, x, batch_size: int = 1000, crop: bool = True):
        """(N, 28, 28, 1) 的图（``crop=False`` 时是已经裁成 24×24 的图）→ 每个主聚类头的概率
        (heads, N, n_clusters)，推理模式（BN 用滑动平均）。"""
        import numpy as np

        out = []
        for i in range(0, len(x), batch_size):
            batch = tf.constant(x[i:i + batch_size])
            out.append(self(center_crop(batch) if crop else batch, training=False))
        return np.stack([np.concatenate([np.asarray(o[h]) for o in out]) for h in range(self.n_heads)])
