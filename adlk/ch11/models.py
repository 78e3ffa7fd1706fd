"""SSD 模型：第 2 章的 ResNet v2 作骨干，加上多尺度特征层与每层的类别、偏移量预测头（书中 ``resnet.py``、``model.py``）。"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from adlk.ch02.models import resnet_v2
from adlk.ch11.boxes import ASPECT_RATIOS


def conv_layer(inputs, filters: int = 32, kernel_size: int = 3, strides: int = 1, name: str = ""):
    """书中 ``conv_layer``：Conv2D（He 正态初始化、``same`` 填充）→ BN → ELU。"""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", kernel_initializer="he_normal",
                      name=f"conv{name}")(inputs)
    x = layers.BatchNormalization(name=f"bn{name}")(x)
    return layers.ELU(name=f"elu{name}")(x)


def build_backbone(input_shape: Sequence[int], n_layers: int = 4, n: int = 6) -> keras.Model:
    """SSD 的骨干：ResNet v2（深度 :math:`9n+2`，书中 ``n=6`` 即 ResNet56v2）加上 ``n_layers`` 个特征层。

    取第 2 章 :func:`adlk.ch02.resnet_v2` 在最后的 BN–ReLU 之后的输出（步长 4），经 4×4 平均池化得到第一个
    特征层（步长 16）；之后每层用步长 2 的 :func:`conv_layer` 再缩小一半，滤波器 64、128、……（书中 ``resnet.py``）。

    Returns:
        输出为 ``n_layers`` 个特征图的模型（``n_layers == 1`` 时为一个）。
    """
    classifier = resnet_v2(9 * n + 2, input_shape=tuple(input_shape))
    pool = next(layer for layer in classifier.layers if isinstance(layer, layers.AveragePooling2D))
    x = pool.input  # BN → ReLU 之后的特征
    conv = layers.AveragePooling2D(pool_size=4, name="pool1")(x)
    outputs = [conv]
    filters = 64
    for i in range(n_layers - 1):
        conv = conv_layer(conv, filters, kernel_size=3, strides=2, name=f"_layer{i + 2}")
        outputs.append(conv)
        filters *= 2
    return keras.Model(classifier.input, outputs if n_layers > 1 else outputs[0], name=f"ResNet{9 * n + 2}v2")


def build_ssd(input_shape: Sequence[int], backbone: keras.Model, n_layers: int = 4, n_classes: int = 4,
              aspect_ratios: Sequence[float] = ASPECT_RATIOS) -> tuple[int, list[tuple[int, int, int]], keras.Model]:
    """在骨干的每个特征层上加 3×3 卷积的类别头与偏移量头（书中 ``build_ssd``）。

    第 ``i`` 层的类别头输出 ``n_anchors * n_classes`` 个通道，Reshape 成 ``(batch, fh*fw*n_anchors, n_classes)``
    后做 softmax；偏移量头输出 ``n_anchors * 4`` 个通道，Reshape 成 ``(batch, fh*fw*n_anchors, 4)``。
    各层的结果沿锚框轴拼接。

    Returns:
        ``(n_anchors, feature_shapes, model)``：每个特征点的锚框数、各特征层的 ``(fh, fw, 通道)``、
        输出为 ``[classes (batch, A, n_classes), offsets (batch, A, 4)]`` 的模型。
    """
    n_anchors = len(aspect_ratios) + 1
    inputs = keras.Input(shape=tuple(input_shape))
    features = backbone(inputs)
    features = features if isinstance(features, (list, tuple)) else [features]
    out_cls, out_off, shapes = [], [], []
    for i, conv in enumerate(features[:n_layers]):
        cls = layers.Conv2D(n_anchors * n_classes, 3, padding="same", kernel_initializer="he_normal",
                            name=f"cls{i + 1}")(conv)
        off = layers.Conv2D(n_anchors * 4, 3, padding="same", kernel_initializer="he_normal", name=f"off{i + 1}")(conv)
        shapes.append(tuple(int(d) for d in off.shape[1:]))
        cls = layers.Reshape((-1, n_classes), name=f"cls_res{i + 1}")(cls)
        out_cls.append(layers.Activation("softmax", name=f"cls_out{i + 1}")(cls))
        out_off.append(layers.Reshape((-1, 4), name=f"off_res{i + 1}")(off))
    if len(features) > 1:
        classes = layers.Concatenate(axis=1, name="classes")(out_cls)
        offsets = layers.Concatenate(axis=1, name="offsets")(out_off)
    else:
        classes = layers.Identity(name="classes")(out_cls[0])
        offsets = layers.Identity(name="offsets")(out_off[0])
    model = keras.Model(inputs, [classes, offsets], name="ssd_head")
    return n_anchors, shapes, model


def lr_schedule(epoch: int, epochs: int = 200) -> float:
    """书中 ``lr_scheduler``：1e-3，在第 60、80、……、200 轮之后依次乘 0.5、0.1、0.05、0.01、0.005、0.001、5e-4、1e-4。

    轮次从 0 数起，200 轮的训练里最后一档（第 200 轮之后）用不到。``epochs`` 不是 200 时，把这些节点按比例缩放
    （``epochs=200`` 时与书中相同）。
    """
    factors = [(200, 1e-4), (180, 5e-4), (160, 1e-3), (140, 5e-3), (120, 1e-2), (100, 5e-2), (80, 1e-1), (60, 5e-1)]
    for boundary, factor in factors:
        if epoch > boundary * epochs / 200:
            return 1e-3 * factor
    return 1e-3
