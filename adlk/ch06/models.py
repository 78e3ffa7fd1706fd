"""第 6 章的模型：InfoGAN（6.2 节）与 StackedGAN（6.3 节），都用第 4 章的网络搭成。

- :func:`build_infogan_generator`：第 4 章的生成器，输入是 z、10 维独热码和两个连续码（按书中的顺序拼接）；
- :func:`build_infogan_discriminator`：第 4 章的判别器，在 Flatten 之后多出辅助网络 Q 的三个输出
  （类别码的 softmax、两个连续码的估计）；
- :class:`InfoGAN`：第 4 章 :class:`adlk.ch04.GAN` 的子类，改写随机输入和两个损失，加上互信息项；
- :func:`mi_categorical`、:func:`mi_gaussian`：两种码的互信息损失（变分下界的相反数，差一个常数）；
- :func:`build_encoder`、:func:`build_gen1`、:func:`build_gen0`、:func:`build_dis1`、:func:`build_dis0`：
  StackedGAN 的编码器 enc0 / enc1、两层生成器和两层判别器；
- :func:`pretrain_encoder`：用普通的 ``fit`` 预训练编码器（MNIST 分类器）；
- :class:`StackedGAN`：两层 GAN 的 ``train_step``；编码器的参数不交给任何优化器，所以一直不变。

自定义训练步用 ``tf.GradientTape`` 求梯度，因此只能在 TensorFlow 后端上运行。
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
from keras import layers, ops

from adlk.ch04.models import GAN, book_optimizers, build_discriminator, build_generator

INFO_LATENT = 62
"""书中 InfoGAN 的 z 维数。"""
NUM_LABELS = 10
"""类别码（独热）的维数。"""
CODE_STD = 0.5
"""连续码的分布 N(0, 0.5²) 的标准差（书中 ``code_std``）。"""
INFO_WEIGHTS = (1.0, 1.0, 0.5, 0.5)
"""书中 InfoGAN 四个损失的权重：真假、类别码、连续码 1、连续码 2。"""
Z_DIM = 50
"""StackedGAN 每一层噪声 z0、z1 的维数。"""
FEATURE_DIM = 256
"""StackedGAN 中间特征 feature1 的维数（enc0 的输出）。"""
STACKED_WEIGHTS = {"dis0": (1.0, 10.0), "dis1": (1.0, 1.0), "gen0": (1.0, 10.0, 1.0), "gen1": (1.0, 1.0, 1.0)}
"""书中 StackedGAN 各损失的权重：判别器（对抗、熵），生成器（对抗、熵、条件）。"""


def _flatten_output(discriminator: keras.Model) -> Any:
    """第 4 章判别器里 Flatten 层的输出（各个辅助输出从这里分出去）。"""
    flat = next(layer for layer in discriminator.layers if isinstance(layer, layers.Flatten))
    return flat.output


# ---------------------------------------------------------------- InfoGAN


def build_infogan_generator(latent_size: int = INFO_LATENT, num_labels: int = NUM_LABELS,
                            num_codes: int = 2) -> keras.Model:
    """InfoGAN 的生成器：输入 z、独热码、连续码 1、连续码 2，按这个顺序拼接后进第 4 章的生成器。

    第 4 章的 ``build_generator(latent_size, num_labels=k)`` 把 z 与一个 k 维向量拼接；这里把独热码和
    连续码先拼成 ``num_labels + num_codes`` 维交给它，拼接的结果与书中 ``gan.generator(..., codes=[...])`` 相同。
    """
    base = build_generator(latent_size, num_labels=num_labels + num_codes)
    z = keras.Input(shape=(latent_size,), name="z_input")
    label = keras.Input(shape=(num_labels,), name="labels")
    codes = [keras.Input(shape=(1,), name=f"code{i + 1}") for i in range(num_codes)]
    image = base([z, layers.concatenate([label, *codes], axis=1)])
    return keras.Model([z, label, *codes], image, name="infogan_generator")


def build_infogan_discriminator(num_labels: int = NUM_LABELS, num_codes: int = 2) -> keras.Model:
    """InfoGAN 的判别器 D 与辅助网络 Q：共用第 4 章判别器的卷积层。

    输出 ``[source, label, code1, code2]``：真假的概率（sigmoid）；Flatten → Dense(128) 之后，类别码的
    后验 Q(c|x)（softmax）和每个连续码的均值估计（线性输出；书中用 sigmoid，见 6.2 节）。
    """
    base = build_discriminator()
    h = layers.Dense(128)(_flatten_output(base))
    label = layers.Activation("softmax", name="label")(layers.Dense(num_labels)(h))
    codes = [layers.Dense(1, name=f"code{i + 1}")(h) for i in range(num_codes)]
    return keras.Model(base.input, [base.output, label, *codes], name="infogan_discriminator")


def mi_categorical(code: Any, q: Any) -> Any:
    """类别码的互信息损失：-E[log Q(c|x)] = 交叉熵（c 是独热码，q 是 Q 给出的各类概率）。

    它是 -(L_I - H(c)) ：H(c) = log 10 是常数，所以最小化它就是最大化互信息的变分下界 L_I。
    """
    return ops.mean(keras.losses.categorical_crossentropy(code, q))


def mi_gaussian(code: Any, mean: Any, sigma: float = 1.0) -> Any:
    """连续码的互信息损失：Q(c|x) 取均值为 ``mean``、标准差为 ``sigma`` 的高斯时的 -E[log Q(c|x)]，去掉常数项，
    即 E[(c - mean)²] / (2 sigma²)。"""
    return ops.mean(ops.square(code - mean)) / (2.0 * sigma ** 2)


class InfoGAN(GAN):
    """InfoGAN（书中 6.1 节的脚本）：生成器多了类别码和连续码，判别器多了辅助网络 Q 的输出。

    判别器的损失 = 真假的二元交叉熵 + 类别码的交叉熵（真实图像用它们的数字标签，生成图像用生成时的独热码，
    与书中相同）+ 0.5 × 两个连续码的高斯互信息损失（只在生成图像上，那里码是已知的）。
    生成器的损失 = 生成图像标 1 的二元交叉熵 + 类别码的交叉熵 + 0.5 × 两个连续码的互信息损失。
    训练时不给标签（``y=None``），类别码就只在生成图像上训练：那是论文里不用标签的 InfoGAN。

    Args:
        generator: :func:`build_infogan_generator` 的生成器。
        discriminator: :func:`build_infogan_discriminator` 的判别器。
        code_std: 连续码的标准差（书中 0.5）。
        loss_weights: 真假、类别码、连续码 1、连续码 2 四项的权重（书中 1、1、0.5、0.5）。
    """

    extra_metrics = ("d_accuracy", "d_class_loss", "d_mi_loss", "g_class_loss", "g_mi_loss", "g_code_accuracy")

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_size: int = INFO_LATENT,
                 code_std: float = CODE_STD, loss_weights: tuple[float, ...] = INFO_WEIGHTS, **kwargs: Any) -> None:
        super().__init__(generator, discriminator, latent_size=latent_size, **kwargs)
        self.num_codes = len(generator.inputs) - 2
        if self.num_codes < 0 or len(discriminator.outputs) != 2 + self.num_codes:
            raise ValueError("InfoGAN needs build_infogan_generator() and build_infogan_discriminator() with the "
                             "same number of codes")
        if len(loss_weights) != 2 + self.num_codes:
            raise ValueError(f"give {2 + self.num_codes} loss weights (source, label, one per code), "
                             f"got {len(loss_weights)}")
        self.num_labels = int(generator.inputs[1].shape[-1])
        self.code_std = float(code_std)
        self.loss_weights = tuple(float(w) for w in loss_weights)

    def sample_labels(self, n: Any) -> list:
        """n 组随机的潜在编码：独热码、连续码 1、连续码 2（连续码取自 N(0, code_std²)）。"""
        index = keras.random.randint((n,), 0, self.num_labels, seed=self.seed_generator)
        codes = [keras.random.normal((n, 1), stddev=self.code_std, seed=self.seed_generator)
                 for _ in range(self.num_codes)]
        return [ops.one_hot(index, self.num_labels), *codes]

    def generate(self, z: Any, labels: Any = None, training: bool = False) -> Any:
        """由 z 和潜在编码（独热码、各个连续码的列表）生成图像。"""
        return self.generator([z, *labels], training=training)

    def discriminate(self, images: Any, labels: Any = None, training: bool = False) -> Any:
        """判别器只看图像，输出真假、类别码的后验和各个连续码的估计。"""
        return self.discriminator(images, training=training)

    def _mi_terms(self, out: Any, codes: Any) -> tuple[Any, Any]:
        """返回连续码的加权互信息损失之和，以及 Q 猜对生成时所用类别码的比例。"""
        mi = sum(w * mi_gaussian(c, q) for w, c, q in zip(self.loss_weights[2:], codes[1:], out[2:]))
        hit = ops.mean(ops.cast(ops.argmax(out[1], -1) == ops.argmax(codes[0], -1), "float32"))
        return mi, hit

    def d_loss(self, real_out, fake_out, real_labels, fake_labels):
        source_loss, logs = super().d_loss(real_out[0], fake_out[0], None, None)
        if real_labels is None:
            # 不给标签：类别码只在生成图像上训练（论文里的 InfoGAN）
            class_loss = mi_categorical(fake_labels[0], fake_out[1])
        else:
            # 书中：真实图像配它们的数字标签，生成图像配生成时的独热码
            class_loss = mi_categorical(ops.concatenate([real_labels, fake_labels[0]]),
                                        ops.concatenate([real_out[1], fake_out[1]]))
        mi, _ = self._mi_terms(fake_out, fake_labels)
        logs.update(d_class_loss=class_loss, d_mi_loss=mi)
        return self.loss_weights[0] * source_loss + self.loss_weights[1] * class_loss + mi, logs

    def g_loss(self, fake_out, fake_labels):
        source_loss, logs = super().g_loss(fake_out[0], None)
        class_loss = mi_categorical(fake_labels[0], fake_out[1])
        mi, hit = self._mi_terms(fake_out, fake_labels)
        logs.update(g_class_loss=class_loss, g_mi_loss=mi, g_code_accuracy=hit)
        return self.loss_weights[0] * source_loss + self.loss_weights[1] * class_loss + mi, logs


def build_infogan(latent_size: int = INFO_LATENT, seed: int | None = None) -> InfoGAN:
    """按书中的设置搭建并编译 InfoGAN：z 62 维、10 类独热码、两个连续码，RMSprop 2e-4 / 1e-4。"""
    gan = InfoGAN(build_infogan_generator(latent_size), build_infogan_discriminator(), latent_size=latent_size,
                  seed=seed)
    gan.compile(*book_optimizers())
    return gan


# ---------------------------------------------------------------- StackedGAN


def build_encoder(num_labels: int = NUM_LABELS, feature_dim: int = FEATURE_DIM) -> tuple[keras.Model, keras.Model]:
    """书中的编码器，分成两段：enc0（图像 → 256 维特征 feature1）与 enc1（feature1 → 各类概率）。

    enc0 是两组 Conv2D(64, 3, ReLU) 与 MaxPooling，接 Flatten 和 Dense(256, ReLU)；enc1 是 Dense(10) 加 softmax。
    """
    image = keras.Input(shape=(28, 28, 1), name="encoder_input")
    x = image
    for _ in range(2):
        x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    feature = layers.Dense(feature_dim, activation="relu")(layers.Flatten()(x))
    enc0 = keras.Model(image, feature, name="encoder0")
    f = keras.Input(shape=(feature_dim,), name="feature1_input")
    enc1 = keras.Model(f, layers.Activation("softmax")(layers.Dense(num_labels)(f)), name="encoder1")
    return enc0, enc1


def pretrain_encoder(enc0: keras.Model, enc1: keras.Model, x: Any, y: Any, epochs: int = 10, batch_size: int = 64,
                     validation_data: Any = None, verbose: Any = 2) -> keras.callbacks.History:
    """把 enc0、enc1 串成一个分类器，用普通的 ``compile`` + ``fit`` 训练（书中 Adam、交叉熵、10 轮）。

    ``y`` 是独热标签。训练完之后不必设 ``trainable = False``：:class:`StackedGAN` 不把编码器的参数交给任何优化器。
    """
    image = keras.Input(shape=enc0.input.shape[1:])
    encoder = keras.Model(image, enc1(enc0(image)), name="encoder")
    encoder.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return encoder.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data, verbose=verbose)


def build_gen1(num_labels: int = NUM_LABELS, z_dim: int = Z_DIM, feature_dim: int = FEATURE_DIM) -> keras.Model:
    """第 1 层生成器：独热标签与 z1 拼接 → Dense(512, ReLU) → BN → Dense(512, ReLU) → BN → Dense(256, ReLU)。"""
    label = keras.Input(shape=(num_labels,), name="labels")
    z1 = keras.Input(shape=(z_dim,), name="z1_input")
    x = layers.concatenate([label, z1], axis=1)
    for _ in range(2):
        x = layers.BatchNormalization()(layers.Dense(512, activation="relu")(x))
    return keras.Model([label, z1], layers.Dense(feature_dim, activation="relu")(x), name="gen1")


def build_gen0(z_dim: int = Z_DIM, feature_dim: int = FEATURE_DIM) -> keras.Model:
    """第 0 层生成器：[feature1, z0] 拼接后进第 4 章的生成器（与书中 ``gan.generator(feature1, codes=z0)`` 相同）。"""
    return build_generator(feature_dim, num_labels=z_dim)


def build_dis1(z_dim: int = Z_DIM, feature_dim: int = FEATURE_DIM) -> keras.Model:
    """第 1 层判别器：feature1 → 2 × Dense(256, ReLU) → [真假（sigmoid）, z1 的估计（tanh）]。"""
    f = keras.Input(shape=(feature_dim,), name="discriminator1_input")
    x = layers.Dense(256, activation="relu")(f)
    x = layers.Dense(256, activation="relu")(x)
    source = layers.Activation("sigmoid", name="feature1_source")(layers.Dense(1)(x))
    z1 = layers.Activation("tanh", name="z1")(layers.Dense(z_dim)(x))
    return keras.Model(f, [source, z1], name="dis1")


def build_dis0(z_dim: int = Z_DIM) -> keras.Model:
    """第 0 层判别器：第 4 章的判别器，Flatten 之后多一个 z0 的估计（Dense(50) → tanh）。"""
    base = build_discriminator()
    z0 = layers.Activation("tanh", name="z0")(layers.Dense(z_dim)(_flatten_output(base)))
    return keras.Model(base.input, [base.output, z0], name="dis0")


def _bce(target: float, out: Any) -> Any:
    return ops.mean(keras.losses.binary_crossentropy(ops.full_like(out, target), out))


def _mse(a: Any, b: Any) -> Any:
    return ops.mean(ops.square(a - b))


class StackedGAN(keras.Model):
    """StackedGAN（书中 6.2 节的脚本）：两层条件 GAN，各自以预训练编码器的一段为条件。

    每一步（一批真实图像 x 与独热标签 y）：

    1. ``f = enc0(x)``：真实图像的特征；
    2. 判别器 dis1：真实特征 f 对生成特征 gen1(y, z1)，对抗损失 + 熵损失（dis1 从生成特征还原 z1 的 MSE）；
    3. 判别器 dis0：真实图像 x 对生成图像 gen0(f, z0)，对抗损失 + 10 × 熵损失（还原 z0）；
    4. 生成器 gen1：对抗 + 熵 + 条件损失（enc1 把生成特征认成 y 的交叉熵）；
    5. 生成器 gen0：对抗 + 10 × 熵 + 条件损失（enc0 把生成图像编码回 f 的 MSE）。

    两层在训练时各自以真实的条件（y、f）为输入，互不相连；生成时才串起来：y, z1 → gen1 → gen0 → 图像。
    编码器 enc0、enc1 只参与前向计算，它们的参数不在任何一个求梯度的列表里，所以不会被更新。
    熵损失只在生成的样本上计算（书中真实样本也配上随机的 z 一起训练，见 6.3 节）。

    Args:
        enc0: 预训练好的编码器的第一段（图像 → feature1；:func:`build_encoder`、:func:`pretrain_encoder`）。
        enc1: 编码器的第二段（feature1 → 各类概率）。
        gen0: 第 0 层生成器（:func:`build_gen0`）。
        gen1: 第 1 层生成器（:func:`build_gen1`）。
        dis0: 第 0 层判别器（:func:`build_dis0`）。
        dis1: 第 1 层判别器（:func:`build_dis1`）。
        z_dim: z0、z1 的维数；两者取自 N(0, 0.5²)。
        loss_weights: 各损失的权重（默认书中的 :data:`STACKED_WEIGHTS`）。
        seed: 随机数种子。
    """

    def __init__(self, enc0: keras.Model, enc1: keras.Model, gen0: keras.Model, gen1: keras.Model,
                 dis0: keras.Model, dis1: keras.Model, z_dim: int = Z_DIM, loss_weights: dict | None = None,
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enc0, self.enc1, self.gen0, self.gen1, self.dis0, self.dis1 = enc0, enc1, gen0, gen1, dis0, dis1
        self.z_dim = int(z_dim)
        self.n_critic = 1  # adlk.ch04.train_gan 读它：每步一批真实图像
        self.weights_ = {**STACKED_WEIGHTS, **(loss_weights or {})}
        self.seed_generator = keras.random.SeedGenerator(seed)
        names = ("d0_loss", "d1_loss", "g0_loss", "g1_loss", "g1_class_accuracy", "g0_feature_mse")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self) -> list:
        return list(self.trackers.values())

    def compile(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer,
                **kwargs: Any) -> None:
        """``d_optimizer`` 更新 dis0 与 dis1，``g_optimizer`` 更新 gen0 与 gen1；编码器不交给任何一个。"""
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        d_optimizer.build(self.d_variables)
        g_optimizer.build(self.g_variables)

    @property
    def d_variables(self) -> list:
        """两层判别器的可训练参数。"""
        return self.dis0.trainable_variables + self.dis1.trainable_variables

    @property
    def g_variables(self) -> list:
        """两层生成器的可训练参数。"""
        return self.gen0.trainable_variables + self.gen1.trainable_variables

    def sample_z(self, n: Any) -> Any:
        """n 个 z（z0 或 z1），取自 N(0, 0.5²)。"""
        return keras.random.normal((n, self.z_dim), stddev=0.5, seed=self.seed_generator)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """生成图像：``inputs`` 依次是独热标签、z1、z0；标签与 z1 经 gen1 得到 feature1，feature1 与 z0 经 gen0 得到图像。"""
        label, z1, z0 = inputs
        return self.gen0([self.gen1([label, z1], training=training), z0], training=training)

    def train_step(self, data: Any) -> dict:
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError("StackedGAN trains on (images, one-hot labels): pass y=labels")
        w = self.weights_
        n = ops.shape(images)[0]
        real_f = self.enc0(images, training=False)
        # 判别器：两层各一次，一个优化器（书中 dis0 与 dis1 共用一个 RMSprop）
        z1, z0 = self.sample_z(n), self.sample_z(n)
        fake_f = self.gen1([labels, z1], training=True)
        fake_x = self.gen0([real_f, z0], training=True)
        with tf.GradientTape() as tape:
            src_real1, _ = self.dis1(real_f, training=True)
            src_fake1, z1_hat = self.dis1(fake_f, training=True)
            d1 = w["dis1"][0] * 0.5 * (_bce(1.0, src_real1) + _bce(0.0, src_fake1)) + w["dis1"][1] * _mse(z1, z1_hat)
            src_real0, _ = self.dis0(images, training=True)
            src_fake0, z0_hat = self.dis0(fake_x, training=True)
            d0 = w["dis0"][0] * 0.5 * (_bce(1.0, src_real0) + _bce(0.0, src_fake0)) + w["dis0"][1] * _mse(z0, z0_hat)
            d_loss = d0 + d1
        grads = tape.gradient(d_loss, self.d_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.d_variables))
        # 生成器：两层各一次；编码器与判别器只做前向计算
        z1, z0 = self.sample_z(n), self.sample_z(n)
        with tf.GradientTape() as tape:
            fake_f = self.gen1([labels, z1], training=True)
            src1, z1_hat = self.dis1(fake_f, training=False)
            probs = self.enc1(fake_f, training=False)
            g1 = (w["gen1"][0] * _bce(1.0, src1) + w["gen1"][1] * _mse(z1, z1_hat)
                  + w["gen1"][2] * ops.mean(keras.losses.categorical_crossentropy(labels, probs)))
            fake_x = self.gen0([real_f, z0], training=True)
            src0, z0_hat = self.dis0(fake_x, training=False)
            feature_mse = _mse(real_f, self.enc0(fake_x, training=False))
            g0 = w["gen0"][0] * _bce(1.0, src0) + w["gen0"][1] * _mse(z0, z0_hat) + w["gen0"][2] * feature_mse
            g_loss = g0 + g1
        grads = tape.gradient(g_loss, self.g_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.g_variables))
        hit = ops.mean(ops.cast(ops.argmax(probs, -1) == ops.argmax(labels, -1), "float32"))
        for name, value in (("d0_loss", d0), ("d1_loss", d1), ("g0_loss", g0), ("g1_loss", g1),
                            ("g1_class_accuracy", hit), ("g0_feature_mse", feature_mse)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def build_stackedgan(enc0: keras.Model | None = None, enc1: keras.Model | None = None,
                     seed: int | None = None) -> StackedGAN:
    """按书中的设置搭建并编译 StackedGAN（RMSprop 2e-4 / 1e-4）；不给编码器时新建一个（尚未训练）。"""
    if enc0 is None or enc1 is None:
        enc0, enc1 = build_encoder()
    gan = StackedGAN(enc0, enc1, build_gen0(), build_gen1(), build_dis0(), build_dis1(), seed=seed)
    gan.compile(*book_optimizers())
    return gan
