"""第 2 章的模型：函数式 API 写的 CNN、Y 形网络、ResNet v1 / v2 与 DenseNet-BC，都用 Keras 3 的函数式 API 搭建。

默认参数就是书中脚本的取值（``cnn-functional-2.1.1.py``、``cnn-y-network-2.1.2.py``、
``resnet-cifar10-2.2.1.py``、``densenet-cifar10-2.4.1.py``）；对比表的每一行也用这些函数搭建。
"""

from __future__ import annotations

import keras
from keras import layers

NUM_CLASSES = 10
MNIST_SHAPE = (28, 28, 1)
CIFAR_SHAPE = (32, 32, 3)
L2_WEIGHT = 1e-4
"""ResNet 卷积层的 L2 正则化系数（书中与原论文相同）。"""


# ---------------------------------------------------------------- 2.1 函数式 API


def build_cnn_functional(filters: int = 64, kernel_size: int = 3, dropout: float = 0.3,
                         input_shape: tuple[int, int, int] = MNIST_SHAPE,
                         num_labels: int = NUM_CLASSES) -> keras.Model:
    """第 1 章的 CNN 用函数式 API 重写：3 个 Conv2D（前两个后接 2×2 最大池化）、Flatten、Dropout、softmax。

    Args:
        filters: 每个卷积层的卷积核个数。
        kernel_size: 卷积核边长。
        dropout: Flatten 之后的 Dropout 比例（书中本节取 0.3）。
        input_shape: 输入图像的形状。
        num_labels: 类别数。

    Returns:
        未编译的模型。
    """
    inputs = keras.Input(shape=input_shape)
    y = layers.Conv2D(filters, kernel_size, activation="relu")(inputs)
    y = layers.MaxPooling2D(pool_size=2)(y)
    y = layers.Conv2D(filters, kernel_size, activation="relu")(y)
    y = layers.MaxPooling2D(pool_size=2)(y)
    y = layers.Conv2D(filters, kernel_size, activation="relu")(y)
    y = layers.Flatten()(y)
    y = layers.Dropout(dropout)(y)
    outputs = layers.Dense(num_labels, activation="softmax")(y)
    return keras.Model(inputs=inputs, outputs=outputs, name="cnn_functional")


def _y_branch(inputs, n_filters: int, kernel_size: int, dropout: float, dilation_rate: int, name: str):
    """Y 形网络的一个分支：3 次 Conv2D（same 填充）→ Dropout → 2×2 最大池化，卷积核个数逐次加倍。"""
    x = inputs
    filters = n_filters
    for i in range(3):
        x = layers.Conv2D(filters, kernel_size, padding="same", activation="relu", dilation_rate=dilation_rate,
                          name=f"{name}_conv{i + 1}")(x)
        x = layers.Dropout(dropout, name=f"{name}_dropout{i + 1}")(x)
        x = layers.MaxPooling2D(pool_size=2, name=f"{name}_pool{i + 1}")(x)
        filters *= 2
    return x


def build_y_network(n_filters: int = 32, kernel_size: int = 3, dropout: float = 0.4,
                    input_shape: tuple[int, int, int] = MNIST_SHAPE,
                    num_labels: int = NUM_CLASSES) -> keras.Model:
    """Y 形网络：两个输入各走一个卷积分支（右分支用扩张率 2 的扩张卷积），拼接后 Flatten、Dropout、softmax。

    Args:
        n_filters: 第一个卷积层的卷积核个数（之后逐层加倍：32、64、128）。
        kernel_size: 卷积核边长。
        dropout: 每个卷积层之后以及拼接之后的 Dropout 比例。
        input_shape: 每个输入的形状。
        num_labels: 类别数。

    Returns:
        有两个输入（``left_input``、``right_input``）的未编译模型；书中把同一张图送进两个输入。
    """
    left_inputs = keras.Input(shape=input_shape, name="left_input")
    right_inputs = keras.Input(shape=input_shape, name="right_input")
    x = _y_branch(left_inputs, n_filters, kernel_size, dropout, dilation_rate=1, name="left")
    y = _y_branch(right_inputs, n_filters, kernel_size, dropout, dilation_rate=2, name="right")
    y = layers.concatenate([x, y])
    y = layers.Flatten()(y)
    y = layers.Dropout(dropout)(y)
    outputs = layers.Dense(num_labels, activation="softmax")(y)
    return keras.Model([left_inputs, right_inputs], outputs, name="y_network")


def receptive_field(model: keras.Model) -> list[tuple[str, int]]:
    """沿一条串行的卷积、池化层链计算每层的感受野边长（输入像素）。

    扩张率为 $d$ 的 $k\\times k$ 卷积相当于边长 $d(k-1)+1$ 的卷积核，感受野按
    $r \\leftarrow r + (k_{\\text{eff}} - 1)\\,j$、$j \\leftarrow j\\,s$ 递推（$j$ 为跳距）。

    Args:
        model: 层按顺序串成一条链的模型（或一个分支的 ``keras.Model``）。

    Returns:
        ``[(层名, 感受野边长), ...]``，只列出卷积层和池化层。
    """
    r, j = 1, 1
    rows = []
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            k = layer.dilation_rate[0] * (layer.kernel_size[0] - 1) + 1
            s = layer.strides[0]
        elif isinstance(layer, (layers.MaxPooling2D, layers.AveragePooling2D)):
            k, s = layer.pool_size[0], layer.strides[0]
        else:
            continue
        r, j = r + (k - 1) * j, j * s
        rows.append((layer.name, r))
    return rows


# ---------------------------------------------------------------- 2.2–2.3 ResNet


def resnet_layer(inputs, num_filters: int = 16, kernel_size: int = 3, strides: int = 1,
                 activation: str | None = "relu", batch_normalization: bool = True, conv_first: bool = True):
    """ResNet 的基本单元：Conv2D、BN、激活三者按 ``conv_first`` 排序。

    ``conv_first=True``：Conv2D → BN → 激活（v1）；``False``：BN → 激活 → Conv2D（v2 的预激活）。
    卷积层用 He 正态初始化和系数 :data:`L2_WEIGHT` 的 L2 正则化，``same`` 填充。
    """
    conv = layers.Conv2D(num_filters, kernel_size=kernel_size, strides=strides, padding="same",
                         kernel_initializer="he_normal", kernel_regularizer=keras.regularizers.L2(L2_WEIGHT))
    x = inputs
    if conv_first:
        x = conv(x)
        if batch_normalization:
            x = layers.BatchNormalization()(x)
        if activation is not None:
            x = layers.Activation(activation)(x)
    else:
        if batch_normalization:
            x = layers.BatchNormalization()(x)
        if activation is not None:
            x = layers.Activation(activation)(x)
        x = conv(x)
    return x


def _check_depth(depth: int, step: int, version: int) -> int:
    if not isinstance(depth, int) or depth < step + 2 or (depth - 2) % step:
        valid = ", ".join(str(step * n + 2) for n in range(1, 7))
        raise ValueError(f"ResNet v{version} depth must be {step}n+2 (e.g. {valid}, ...); got {depth!r}")
    return (depth - 2) // step


def resnet_v1(depth: int = 20, input_shape: tuple[int, int, int] = CIFAR_SHAPE,
              num_classes: int = NUM_CLASSES) -> keras.Model:
    """ResNet v1（He 等，2015）：深度 $6n+2$，3 个阶段各 $n$ 个两层的残差块，卷积核 16、32、64 个。

    每个阶段的第一个块（第一阶段除外）用步长 2 缩小特征图，这时捷径是 1×1、步长 2 的投影卷积；
    其余捷径都是恒等映射。相加之后再经过 ReLU。最后 8×8 平均池化、Flatten、softmax。

    Args:
        depth: 网络深度（带权重的层数），必须是 $6n+2$：20、32、44、56、110……
        input_shape: 输入图像的形状。
        num_classes: 类别数。

    Returns:
        未编译的模型，名为 ``ResNet{depth}v1``。

    Raises:
        ValueError: ``depth`` 不是 $6n+2$。
    """
    num_res_blocks = _check_depth(depth, 6, 1)
    num_filters = 16
    inputs = keras.Input(shape=input_shape)
    x = resnet_layer(inputs)
    for stack in range(3):
        for res_block in range(num_res_blocks):
            strides = 2 if stack > 0 and res_block == 0 else 1  # 每个阶段的第一个块下采样
            y = resnet_layer(x, num_filters=num_filters, strides=strides)
            y = resnet_layer(y, num_filters=num_filters, activation=None)
            if strides == 2:
                # 投影捷径：1×1 卷积让形状与 y 一致
                x = resnet_layer(x, num_filters=num_filters, kernel_size=1, strides=strides, activation=None,
                                 batch_normalization=False)
            x = layers.add([x, y])
            x = layers.Activation("relu")(x)
        num_filters *= 2
    x = layers.AveragePooling2D(pool_size=8)(x)
    y = layers.Flatten()(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_initializer="he_normal")(y)
    return keras.Model(inputs=inputs, outputs=outputs, name=f"ResNet{depth}v1")


def resnet_v2(depth: int = 56, input_shape: tuple[int, int, int] = CIFAR_SHAPE,
              num_classes: int = NUM_CLASSES) -> keras.Model:
    """ResNet v2（He 等，2016）：深度 $9n+2$，预激活（BN → ReLU → Conv）的瓶颈残差块（1×1、3×3、1×1）。

    3 个阶段各 $n$ 个块；瓶颈的输出通道数依次为 64、128、256（输入通道的 4 倍、之后每阶段加倍）。
    每个阶段的第一个块用 1×1 投影捷径（第二、三阶段同时步长 2）。相加之后不再加激活，
    最后统一 BN、ReLU、8×8 平均池化、Flatten、softmax。

    Args:
        depth: 网络深度，必须是 $9n+2$：20、56、110……
        input_shape: 输入图像的形状。
        num_classes: 类别数。

    Returns:
        未编译的模型，名为 ``ResNet{depth}v2``。

    Raises:
        ValueError: ``depth`` 不是 $9n+2$。
    """
    num_res_blocks = _check_depth(depth, 9, 2)
    num_filters_in = 16
    inputs = keras.Input(shape=input_shape)
    # 第一层卷积之后带 BN 与 ReLU，所以第一个块的第一个单元不再重复
    x = resnet_layer(inputs, num_filters=num_filters_in, conv_first=True)
    for stage in range(3):
        for res_block in range(num_res_blocks):
            activation, batch_normalization, strides = "relu", True, 1
            if stage == 0:
                num_filters_out = num_filters_in * 4
                if res_block == 0:
                    activation, batch_normalization = None, False
            else:
                num_filters_out = num_filters_in * 2
                if res_block == 0:
                    strides = 2
            y = resnet_layer(x, num_filters=num_filters_in, kernel_size=1, strides=strides, activation=activation,
                             batch_normalization=batch_normalization, conv_first=False)
            y = resnet_layer(y, num_filters=num_filters_in, conv_first=False)
            y = resnet_layer(y, num_filters=num_filters_out, kernel_size=1, conv_first=False)
            if res_block == 0:
                x = resnet_layer(x, num_filters=num_filters_out, kernel_size=1, strides=strides, activation=None,
                                 batch_normalization=False)
            x = layers.add([x, y])
        num_filters_in = num_filters_out
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.AveragePooling2D(pool_size=8)(x)
    y = layers.Flatten()(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_initializer="he_normal")(y)
    return keras.Model(inputs=inputs, outputs=outputs, name=f"ResNet{depth}v2")


def resnet(n: int = 3, version: int = 1, **kwargs) -> keras.Model:
    """书中脚本的写法：由 ``n`` 和 ``version`` 算出深度（v1：$6n+2$，v2：$9n+2$）再搭建。

    Raises:
        ValueError: ``version`` 不是 1 或 2，或 ``n`` 不是正整数。
    """
    if version not in (1, 2):
        raise ValueError(f"ResNet version must be 1 or 2; got {version!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    return resnet_v1(6 * n + 2, **kwargs) if version == 1 else resnet_v2(9 * n + 2, **kwargs)


# ---------------------------------------------------------------- 2.4 DenseNet-BC


def densenet_bc(depth: int = 100, growth_rate: int = 12, compression: float = 0.5, num_dense_blocks: int = 3,
                dropout: float | None = None, input_shape: tuple[int, int, int] = CIFAR_SHAPE,
                num_classes: int = NUM_CLASSES) -> keras.Model:
    """DenseNet-BC（Huang 等，2017）：带瓶颈层（B）和压缩（C）的密集连接网络，书中取 $k=12$、深度 100。

    每个密集块有 $(L-4)/6$ 个瓶颈层（BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k)），每层的输出与之前所有特征图
    拼接；块与块之间是过渡层（BN-Conv1×1，通道数乘以 ``compression``，再 2×2 平均池化）。
    第一层是 $2k$ 个 3×3 卷积，其输出与输入图像拼接（书中的写法）。

    Args:
        depth: 网络深度 $L$，必须满足 $(L-4)$ 能被 $2\\times$ ``num_dense_blocks`` 整除：40、100、190、250……
        growth_rate: 增长率 $k$：每个瓶颈层新增的特征图个数。
        compression: 过渡层的压缩系数 $\\theta \\in (0, 1]$。
        num_dense_blocks: 密集块个数。
        dropout: 每个卷积之后的 Dropout 比例；书中只在不做数据增强时用 0.2，``None`` 表示不加。
        input_shape: 输入图像的形状。
        num_classes: 类别数。

    Returns:
        未编译的模型，名为 ``DenseNet-BC-{depth}-k{growth_rate}``。

    Raises:
        ValueError: 深度、增长率或压缩系数无效。
    """
    if not isinstance(depth, int) or depth <= 4 or (depth - 4) % (2 * num_dense_blocks):
        valid = ", ".join(str(4 + 2 * num_dense_blocks * m) for m in (6, 16, 31, 41))
        raise ValueError(f"DenseNet-BC depth must be 4 + {2 * num_dense_blocks}m (e.g. {valid}); got {depth!r}")
    if growth_rate < 1:
        raise ValueError(f"growth_rate must be a positive integer; got {growth_rate!r}")
    if not 0 < compression <= 1:
        raise ValueError(f"compression must be in (0, 1]; got {compression!r}")
    num_bottleneck_layers = (depth - 4) // (2 * num_dense_blocks)
    num_filters = 2 * growth_rate

    def maybe_dropout(t):
        return layers.Dropout(dropout)(t) if dropout else t

    inputs = keras.Input(shape=input_shape)
    x = layers.BatchNormalization()(inputs)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(num_filters, kernel_size=3, padding="same", kernel_initializer="he_normal")(x)
    x = layers.concatenate([inputs, x])
    for i in range(num_dense_blocks):
        for _ in range(num_bottleneck_layers):
            y = layers.BatchNormalization()(x)
            y = layers.Activation("relu")(y)
            y = layers.Conv2D(4 * growth_rate, kernel_size=1, padding="same", kernel_initializer="he_normal")(y)
            y = maybe_dropout(y)
            y = layers.BatchNormalization()(y)
            y = layers.Activation("relu")(y)
            y = layers.Conv2D(growth_rate, kernel_size=3, padding="same", kernel_initializer="he_normal")(y)
            y = maybe_dropout(y)
            x = layers.concatenate([x, y])
        if i == num_dense_blocks - 1:
            continue  # 最后一个密集块之后没有过渡层
        # 过渡层：按书中的计数方式压缩通道数，再把特征图缩小一半
        num_filters += num_bottleneck_layers * growth_rate
        num_filters = int(num_filters * compression)
        y = layers.BatchNormalization()(x)
        y = layers.Conv2D(num_filters, kernel_size=1, padding="same", kernel_initializer="he_normal")(y)
        y = maybe_dropout(y)
        x = layers.AveragePooling2D(pool_size=2)(y)  # Keras 3 必须给出 pool_size
    x = layers.AveragePooling2D(pool_size=x.shape[1])(x)  # 32×32 输入时为 8×8
    y = layers.Flatten()(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_initializer="he_normal")(y)
    return keras.Model(inputs=inputs, outputs=outputs, name=f"DenseNet-BC-{depth}-k{growth_rate}")


# ---------------------------------------------------------------- 训练设置（书中）


def lr_schedule(epoch: int) -> float:
    """书中的学习率调度：初始 1e-3，第 80、120、160、180 轮之后依次乘以 0.1、0.01、0.001、0.0005。

    ``keras.callbacks.LearningRateScheduler`` 传入从 0 开始的轮次。
    """
    lr = 1e-3
    if epoch > 180:
        lr *= 0.5e-3
    elif epoch > 160:
        lr *= 1e-3
    elif epoch > 120:
        lr *= 1e-2
    elif epoch > 80:
        lr *= 1e-1
    return lr


def augmentation(flip: bool = True, shift: float = 0.1, seed: int | None = None) -> keras.Sequential:
    """书中 ``ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True)``
    的 Keras 3 写法：预处理层 ``RandomTranslation`` 与 ``RandomFlip``，只在训练时生效。

    Args:
        flip: 是否随机水平翻转（CIFAR-10 用；手写数字翻转后不再是同一个数字，替代数据集上关掉）。
        shift: 上下、左右平移的最大比例。
        seed: 随机种子。

    Returns:
        一个 ``Sequential``，可以放在模型最前面，也可以在 ``tf.data`` 的 ``map`` 里调用。
    """
    stack = [layers.RandomTranslation(shift, shift, fill_mode="nearest", seed=seed)]
    if flip:
        stack.append(layers.RandomFlip("horizontal", seed=seed))
    return keras.Sequential(stack, name="augmentation")


BUILDERS = {"cnn_functional": build_cnn_functional, "y_network": build_y_network, "resnet_v1": resnet_v1,
            "resnet_v2": resnet_v2, "densenet_bc": densenet_bc}
"""模型名到搭建函数的映射（对比表的行按名字找到搭建函数）。"""
