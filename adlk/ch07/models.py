"""第 7 章的模型：书中 ``cyclegan-7.1.1.py`` 的 U-Net 生成器、PatchGAN 判别器与 CycleGAN 的训练步。

- :func:`instance_norm`：实例归一化（instance normalization）在 Keras 3 里的写法 ``GroupNormalization(groups=-1)``；
- :func:`encoder_layer` / :func:`decoder_layer`：书中的 IN-激活-卷积层，解码层再与编码器的同尺寸输出拼接（U-Net 的跳跃连接）；
- :func:`build_generator`：4 层编码、3 层解码的 U-Net，sigmoid 输出；
- :func:`build_discriminator`：4 层编码器加一层步长 2 的卷积，输出 2×2 的“真假图”（PatchGAN），或者一个数；
- :class:`CycleGAN`：两个生成器、两个判别器、两个优化器，``train_step`` 先训练两个判别器，再一起训练两个生成器；
- 损失函数 :func:`adversarial_loss`、:func:`discriminator_loss`、:func:`cycle_loss` 与
  :func:`generator_objective`：书中 ``adv`` 模型的各项与权重，写成可以单独核对的函数；
- :func:`train_cyclegan`：书中的训练循环（每步从两个域各随机取一批），可以中途保存、接着训练。

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

CYCLE_WEIGHT = 10.0
"""书中循环一致损失（MAE）的权重。"""
IDENTITY_WEIGHT = 0.5
"""书中恒等损失（MAE，可选）的权重。"""


def instance_norm(name: str | None = None) -> layers.Layer:
    """实例归一化：每张图、每个通道各自在空间维度上减均值、除标准差，再乘 γ 加 β（每个通道一对）。

    Keras 3 没有名为 InstanceNormalization 的层；``GroupNormalization(groups=-1)`` 把每个通道分成一组，
    就是实例归一化（与书中用的 ``tensorflow_addons.layers.InstanceNormalization`` 相同：TFA 的这个类就是
    ``groups=-1`` 的 GroupNormalization，epsilon 同为 1e-3）。``groups=1`` 是另一种归一化，见 7.3 节。
    """
    return layers.GroupNormalization(groups=-1, epsilon=1e-3, name=name)


def _activate(x: Any, activation: str) -> Any:
    if activation == "relu":
        return layers.Activation("relu")(x)
    return layers.LeakyReLU(negative_slope=0.2)(x)


def encoder_layer(inputs: Any, filters: int, kernel_size: int = 3, strides: int = 2,
                  activation: str = "leaky_relu", normalize: bool = True) -> Any:
    """书中的编码层：[实例归一化] → LeakyReLU(0.2)（或 ReLU）→ Conv2D（默认步长 2，尺寸减半）。"""
    x = inputs
    if normalize:
        x = instance_norm()(x)
    x = _activate(x, activation)
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)


def decoder_layer(inputs: Any, paired: Any, filters: int, kernel_size: int = 3, strides: int = 2,
                  activation: str = "relu", normalize: bool = True) -> Any:
    """书中的解码层：实例归一化 → ReLU → Conv2DTranspose（尺寸加倍），再与编码器里同尺寸的输出 ``paired`` 在通道上拼接。"""
    x = inputs
    if normalize:
        x = instance_norm()(x)
    x = _activate(x, activation)
    x = layers.Conv2DTranspose(filters, kernel_size, strides=strides, padding="same")(x)
    return layers.concatenate([x, paired])


def build_generator(input_shape: tuple[int, int, int], output_channels: int, kernel_size: int = 3,
                    name: str | None = None) -> keras.Model:
    """书中的 U-Net 生成器：编码 32→32→16→8→4（32、64、128、256 个卷积核），解码 4→8→16→32，sigmoid 输出。

    解码器的第 i 层与编码器的倒数第 i + 1 层拼接（4×4 的瓶颈之外的三个尺寸各有一条跳跃连接）。

    Args:
        input_shape: 输入图像的形状，例如 (32, 32, 1)。
        output_channels: 输出图像的通道数（灰度 1，彩色 3）。
        kernel_size: 所有卷积的核大小（书中灰度↔彩色用 3，MNIST↔SVHN 用 5）。
        name: 模型名称。
    """
    inputs = keras.Input(shape=input_shape)
    e1 = encoder_layer(inputs, 32, kernel_size, strides=1)
    e2 = encoder_layer(e1, 64, kernel_size)
    e3 = encoder_layer(e2, 128, kernel_size)
    e4 = encoder_layer(e3, 256, kernel_size)
    d1 = decoder_layer(e4, e3, 128, kernel_size)
    d2 = decoder_layer(d1, e2, 64, kernel_size)
    d3 = decoder_layer(d2, e1, 32, kernel_size)
    outputs = layers.Conv2DTranspose(output_channels, kernel_size, strides=1, padding="same",
                                     activation="sigmoid")(d3)
    return keras.Model(inputs, outputs, name=name)


def build_discriminator(input_shape: tuple[int, int, int], kernel_size: int = 3, patchgan: bool = True,
                        name: str | None = None) -> keras.Model:
    """书中的判别器：4 个没有归一化的编码层（32、64、128、256 个卷积核，步长 2、2、2、1），线性输出。

    ``patchgan=True`` 时再接 LeakyReLU 与一层步长 2 的 Conv2D(1)：32×32 的输入得到 2×2 的输出，每个输出只看
    输入的一块（PatchGAN）；否则展平后接 Dense(1)，整张图一个数。输出没有 sigmoid，配合平方误差损失。
    """
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters, strides in ((32, 2), (64, 2), (128, 2), (256, 1)):
        x = encoder_layer(x, filters, kernel_size, strides=strides, normalize=False)
    if patchgan:
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        outputs = layers.Conv2D(1, kernel_size, strides=2, padding="same")(x)
    else:
        outputs = layers.Dense(1)(layers.Flatten()(x))
    return keras.Model(inputs, outputs, name=name)


def patch_size(image_size: int = 32) -> int:
    """PatchGAN 输出的边长：书中的 ``image_size / 2⁴``（判别器里 4 次步长 2）。"""
    return image_size // 2**4


# ------------------------------------------------------------ 损失（书中 adv 模型的各项）


def adversarial_loss(out: Any, target: float) -> Any:
    """平方误差的对抗损失：判别器输出（每个图块一个数）与目标值 ``target``（真 1，假 0）之差的平方的平均。"""
    return ops.mean(ops.square(ops.convert_to_tensor(out) - target))


def discriminator_loss(real_out: Any, fake_out: Any) -> Any:
    """一个判别器的损失：真图推向 1、生成图推向 0，两项平均（书中把两批拼成一批算 MSE，结果相同）。"""
    return 0.5 * (adversarial_loss(real_out, 1.0) + adversarial_loss(fake_out, 0.0))


def cycle_loss(original: Any, reconstructed: Any) -> Any:
    """循环一致损失（或恒等损失）：逐像素绝对误差的平均（MAE）。"""
    return ops.mean(ops.abs(ops.convert_to_tensor(original) - ops.convert_to_tensor(reconstructed)))


def generator_objective(adv_source: Any, adv_target: Any, cycle_source: Any, cycle_target: Any,
                        identity_source: Any = 0.0, identity_target: Any = 0.0, cycle_weight: float = CYCLE_WEIGHT,
                        identity_weight: float = 0.0) -> Any:
    """两个生成器一起最小化的量（书中 ``adv`` 模型的加权损失和）：

    ``adv_s + adv_t + λ_cyc (cyc_s + cyc_t) + λ_id (id_s + id_t)``，书中 λ_cyc = 10，使用恒等损失时 λ_id = 0.5。
    """
    total = adv_source + adv_target + cycle_weight * (cycle_source + cycle_target)
    if identity_weight:
        total = total + identity_weight * (identity_source + identity_target)
    return total


class CycleGAN(keras.Model):
    """CycleGAN：源域（source，书中的 x）与目标域（target，书中的 y）之间的两个生成器和两个判别器。

    ``g_target`` 把源域图像翻译到目标域（书中的 G），``g_source`` 反方向（书中的 F）；``d_target`` 判断
    目标域的图像是真是假，``d_source`` 判断源域的。每一步：

    1. 两个生成器各翻译一批真实图像，两个判别器在“真图 → 1、翻译图 → 0”上各更新一次（同一个优化器，
       两者的参数互不相干，等于各自更新）；
    2. 两个生成器一起更新一次，最小化 :func:`generator_objective`：两个对抗项（希望翻译图被判成 1）、
       两个循环一致项（翻译过去再翻译回来，与原图的 MAE），以及可选的两个恒等项（把本域的图送进“翻译到本域”
       的生成器，输出应当不变）。

    Args:
        g_target: 源域 → 目标域的生成器。
        g_source: 目标域 → 源域的生成器。
        d_target: 目标域的判别器。
        d_source: 源域的判别器。
        cycle_weight: 循环一致损失的权重（书中 10）。
        identity_weight: 恒等损失的权重；0 表示不用（书中两个实验都不用，打开时为 0.5）。
    """

    def __init__(self, g_target: keras.Model, g_source: keras.Model, d_target: keras.Model,
                 d_source: keras.Model, cycle_weight: float = CYCLE_WEIGHT, identity_weight: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.g_target, self.g_source = g_target, g_source
        self.d_target, self.d_source = d_target, d_source
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        names = ["d_target_loss", "d_source_loss", "adv_loss", "cycle_loss", "g_loss"]
        if self.identity_weight:
            names.insert(4, "identity_loss")
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    @property
    def metrics(self) -> list:
        return list(self.trackers.values())

    def compile(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer,
                **kwargs: Any) -> None:
        """``d_optimizer`` 更新两个判别器，``g_optimizer`` 更新两个生成器。"""
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        d_optimizer.build(self.d_variables)
        g_optimizer.build(self.g_variables)

    @property
    def d_variables(self) -> list:
        """两个判别器的可训练参数（目标域的在前）。"""
        return self.d_target.trainable_variables + self.d_source.trainable_variables

    @property
    def g_variables(self) -> list:
        """两个生成器的可训练参数（源域 → 目标域的在前）。"""
        return self.g_target.trainable_variables + self.g_source.trainable_variables

    def call(self, inputs: Any, training: bool = False) -> Any:
        """``inputs`` 是一对（源域图像，目标域图像），返回一对（翻译到目标域的图像，翻译到源域的图像）。"""
        source, target = inputs
        return self.g_target(source, training=training), self.g_source(target, training=training)

    def train_step(self, data: Any) -> dict:
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        real_source, real_target = x
        # 1. 两个判别器：真图 → 1，当前生成器的翻译图 → 0
        fake_target = self.g_target(real_source, training=True)
        fake_source = self.g_source(real_target, training=True)
        with tf.GradientTape() as tape:
            d_target_loss = discriminator_loss(self.d_target(real_target, training=True),
                                               self.d_target(fake_target, training=True))
            d_source_loss = discriminator_loss(self.d_source(real_source, training=True),
                                               self.d_source(fake_source, training=True))
            d_loss = d_target_loss + d_source_loss
        grads = tape.gradient(d_loss, self.d_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.d_variables))
        # 2. 两个生成器一起：骗过判别器，且翻译过去再回来要回到原图
        with tf.GradientTape() as tape:
            fake_target = self.g_target(real_source, training=True)
            fake_source = self.g_source(real_target, training=True)
            adv_target = adversarial_loss(self.d_target(fake_target, training=True), 1.0)
            adv_source = adversarial_loss(self.d_source(fake_source, training=True), 1.0)
            cyc_source = cycle_loss(real_source, self.g_source(fake_target, training=True))
            cyc_target = cycle_loss(real_target, self.g_target(fake_source, training=True))
            id_source = id_target = 0.0
            if self.identity_weight:
                id_source = cycle_loss(real_source, self.g_source(real_source, training=True))
                id_target = cycle_loss(real_target, self.g_target(real_target, training=True))
            g_loss = generator_objective(adv_source, adv_target, cyc_source, cyc_target, id_source, id_target,
                                         self.cycle_weight, self.identity_weight)
        grads = tape.gradient(g_loss, self.g_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.g_variables))
        values = {"d_target_loss": d_target_loss, "d_source_loss": d_source_loss, "adv_loss": adv_source + adv_target,
                  "cycle_loss": cyc_source + cyc_target, "g_loss": g_loss}
        if self.identity_weight:
            values["identity_loss"] = id_source + id_target
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def book_optimizers(learning_rate: float = 2e-4) -> tuple[keras.optimizers.Optimizer, keras.optimizers.Optimizer]:
    """书中的两个优化器：判别器 RMSprop(2e-4)，生成器（书中的 adversarial 模型）用它的一半 1e-4。

    书中还给了 ``decay=6e-8``（生成器 3e-8）；Keras 3 的优化器没有这个参数，这里省去。
    """
    return (keras.optimizers.RMSprop(learning_rate=learning_rate),
            keras.optimizers.RMSprop(learning_rate=learning_rate * 0.5))


def build_cyclegan(source_shape: tuple[int, int, int], target_shape: tuple[int, int, int], kernel_size: int = 3,
                   patchgan: bool = True, identity: bool = False) -> CycleGAN:
    """按书中 ``build_cyclegan`` 的设置搭好并编译一个 :class:`CycleGAN`（循环权重 10，恒等权重 0.5 或不用）。"""
    model = CycleGAN(
        g_target=build_generator(source_shape, target_shape[-1], kernel_size, name="g_target"),
        g_source=build_generator(target_shape, source_shape[-1], kernel_size, name="g_source"),
        d_target=build_discriminator(target_shape, kernel_size, patchgan, name="d_target"),
        d_source=build_discriminator(source_shape, kernel_size, patchgan, name="d_source"),
        cycle_weight=CYCLE_WEIGHT, identity_weight=IDENTITY_WEIGHT if identity else 0.0)
    model.compile(*book_optimizers())
    return model


def train_cyclegan(model: CycleGAN, source: np.ndarray, target: np.ndarray, *, steps: int, batch_size: int = 32,
                   ctx: Any = None, log_every: int = 10, chunk: int = 250,
                   on_step: Callable[[int], None] | None = None, keep: dict[str, np.ndarray] | None = None,
                   verbose: bool = True) -> dict[str, list[float]]:
    """书中的训练循环：每一步从源域、目标域各自随机取一批（两批互不对应），调用一次 ``train_step``。

    Args:
        model: 已编译的 :class:`CycleGAN`。
        source: 源域训练图像，float32，像素在 [0, 1]。
        target: 目标域训练图像，同上。
        steps: 训练步数（书中 100,000）。
        batch_size: 每步每个域的图像数（书中 32）。
        ctx: 运行器的 :class:`adlk.runs.context.RunContext`；给出时每 ``chunk`` 步重设种子、保存检查点，
            打断后再运行时从检查点接着训练。
        log_every: 每隔多少步把这段时间的平均损失记进历史。
        chunk: 检查点的间隔（步）。
        on_step: 每步训练之前调用 ``on_step(step)``（``step`` 是已经训练的步数），训练完后再以 ``steps`` 调用一次。
        keep: 随检查点一起保存、恢复的数组（中途的翻译结果）；恢复时原地填回这个字典。
        verbose: 每隔 ``chunk`` 步打印一行损失。

    Returns:
        ``{"step": [...], "d_target_loss": [...], ...}``：每 ``log_every`` 步的平均值。
    """
    history: dict[str, list[float]] = {}
    start = 0
    if ctx is not None:
        from adlk.runs.context import RunDeferred, keras_state, load_keras_state

        restored = ctx.restore()
        if restored is not None:
            state, arrays = restored
            n = state["n_model_arrays"]
            load_keras_state(arrays[:n], model, model.d_optimizer, model.g_optimizer)
            history, start = state["history"], int(state["step"])
            if keep is not None:
                keep.clear()
                keep.update(zip(state["kept"], arrays[n:]))
    window: dict[str, list[float]] = {}
    rng = np.random.default_rng(None if ctx is None else [ctx.seed, start])
    t0 = time.perf_counter()
    for step in range(start, steps):
        if step % chunk == 0 and ctx is not None:
            ctx.reseed(step)
            rng = ctx.rng(step)
        if on_step is not None:
            on_step(step)
        i = rng.integers(0, len(source), size=batch_size)
        j = rng.integers(0, len(target), size=batch_size)
        logs = model.train_on_batch((source[i], target[j]), return_dict=True)
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
            arrays = keras_state(model, model.d_optimizer, model.g_optimizer)
            kept = sorted(keep or {})
            ctx.checkpoint({"step": done, "history": history, "n_model_arrays": len(arrays), "kept": kept},
                           arrays + [keep[k] for k in kept], force=late)
            if late:
                raise RunDeferred(f"stopped after step {done} of {steps} (time budget); checkpoint saved")
    if on_step is not None:
        on_step(steps)
    return history
