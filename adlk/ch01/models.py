"""第 1 章的三个参考模型：MLP、CNN 与 SimpleRNN，都用 Keras 3 的 ``Sequential`` 搭建。

默认参数就是书中脚本的取值；对比表（``adlk.ch01.experiments``）的每一行也用这几个函数搭建，
所以表格和正文讲的是同一份代码。
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from adlk.datasets import IMAGE_SIZE, NUM_CLASSES


def build_mlp(
    hidden_units: Sequence[int] = (256, 256),
    dropout: float = 0.45,
    l2: float | None = None,
    activation: str | None = "relu",
    input_size: int = IMAGE_SIZE * IMAGE_SIZE,
    num_labels: int = NUM_CLASSES,
) -> keras.Sequential:
    """多层感知机：若干个 Dense 隐藏层（各接激活函数与 Dropout），最后是 softmax 输出层。

    Args:
        hidden_units: 每个隐藏层的单元数。
        dropout: 每个隐藏层后的 Dropout 比例；0 表示不加 Dropout 层。
        l2: 隐藏层权重的 L2 正则化系数；``None`` 表示不加。
        activation: 隐藏层激活函数；``None`` 表示不加激活（网络整体是线性的）。
        input_size: 输入向量的长度。
        num_labels: 类别数。

    Returns:
        未编译的模型。
    """
    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(input_size,)))
    for units in hidden_units:
        regularizer = keras.regularizers.L2(l2) if l2 else None
        model.add(layers.Dense(units, kernel_regularizer=regularizer))
        if activation:
            model.add(layers.Activation(activation))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(layers.Dense(num_labels))
    model.add(layers.Activation("softmax"))
    return model


def build_cnn(
    filters: int = 64,
    kernel_size: int = 3,
    pool_size: int = 2,
    dropout: float = 0.2,
    input_shape: tuple[int, int, int] = (IMAGE_SIZE, IMAGE_SIZE, 1),
    num_labels: int = NUM_CLASSES,
) -> keras.Sequential:
    """卷积神经网络：3 个 Conv2D（前两个后接 MaxPooling2D），Flatten、Dropout，softmax 输出。

    Args:
        filters: 每个卷积层的卷积核个数。
        kernel_size: 卷积核边长。
        pool_size: 最大池化的窗口边长。
        dropout: Flatten 之后的 Dropout 比例。
        input_shape: 输入图像的形状。
        num_labels: 类别数。

    Returns:
        未编译的模型。
    """
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters, kernel_size, activation="relu"),
            layers.MaxPooling2D(pool_size),
            layers.Conv2D(filters, kernel_size, activation="relu"),
            layers.MaxPooling2D(pool_size),
            layers.Conv2D(filters, kernel_size, activation="relu"),
            layers.Flatten(),
            layers.Dropout(dropout),
            layers.Dense(num_labels, activation="softmax"),
        ],
        name="cnn",
    )


def build_rnn(
    units: int = 256,
    dropout: float = 0.2,
    input_shape: tuple[int, int] = (IMAGE_SIZE, IMAGE_SIZE),
    num_labels: int = NUM_CLASSES,
) -> keras.Sequential:
    """循环神经网络：一个 SimpleRNN 层读完 28 个时间步，再接 softmax 输出层。

    Args:
        units: SimpleRNN 的单元数。
        dropout: SimpleRNN 输入上的 Dropout 比例。
        input_shape: (时间步数, 每步特征数)。
        num_labels: 类别数。

    Returns:
        未编译的模型。
    """
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.SimpleRNN(units, dropout=dropout),
            layers.Dense(num_labels, activation="softmax"),
        ],
        name="rnn",
    )


BUILDERS = {"mlp": build_mlp, "cnn": build_cnn, "rnn": build_rnn}
"""模型类型到搭建函数的映射。"""
