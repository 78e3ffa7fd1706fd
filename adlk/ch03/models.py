"""第 3 章的模型：卷积自编码器（编码器、解码器与两者串起来的自编码器）、带分类头的自编码器。

默认参数就是书中脚本的取值：``Conv2D(32)``、``Conv2D(64)``（步长 2），16 维潜在向量，镜像的
``Conv2DTranspose`` 解码器和 sigmoid 输出。2 维潜在空间、去噪与着色自编码器都用同一个
:func:`build_autoencoder`，只换参数；对比表（``adlk.ch03.experiments``）的每一行也用这里的函数搭建。
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from adlk.datasets import IMAGE_SIZE, NUM_CLASSES


def build_autoencoder(
    latent_dim: int = 16,
    input_shape: tuple[int, int, int] = (IMAGE_SIZE, IMAGE_SIZE, 1),
    layer_filters: Sequence[int] = (32, 64),
    kernel_size: int = 3,
    output_channels: int | None = None,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """卷积自编码器：编码器 ``Conv2D`` × n（步长 2）→ ``Dense(latent_dim)``，解码器镜像回原来的尺寸。

    Args:
        latent_dim: 潜在向量的维数（书中：16；画潜在空间时为 2；着色自编码器为 256）。
        input_shape: 输入图像的形状（高、宽、通道）。高和宽须能被 ``2 ** len(layer_filters)`` 整除。
        layer_filters: 编码器各卷积层的卷积核个数；解码器按相反的顺序使用。
        kernel_size: 卷积核边长。
        output_channels: 输出图像的通道数；省略时与输入相同（着色自编码器取 3）。

    Returns:
        ``(encoder, decoder, autoencoder)``：三个共享权重的未编译模型。

    Raises:
        ValueError: 参数无效，或输入的高、宽不能被 ``2 ** len(layer_filters)`` 整除。
    """
    if latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}")
    if not layer_filters:
        raise ValueError("layer_filters must list at least one Conv2D layer, e.g. (32, 64)")
    factor = 2 ** len(layer_filters)
    if input_shape[0] % factor or input_shape[1] % factor:
        raise ValueError(f"input height and width must be divisible by 2**len(layer_filters) = {factor}, "
                         f"got input_shape={tuple(input_shape)}; pad the images (e.g. 28 -> 32) or use fewer layers")
    channels = input_shape[-1] if output_channels is None else output_channels

    # 编码器：步长为 2 的卷积逐层把边长减半
    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = inputs
    for filters in layer_filters:
        x = layers.Conv2D(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
    shape = x.shape  # 书中的 K.int_shape(x)：(None, 高, 宽, 通道)
    x = layers.Flatten()(x)
    latent = layers.Dense(latent_dim, name="latent_vector")(x)
    encoder = keras.Model(inputs, latent, name="encoder")

    # 解码器：Dense 恢复出最后一个卷积层的形状，再用转置卷积逐层放大
    latent_inputs = keras.Input(shape=(latent_dim,), name="decoder_input")
    x = layers.Dense(shape[1] * shape[2] * shape[3])(latent_inputs)
    x = layers.Reshape((shape[1], shape[2], shape[3]))(x)
    for filters in layer_filters[::-1]:
        x = layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2DTranspose(channels, kernel_size, padding="same", activation="sigmoid",
                                     name="decoder_output")(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return encoder, decoder, autoencoder


def build_colorization_autoencoder(
    input_shape: tuple[int, int, int] = (32, 32, 1),
    latent_dim: int = 256,
    layer_filters: Sequence[int] = (64, 128, 256),
    kernel_size: int = 3,
    output_channels: int = 3,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """着色自编码器：灰度图进、彩色图出，书中 3.4 节的设置（三层卷积 64-128-256，256 维潜在向量）。

    就是 :func:`build_autoencoder` 换了默认参数；参数含义见那里。

    Returns:
        ``(encoder, decoder, autoencoder)``。
    """
    return build_autoencoder(latent_dim=latent_dim, input_shape=input_shape, layer_filters=layer_filters,
                             kernel_size=kernel_size, output_channels=output_channels)


def build_latent_classifier(
    latent_dim: int = 16,
    dropout: float = 0.4,
    num_labels: int = NUM_CLASSES,
) -> keras.Model:
    """潜在向量上的分类器：``Dense(512)``、``Dense(256)``（各接 ReLU 与 Dropout），softmax 输出。

    与书中仓库 ``classifier-autoencoder-mnist-3.3.1.py`` 的分类头相同。

    Args:
        latent_dim: 输入的潜在向量维数。
        dropout: 两个隐藏层之后的 Dropout 比例。
        num_labels: 类别数。

    Returns:
        未编译的模型。
    """
    latent_inputs = keras.Input(shape=(latent_dim,), name="classifier_input")
    x = latent_inputs
    for units in (512, 256):
        x = layers.Dense(units, activation="relu")(x)
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(num_labels, activation="softmax", name="classifier_output")(x)
    return keras.Model(latent_inputs, outputs, name="classifier")


def build_classifier_autoencoder(
    latent_dim: int = 16,
    filters: int = 16,
    kernel_size: int = 3,
    dropout: float = 0.4,
    input_shape: tuple[int, int, int] = (IMAGE_SIZE, IMAGE_SIZE, 1),
    num_labels: int = NUM_CLASSES,
) -> tuple[keras.Model, keras.Model, keras.Model, keras.Model]:
    """带分类头的自编码器（书中仓库的 ``classifier-autoencoder-mnist-3.3.1.py``）。

    编码器是两个 BN-ReLU-Conv2D-MaxPooling 块（卷积核个数 32、64）接 ``Dense(latent_dim)``；同一个潜在向量
    同时送进解码器（BN-ReLU-Conv2DTranspose-UpSampling，sigmoid 输出）和 :func:`build_latent_classifier`。
    两个输出一起训练：分类用交叉熵，重建用 MSE。

    Args:
        latent_dim: 潜在向量维数。
        filters: 第一个卷积块的卷积核个数的一半（每块翻倍：16 → 32、64）。
        kernel_size: 卷积核边长。
        dropout: 分类头的 Dropout 比例。
        input_shape: 输入图像形状。
        num_labels: 类别数。

    Returns:
        ``(encoder, decoder, classifier, model)``；``model`` 的两个输出依次是类别概率和重建图像。
    """
    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = inputs
    for _ in range(2):
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        filters *= 2
        x = layers.Conv2D(filters, kernel_size, padding="same")(x)
        x = layers.MaxPooling2D()(x)
    shape = x.shape
    x = layers.Flatten()(x)
    latent = layers.Dense(latent_dim, name="latent_vector")(x)
    encoder = keras.Model(inputs, latent, name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,), name="decoder_input")
    x = layers.Dense(shape[1] * shape[2] * shape[3])(latent_inputs)
    x = layers.Reshape((shape[1], shape[2], shape[3]))(x)
    for _ in range(2):
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, kernel_size, padding="same")(x)
        x = layers.UpSampling2D()(x)
        filters //= 2
    x = layers.Conv2DTranspose(input_shape[-1], kernel_size, padding="same")(x)
    outputs = layers.Activation("sigmoid", name="decoder_output")(x)
    decoder = keras.Model(latent_inputs, outputs, name="decoder")

    classifier = build_latent_classifier(latent_dim, dropout, num_labels)
    code = encoder(inputs)
    model = keras.Model(inputs, [classifier(code), decoder(code)], name="classifier_autoencoder")
    return encoder, decoder, classifier, model
