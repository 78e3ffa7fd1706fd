"""第 5 章的三种改进 GAN：都是第 4 章 :class:`adlk.ch04.GAN` 的小子类，只改写损失（WGAN 还改写约束）。

- :class:`WGAN`（5.1 节）：线性输出的判别器（critic）给出 Wasserstein 距离的估计；每训练一次生成器，
  判别器训练 ``n_critic = 5`` 次，每次更新后把判别器的全部参数裁剪到 [-0.01, 0.01]；
- :class:`LSGAN`（5.2 节）：线性输出的判别器，最小二乘损失（MSE）；
- :class:`ACGAN`（5.3 节）：判别器多一个分类输出，判别器和生成器的损失各加一项分类交叉熵。

:func:`build_model` 按名称搭好书中设置的模型（含优化器）。
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from adlk.ch04.models import GAN, LATENT_SIZE, book_optimizers, build_discriminator, build_generator


class WGAN(GAN):
    """Wasserstein GAN（权重裁剪版）：判别器的损失是 -(E[D(x)] - E[D(G(z))])，生成器的损失是 -E[D(G(z))]。

    日志里的 ``d_loss`` 是一步里 ``n_critic`` 次判别器更新的平均损失，``wasserstein`` 是其中最后一次
    （判别器在这一步里训练得最充分时）的估计 E[D(x)] - E[D(G(z))]。

    Args:
        clip_value: 判别器参数的裁剪范围 [-clip_value, clip_value]（书中 0.01）。
        n_critic: 每训练一次生成器，判别器训练几次（书中 5）。
    """

    extra_metrics = ("wasserstein",)

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_size: int = LATENT_SIZE,
                 n_critic: int = 5, clip_value: float = 0.01, **kwargs: Any) -> None:
        if clip_value <= 0:
            raise ValueError(f"clip_value must be positive, got {clip_value}")
        super().__init__(generator, discriminator, latent_size=latent_size, n_critic=n_critic, **kwargs)
        self.clip_value = float(clip_value)

    def d_loss(self, real_out, fake_out, real_labels, fake_labels):
        # 判别器的输出没有激活函数；E[D(x)] - E[D(G(z))] 是 Wasserstein 距离的估计（差一个 Lipschitz 常数）
        wasserstein = ops.mean(real_out) - ops.mean(fake_out)
        return -wasserstein, {"wasserstein": wasserstein}

    def g_loss(self, fake_out, fake_labels):
        return -ops.mean(fake_out), {}

    def constrain_discriminator(self) -> None:
        # 权重裁剪：每次更新后把判别器的每个参数（核与偏置）限制在 [-c, c] 里
        for w in self.discriminator.trainable_variables:
            w.assign(ops.clip(w, -self.clip_value, self.clip_value))


class LSGAN(GAN):
    """最小二乘 GAN：判别器把真图推向 1、生成图推向 0，生成器把生成图推向 1，都用平方误差。"""

    def d_loss(self, real_out, fake_out, real_labels, fake_labels):
        loss = 0.5 * (ops.mean(ops.square(real_out - 1.0)) + ops.mean(ops.square(fake_out)))
        out = ops.concatenate([real_out, fake_out])
        target = ops.concatenate([ops.ones_like(real_out), ops.zeros_like(fake_out)])
        accuracy = ops.mean(ops.cast(ops.equal(out > 0.5, target > 0.5), "float32"))
        return loss, {"d_accuracy": accuracy}

    def g_loss(self, fake_out, fake_labels):
        return ops.mean(ops.square(fake_out - 1.0)), {}


class ACGAN(GAN):
    """辅助分类器 GAN：判别器输出两个结果，真假的概率与各类别的概率。

    判别器的损失 = 真假的二元交叉熵 + 真实图像与生成图像的分类交叉熵；
    生成器的损失 = 生成图像标 1 的二元交叉熵 + 生成图像被认成所要类别的交叉熵。
    """

    extra_metrics = ("d_accuracy", "d_class_accuracy", "g_class_accuracy")

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs: Any) -> None:
        super().__init__(generator, discriminator, **kwargs)
        if len(discriminator.outputs) != 2 or self.num_labels is None:
            raise ValueError("ACGAN needs a generator with a label input and a discriminator with two outputs: "
                             "build_generator(num_labels=10), build_discriminator(num_classes=10)")

    def d_loss(self, real_out, fake_out, real_labels, fake_labels):
        source_loss, logs = super().d_loss(real_out[0], fake_out[0], None, None)
        classes = ops.concatenate([real_out[1], fake_out[1]])
        target = ops.concatenate([real_labels, fake_labels])
        class_loss = ops.mean(keras.losses.categorical_crossentropy(target, classes))
        logs["d_class_accuracy"] = ops.mean(ops.cast(ops.argmax(classes, -1) == ops.argmax(target, -1), "float32"))
        return source_loss + class_loss, logs

    def g_loss(self, fake_out, fake_labels):
        source_loss, logs = super().g_loss(fake_out[0], None)
        class_loss = ops.mean(keras.losses.categorical_crossentropy(fake_labels, fake_out[1]))
        logs["g_class_accuracy"] = ops.mean(
            ops.cast(ops.argmax(fake_out[1], -1) == ops.argmax(fake_labels, -1), "float32"))
        return source_loss + class_loss, logs


MODELS = ("wgan", "lsgan", "acgan")
""":func:`build_model` 认识的名称。"""


def build_model(model: str, latent_size: int = LATENT_SIZE) -> GAN:
    """按书中脚本的设置搭建并编译第 5 章的一个模型：``"wgan"``、``"lsgan"`` 或 ``"acgan"``。

    WGAN 的判别器和生成器都用 RMSprop(5e-5)；LSGAN 与 ACGAN 与 DCGAN 相同（2e-4 / 1e-4）。

    Raises:
        ValueError: 名称无效；消息里列出有效值。
    """
    if model == "wgan":
        gan: GAN = WGAN(build_generator(latent_size), build_discriminator(activation=None), latent_size=latent_size)
        gan.compile(keras.optimizers.RMSprop(learning_rate=5e-5), keras.optimizers.RMSprop(learning_rate=5e-5))
    elif model == "lsgan":
        gan = LSGAN(build_generator(latent_size), build_discriminator(activation=None), latent_size=latent_size)
        gan.compile(*book_optimizers())
    elif model == "acgan":
        gan = ACGAN(build_generator(latent_size, num_labels=10), build_discriminator(num_classes=10),
                    latent_size=latent_size)
        gan.compile(*book_optimizers())
    else:
        raise ValueError(f"unknown chapter 5 model {model!r}; valid models: {', '.join(map(repr, MODELS))}")
    return gan
