"""测试用的小生成器和小判别器：结构与书中的网络同类（输入、输出、标签的接法相同），参数少得多，一步只要几毫秒。"""

from __future__ import annotations

import keras
from keras import layers

LATENT = 8


def tiny_generator(num_labels: int | None = None) -> keras.Model:
    z = keras.Input(shape=(LATENT,))
    inputs = [z]
    x = z
    if num_labels:
        labels = keras.Input(shape=(num_labels,))
        inputs.append(labels)
        x = layers.concatenate([z, labels])
    x = layers.Dense(7 * 7 * 4)(x)
    x = layers.Reshape((7, 7, 4))(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(1, 3, strides=4, padding="same", activation="sigmoid")(x)
    return keras.Model(inputs if num_labels else z, x)


def tiny_discriminator(activation: str | None = "sigmoid", num_labels: int | None = None,
                       num_classes: int | None = None) -> keras.Model:
    image = keras.Input(shape=(28, 28, 1))
    inputs = [image]
    x = image
    if num_labels:
        labels = keras.Input(shape=(num_labels,))
        inputs.append(labels)
        y = layers.Reshape((28, 28, 1))(layers.Dense(784)(labels))
        x = layers.concatenate([x, y])
    x = layers.Conv2D(4, 3, strides=4, padding="same")(x)
    x = layers.Flatten()(layers.LeakyReLU(negative_slope=0.2)(x))
    source = layers.Dense(1, activation=activation)(x)
    outputs = source
    if num_classes:
        outputs = [source, layers.Dense(num_classes, activation="softmax")(x)]
    return keras.Model(inputs if num_labels else image, outputs)
