"""第 4 章的模型：书中 ``lib/gan.py`` 的生成器与判别器，和本书所有 GAN 共用的 :class:`GAN` 类。

- :func:`build_generator`：BN-ReLU-Conv2DTranspose 的堆叠，sigmoid 输出（4.2 节）；给出 ``num_labels``
  时独热标签与 z 拼接（条件 GAN，4.3 节；第 5 章的 ACGAN 也用它）；
- :func:`build_discriminator`：LeakyReLU-Conv2D 的堆叠（4.2 节）；``num_labels`` 给出时标签经全连接层
  变成一张 28×28 的“图”与图像拼接（条件 GAN）；``num_classes`` 给出时多一个分类输出（第 5 章的 ACGAN）；
- :class:`GAN`：把生成器和判别器包成一个 ``keras.Model``，在 ``train_step`` 里先训练判别器、再训练生成器，
  两个优化器、自己的损失跟踪器（4.4 节）；第 5 章的 WGAN、LSGAN、ACGAN 只改写其中的损失函数；
- :func:`train_gan`：书中的训练循环（每步随机取一批真实图像），可以中途保存、接着训练。

自定义训练步用 ``tf.GradientTape`` 求梯度，因此只能在 TensorFlow 后端上运行。
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

LATENT_SIZE = 100
"""书中 z 的维数。"""


def build_generator(latent_size: int = LATENT_SIZE, num_labels: int | None = None, image_size: int = 28,
                    activation: str | None = "sigmoid") -> keras.Model:
    """书中的生成器：Dense(7·7·128) → 4 × [BN-ReLU-Conv2DTranspose]（128、64、32、1 个卷积核）→ sigmoid。

    Args:
        latent_size: z 的维数。
        num_labels: 给出时生成器多一个独热标签输入，与 z 拼接后送进全连接层（条件 GAN、ACGAN）。
        image_size: 输出图像的边长（须能被 4 整除）。
        activation: 输出层的激活函数；书中用 sigmoid 代替 DCGAN 论文的 tanh（像素在 [0, 1]）。
    """
    if image_size % 4:
        raise ValueError(f"image_size must be a multiple of 4 (two stride-2 layers), got {image_size}")
    resize = image_size // 4
    kernel_size = 5
    layer_filters = [128, 64, 32, 1]
    z = keras.Input(shape=(latent_size,), name="z_input")
    inputs: list = [z]
    x = z
    if num_labels:
        labels = keras.Input(shape=(num_labels,), name="class_labels")
        inputs.append(labels)
        x = layers.concatenate([z, labels], axis=1)
    x = layers.Dense(resize * resize * layer_filters[0])(x)
    x = layers.Reshape((resize, resize, layer_filters[0]))(x)
    for filters in layer_filters:
        # 前两层步长为 2（7 → 14 → 28），后两层步长为 1
        strides = 2 if filters > layer_filters[-2] else 1
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, kernel_size, strides=strides, padding="same")(x)
    if activation is not None:
        x = layers.Activation(activation)(x)
    return keras.Model(inputs if num_labels else z, x, name="generator")


def build_discriminator(image_size: int = 28, activation: str | None = "sigmoid", num_labels: int | None = None,
                        num_classes: int | None = None) -> keras.Model:
    """书中的判别器：4 × [LeakyReLU(0.2)-Conv2D]（32、64、128、256 个卷积核）→ Flatten → Dense(1)。

    Args:
        image_size: 输入图像的边长。
        activation: 真假输出的激活函数：sigmoid 给出“是真图”的概率；``None`` 为线性输出（WGAN、LSGAN）。
        num_labels: 给出时判别器多一个独热标签输入（条件 GAN）：标签经 Dense 变成一张
            ``image_size × image_size`` 的图，作为第二个通道与图像拼接。
        num_classes: 给出时多一个分类输出（ACGAN）：Dense(128) → Dense(num_classes) → softmax。
    """
    if num_labels and num_classes:
        raise ValueError("give num_labels (a label input, conditional GAN) or num_classes (a class output, "
                         "ACGAN), not both")
    kernel_size = 5
    layer_filters = [32, 64, 128, 256]
    image = keras.Input(shape=(image_size, image_size, 1), name="discriminator_input")
    inputs: list = [image]
    x = image
    if num_labels:
        labels = keras.Input(shape=(num_labels,), name="class_labels")
        inputs.append(labels)
        y = layers.Dense(image_size * image_size)(labels)
        y = layers.Reshape((image_size, image_size, 1))(y)
        x = layers.concatenate([x, y])
    for filters in layer_filters:
        # 前三层步长为 2，最后一层步长为 1；书中发现判别器加 BN 不收敛，所以没有 BN
        strides = 1 if filters == layer_filters[-1] else 2
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)
    x = layers.Flatten()(x)
    source = layers.Dense(1)(x)
    if activation is not None:
        source = layers.Activation(activation, name="source")(source)
    outputs: Any = source
    if num_classes:
        # ACGAN：第二个输出是图像属于各类的概率
        h = layers.Dense(layer_filters[-2])(x)
        cls = layers.Dense(num_classes)(h)
        outputs = [source, layers.Activation("softmax", name="label")(cls)]
    return keras.Model(inputs if num_labels else image, outputs, name="discriminator")


class GAN(keras.Model):
    """生成对抗网络：一个生成器、一个判别器、两个优化器，``train_step`` 交替训练两者。

    每一步先训练判别器 ``n_critic`` 次（每次用一批真实图像和一批新生成的图像），再训练生成器一次。
    生成器有两个输入时（条件 GAN、ACGAN），每张生成图像配一个随机的独热标签；判别器有两个输入时
    （条件 GAN），真实图像配它自己的标签、生成图像配生成时用的标签。

    判别器的损失 :meth:`d_loss` 与生成器的损失 :meth:`g_loss` 是两个可以改写的方法：这里是二元交叉熵
    （生成器用不饱和的形式），第 5 章的 WGAN、LSGAN 和 ACGAN 各自改写它们。

    Args:
        generator: 生成器，输入 z（或 [z, 独热标签]），输出图像。
        discriminator: 判别器，输入图像（或 [图像, 独热标签]）。
        latent_size: z 的维数；z 取自 [-1, 1] 上的均匀分布（与书中相同）。
        n_critic: 每训练一次生成器，判别器训练几次；``train_step`` 收到的一批真实图像被均分成这么多份。
        seed: 生成 z 与随机标签的随机数种子。
    """

    extra_metrics: tuple[str, ...] = ("d_accuracy",)
    """除 ``d_loss``、``g_loss`` 之外，:meth:`d_loss` / :meth:`g_loss` 还报告的量（各有一个 Mean 跟踪器）。"""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_size: int = LATENT_SIZE,
                 n_critic: int = 1, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if n_critic < 1:
            raise ValueError(f"n_critic must be at least 1, got {n_critic}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_size = latent_size
        self.n_critic = int(n_critic)
        self.num_labels = int(generator.inputs[1].shape[-1]) if len(generator.inputs) == 2 else None
        self.label_input = len(discriminator.inputs) == 2
        if self.label_input and self.num_labels is None:
            raise ValueError("the discriminator takes labels but the generator does not: build both with num_labels")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", *self.extra_metrics)}

    @property
    def metrics(self) -> list:
        # 只列自己的跟踪器：train_on_batch / fit 显示的就是它们
        return list(self.trackers.values())

    def compile(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer,
                **kwargs: Any) -> None:
        """两个优化器：``d_optimizer`` 只更新判别器，``g_optimizer`` 只更新生成器。"""
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # 先建好优化器的变量，保存与恢复检查点时变量的个数和顺序才固定
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """生成图像：``inputs`` 是 z，条件模型是 ``[z, 独热标签]``。"""
        return self.generator(inputs, training=training)

    # ------------------------------------------------------------ 随机输入

    def sample_z(self, n: Any) -> Any:
        """n 个 z，取自 [-1, 1] 上的均匀分布。"""
        return keras.random.uniform((n, self.latent_size), -1.0, 1.0, seed=self.seed_generator)

    def sample_labels(self, n: Any) -> Any:
        """n 个随机的独热标签（无条件模型为 ``None``）。"""
        if self.num_labels is None:
            return None
        index = keras.random.randint((n,), 0, self.num_labels, seed=self.seed_generator)
        return ops.one_hot(index, self.num_labels)

    def generate(self, z: Any, labels: Any = None, training: bool = False) -> Any:
        """由 z（和标签）生成图像。"""
        return self.generator(z if labels is None else [z, labels], training=training)

    def discriminate(self, images: Any, labels: Any = None, training: bool = False) -> Any:
        """判别器的输出；条件 GAN 的判别器同时看图像和标签。"""
        return self.discriminator([images, labels] if self.label_input else images, training=training)

    # ------------------------------------------------------------ 损失（第 5 章改写这两个方法）

    def d_loss(self, real_out: Any, fake_out: Any, real_labels: Any, fake_labels: Any) -> tuple[Any, dict]:
        """判别器的损失：真实图像标 1、生成图像标 0 的二元交叉熵（书中把两批拼成一批，结果相同）。"""
        out = ops.concatenate([real_out, fake_out])
        target = ops.concatenate([ops.ones_like(real_out), ops.zeros_like(fake_out)])
        loss = ops.mean(keras.losses.binary_crossentropy(target, out))
        accuracy = ops.mean(ops.cast(ops.equal(out > 0.5, target > 0.5), "float32"))
        return loss, {"d_accuracy": accuracy}

    def g_loss(self, fake_out: Any, fake_labels: Any) -> tuple[Any, dict]:
        """生成器的损失：生成图像标 1 的二元交叉熵，即 -log D(G(z))（不饱和的形式）。"""
        loss = ops.mean(keras.losses.binary_crossentropy(ops.ones_like(fake_out), fake_out))
        return loss, {}

    def constrain_discriminator(self) -> None:
        """每次更新判别器之后调用；这里什么也不做，WGAN 在这里裁剪权重。"""

    # ------------------------------------------------------------ 训练步

    def train_step(self, data: Any) -> dict:
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.label_input and labels is None:
            raise ValueError("a conditional GAN trains on (images, one-hot labels): pass y=labels")
        batch = ops.shape(images)[0] // self.n_critic
        logs: dict = {}
        # 1. 判别器：n_critic 次，每次一份真实图像和同样多的生成图像；只更新判别器的参数
        for i in range(self.n_critic):
            real = images[i * batch:(i + 1) * batch]
            real_labels = None if labels is None else labels[i * batch:(i + 1) * batch]
            z, fake_labels = self.sample_z(batch), self.sample_labels(batch)
            fake = self.generate(z, fake_labels, training=True)
            with tf.GradientTape() as tape:
                real_out = self.discriminate(real, real_labels, training=True)
                fake_out = self.discriminate(fake, fake_labels, training=True)
                d_loss, d_logs = self.d_loss(real_out, fake_out, real_labels, fake_labels)
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
            self.constrain_discriminator()
            self.trackers["d_loss"].update_state(d_loss)
            logs.update(d_logs)
        # 2. 生成器：一批新的 z，希望判别器把它们当成真图；只更新生成器的参数
        z, fake_labels = self.sample_z(batch), self.sample_labels(batch)
        with tf.GradientTape() as tape:
            fake = self.generate(z, fake_labels, training=True)
            fake_out = self.discriminate(fake, fake_labels, training=True)
            g_loss, g_logs = self.g_loss(fake_out, fake_labels)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        self.trackers["g_loss"].update_state(g_loss)
        logs.update(g_logs)
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def book_optimizers(learning_rate: float = 2e-4) -> tuple[keras.optimizers.Optimizer, keras.optimizers.Optimizer]:
    """书中的两个优化器：判别器 RMSprop(2e-4)，生成器（书中的 adversarial 模型）用它的一半。

    书中还给了 ``decay=6e-8``（生成器 3e-8）；Keras 3 忽略这个参数，4 万步里它只让学习率降低约 0.2 %，这里省去。
    """
    return (keras.optimizers.RMSprop(learning_rate=learning_rate),
            keras.optimizers.RMSprop(learning_rate=learning_rate * 0.5))


def train_gan(gan: GAN, images: np.ndarray, labels: np.ndarray | None = None, *, steps: int, batch_size: int = 64,
              ctx: Any = None, log_every: int = 10, chunk: int = 250,
              on_step: Callable[[int], None] | None = None, keep: dict[str, np.ndarray] | None = None,
              verbose: bool = True) -> dict[str, list[float]]:
    """书中的训练循环：每一步从训练集里随机取一批图像（条件模型连同独热标签），调用一次 ``train_step``。

    Args:
        gan: 已编译的 :class:`GAN`。
        images: (n, 28, 28, 1) 的训练图像，像素在 [0, 1]。
        labels: (n, 类别数) 的独热标签；无条件模型为 ``None``。
        steps: 训练步数（书中 40,000）。
        batch_size: 每步判别器看到的真实图像数（WGAN 每步看 ``n_critic`` 批）。
        ctx: 运行器的 :class:`adlk.runs.context.RunContext`；给出时每 ``chunk`` 步重设种子、保存检查点，
            打断后再运行时从检查点接着训练。
        log_every: 每隔多少步把这段时间的平均损失记进历史。
        chunk: 检查点的间隔（步）。
        on_step: 每步训练之前调用 ``on_step(step)``（保存样本网格用；``step`` 是已经训练的步数），
            训练完后再以 ``steps`` 调用一次。
        keep: 随检查点一起保存、恢复的数组（例如中途的样本网格）；恢复时原地填回这个字典。
        verbose: 每隔 ``chunk`` 步打印一行损失。

    Returns:
        ``{"step": [...], "d_loss": [...], "g_loss": [...], ...}``：每 ``log_every`` 步的平均值。
    """
    history: dict[str, list[float]] = {}
    start = 0
    if ctx is not None:
        from adlk.runs.context import RunDeferred, keras_state, load_keras_state

        restored = ctx.restore()
        if restored is not None:
            state, arrays = restored
            load_keras_state(arrays[: state["n_model_arrays"]], gan, gan.d_optimizer, gan.g_optimizer)
            history, start = state["history"], int(state["step"])
            if keep is not None:
                keep.clear()
                keep.update(zip(state["kept"], arrays[state["n_model_arrays"]:]))
    n = len(images)
    per_step = batch_size * gan.n_critic
    window: dict[str, list[float]] = {}
    rng = np.random.default_rng(None if ctx is None else [ctx.seed, start])
    t0 = time.perf_counter()
    for step in range(start, steps):
        if step % chunk == 0 and ctx is not None:
            ctx.reseed(step)
            rng = ctx.rng(step)
        if on_step is not None:
            on_step(step)
        index = rng.integers(0, n, size=per_step)
        y = None if labels is None else labels[index]
        logs = gan.train_on_batch(images[index], y, return_dict=True)
        for k, v in logs.items():
            window.setdefault(k, []).append(float(v))
        done = step + 1
        if done % log_every == 0 or done == steps:
            history.setdefault("step", []).append(done)
            for k, v in window.items():
                history.setdefault(k, []).append(float(np.mean(v)))
            window = {}
        if verbose and history and (done % chunk == 0 or done == steps):
            shown = ", ".join(f"{k} {history[k][-1]:.3f}" for k in history if k != "step")
            print(f"step {done}/{steps}: {shown} ({time.perf_counter() - t0:.0f} s)", flush=True)
        if ctx is not None and done % chunk == 0 and done < steps:
            late = ctx.out_of_time()
            arrays = keras_state(gan, gan.d_optimizer, gan.g_optimizer)
            kept = sorted(keep or {})
            ctx.checkpoint({"step": done, "history": history, "n_model_arrays": len(arrays), "kept": kept},
                           arrays + [keep[k] for k in kept], force=late)
            if late:
                raise RunDeferred(f"stopped after step {done} of {steps} (time budget); checkpoint saved")
    if on_step is not None:
        on_step(steps)
    return history
