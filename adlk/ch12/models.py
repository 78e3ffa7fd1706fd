"""FCN：第 2 章的 ResNet v2 作骨干，几种步长的特征经 PSPNet 式的金字塔汇合，转置卷积回到原尺寸（书中 ``resnet.py``、``model.py``）。"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from adlk.ch02.models import resnet_v2


def conv_layer(inputs, filters: int = 32, kernel_size: int = 3, strides: int = 1, name: str = ""):
    """书中第 12 章的 ``conv_layer``（``use_maxpool=False``）：Conv2D（He 正态初始化、``same`` 填充）→ BN → ReLU。"""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", kernel_initializer="he_normal",
                      name=f"conv_{name}")(inputs)
    x = layers.BatchNormalization(name=f"bn_{name}")(x)
    return layers.ReLU(name=f"relu_{name}")(x)


def tconv_layer(inputs, filters: int = 32, kernel_size: int = 3, strides: int = 2, name: str = ""):
    """书中 ``tconv_layer``：Conv2DTranspose（步长 2，``same`` 填充，边长加倍）→ BN → ReLU。"""
    x = layers.Conv2DTranspose(filters, kernel_size, strides=strides, padding="same", kernel_initializer="he_normal",
                               name=f"tconv_{name}")(inputs)
    x = layers.BatchNormalization(name=f"bn_{name}")(x)
    return layers.ReLU(name=f"relu_{name}")(x)


def build_backbone(input_shape: Sequence[int], n_layers: int = 3, n: int = 6, filters: int = 512) -> keras.Model:
    """FCN 的主干：ResNet v2（深度 :math:`9n+2`，书中 ``n=6`` 即 ResNet56v2）加上特征金字塔（书中 ``features_pyramid``）。

    取第 2 章 :func:`adlk.ch02.resnet_v2` 在最后的 BN–ReLU 之后的输出（步长 4，256 个通道）作第一个特征图；
    2×2 平均池化得到第二个（步长 8）；之后 ``n_layers - 1`` 次步长 2 的 :func:`conv_layer`（``filters`` 个滤波器，
    书中 512）各再缩小一半。与第 11 章 :func:`adlk.ch11.build_backbone` 不同：那里用 4×4 池化、从步长 16 开始，
    且不输出步长 4 的特征。

    Returns:
        输出为 ``n_layers + 1`` 个特征图（步长 4、8、16、……）的模型。
    """
    classifier = resnet_v2(9 * n + 2, input_shape=tuple(input_shape))
    pool = next(layer for layer in classifier.layers if isinstance(layer, layers.AveragePooling2D))
    x = pool.input  # BN → ReLU 之后的特征，步长 4
    conv = layers.AveragePooling2D(pool_size=2, name="pool1")(x)
    outputs = [x, conv]
    for i in range(n_layers - 1):
        conv = conv_layer(conv, filters, kernel_size=3, strides=2, name=f"layer{i + 2}")
        outputs.append(conv)
    return keras.Model(classifier.input, outputs, name=f"ResNet{9 * n + 2}v2")


def build_fcn(input_shape: Sequence[int], backbone: keras.Model, n_classes: int = 4, filters: int = 256,
              pyramid: bool = True) -> keras.Model:
    """书中 ``build_fcn``：在主干的特征金字塔上做逐像素分类。

    主干的第一个特征图（步长 4）原样保留；其余每个（步长 8、16、……）先经 ``filters`` 个滤波器的
    :func:`conv_layer`（书中 256），再用双线性插值的 ``UpSampling2D`` 放大到步长 4（放大倍数 2、4、8……）；
    全部沿通道拼接后，两次 :func:`tconv_layer`（``filters`` 个滤波器，各放大 2 倍）回到输入的尺寸，
    最后 1×1 的 Conv2DTranspose 给出 ``n_classes`` 个通道，逐像素 softmax。

    Args:
        input_shape: 输入图像的形状（边长须能被主干的最大步长整除）。
        backbone: :func:`build_backbone` 的模型。
        n_classes: 类别数（含背景）。
        filters: 金字塔各层卷积与两个转置卷积的滤波器数（书中 256）。
        pyramid: ``False`` 时只用步长 4 的特征（去掉金字塔的对照）。

    Returns:
        输出为 ``(batch, H, W, n_classes)`` 的逐像素概率的模型。
    """
    if not pyramid:  # 只保留通向步长 4 特征的层：金字塔的层不进模型（也就没有收不到梯度的权重）
        backbone = keras.Model(backbone.input, backbone.outputs[0], name=backbone.name)
    inputs = keras.Input(shape=tuple(input_shape))
    features = backbone(inputs)
    features = features if isinstance(features, (list, tuple)) else [features]
    main = features[0]
    out = [main]
    if pyramid:
        for feature in features[1:]:
            size = int(main.shape[1]) // int(feature.shape[1])
            name = f"fcn_{size * 4}"
            feature = conv_layer(feature, filters, name=name)
            out.append(layers.UpSampling2D(size=size, interpolation="bilinear", name=f"{name}_up2d")(feature))
    x = layers.Concatenate(name="pyramid")(out) if len(out) > 1 else main
    x = tconv_layer(x, filters, name="up_x2")
    x = tconv_layer(x, filters, name="up_x4")
    x = layers.Conv2DTranspose(n_classes, 1, strides=1, padding="same", kernel_initializer="he_normal",
                               name="pre_activation")(x)
    x = layers.Softmax(name="segmentation")(x)
    return keras.Model(inputs, x, name="fcn" if pyramid else "fcn_no_pyramid")


def lr_schedule(epoch: int, epochs: int = 100) -> float:
    """书中第 12 章的 ``lr_scheduler``：1e-3，第 40、60、80 轮之后分别为 1e-3 的 0.5、0.1、0.05 倍。

    ``epochs`` 不是 100 时，把这些节点按比例缩放（``epochs=100`` 时与书中相同）。
    """
    for boundary, factor in ((80, 5e-2), (60, 1e-1), (40, 5e-1)):
        if epoch > boundary * epochs / 100:
            return 1e-3 * factor
    return 1e-3
