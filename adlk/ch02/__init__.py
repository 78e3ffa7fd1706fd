"""第 2 章 深度神经网络：函数式 API、Y 形网络、ResNet v1 / v2 与 DenseNet-BC。

- 2.1 节（函数式 API）：:func:`build_cnn_functional`；
- 2.2 节（Y 形网络与扩张卷积）：:func:`build_y_network`、:func:`receptive_field`；
- 2.3 节（ResNet v1）：:func:`resnet_layer`、:func:`resnet_v1`、:func:`resnet`、:func:`lr_schedule`、
  :func:`augmentation`；2.4 节（ResNet v2）：:func:`resnet_v2`；
- 2.5 节（DenseNet-BC）：:func:`densenet_bc`。

完整的 200 轮训练是 ``python -m adlk.ch02.train``（:mod:`adlk.ch02.train`）。对比表与插图分别在
``adlk.ch02.experiments`` 和 ``adlk.ch02.figures`` 里，``import adlk.ch02`` 不会导入它们。
"""

from adlk.ch02.models import (BUILDERS, augmentation, build_cnn_functional, build_y_network, densenet_bc,
                              lr_schedule, receptive_field, resnet, resnet_layer, resnet_v1, resnet_v2)

__all__ = ["BUILDERS", "augmentation", "build_cnn_functional", "build_y_network", "densenet_bc", "lr_schedule",
           "receptive_field", "resnet", "resnet_layer", "resnet_v1", "resnet_v2"]
