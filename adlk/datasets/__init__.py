"""页面用到的数据集：离线 MNIST，CIFAR-10 的下载与缓存，以及它们的工具函数。

``from adlk.datasets import load_mnist`` 的返回值与 ``keras.datasets.mnist.load_data()`` 相同，数据随包分发、
不需要网络；``load_cifar10()`` 与 ``keras.datasets.cifar10.load_data()`` 相同，有网络时下载一次、校验后缓存。
``load_mnistm()`` 是第 2 章离线使用的替代数据集（形状与 CIFAR-10 相同），第 7 章也用它代替 ``load_svhn()``（SVHN 的官方 ``.mat`` 文件，离线时报错并给出替代数据）。
``load_digit_scenes()`` 是第 11、12 章的替代数据集（照片纹理背景上的多尺度数字场景，带边界框与逐像素掩码）；
``load_drinks()`` 读取书中 drinks 数据集的文件格式（数据需读者自备）。
``smoke`` 档位下它们都返回固定的分层小子集（见 :mod:`adlk.profiles`）。
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from adlk.datasets.cifar10 import CIFAR10_SHA256, load_cifar10
from adlk.datasets.mnist import (IMAGE_SIZE, MNIST_SHA256, NUM_CLASSES, DataFileError, load_mnist, mnist_path,
                                 one_hot, scale, stratified_subset)
from adlk.datasets.drinks import DrinksSet, load_drinks
from adlk.datasets.mnistm import load_mnistm
from adlk.datasets.scenes import Scenes, load_digit_scenes, make_scenes
from adlk.datasets.svhn import load_svhn, read_svhn_mat

__all__ = ["CIFAR10_SHA256", "DataFileError", "DrinksSet", "IMAGE_SIZE", "MNIST_SHA256", "NUM_CLASSES", "Scenes",
           "load_cifar10", "load_digit_scenes", "load_drinks", "load_mnist", "load_mnistm", "load_svhn", "make_scenes",
           "mnist_path", "one_hot", "read_svhn_mat", "scale", "stratified_subset"]

# 旧的导入路径（第 1 章的三种输入形式已移到 adlk.ch01）：暂时保留，给出提示
_MOVED = {"to_mlp_input": "adlk.ch01", "to_cnn_input": "adlk.ch01", "to_rnn_input": "adlk.ch01",
          "load_mnist_for": "adlk.ch01", "VIEWS": "adlk.ch01.data"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(f"adlk.datasets.{name} moved to {_MOVED[name]}.{name}; import it from there",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'adlk.datasets' has no attribute {name!r}")
