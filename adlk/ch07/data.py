"""第 7 章的两对域：都由随包的 MNIST 确定地生成，离线可得，两个域取自 MNIST 不相交的两半，没有成对的样本。

书中的两个实验用 CIFAR-10（灰度 ↔ 彩色）和 MNIST ↔ SVHN，两者都不能离线获得（``adlk.datasets.load_cifar10()``、
``adlk.datasets.load_svhn()`` 在没有网络时报错）。本站的替代：

- :func:`load_mnist_mnistm`：MNIST（28×28 四周补 0 成 32×32，1 个通道）↔ MNIST-M 风格的数字
  （``adlk.datasets.load_mnistm()``，数字与照片截块逐像素相减取绝对值，32×32×3），代替 MNIST ↔ SVHN；
- :func:`load_grey_colour`：灰度数字 ↔ 按类别着色的数字（第 3 章着色自编码器的替代数据
  ``adlk.ch03.load_colored_mnist()``，10 种颜色亮度相同），代替 CIFAR-10 的灰度 ↔ 彩色。

训练集按固定的随机排列分成两半：前一半只用作源域，后一半只用作目标域，同一个数字不会同时出现在两个域里。
测试集同样分半；灰度 ↔ 彩色的测试集另外保留每张图的两个版本（:attr:`Domains.test_target_pair`），
只用来给翻译结果打分，从不参与训练。标签同样只用来打分。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adlk.profiles import Profile, get_profile

SPLIT_SEED = 20_261_206
"""把训练集、测试集各分成两半的随机排列的种子。"""


@dataclass
class Domains:
    """一对域的训练与测试图像（uint8，N×32×32×C），以及只用于打分的标签。

    Attributes:
        source, target: 两个域的训练图像，取自 MNIST 不相交的两半。
        test_source, test_target: 两个域的测试图像（同样不相交）。
        test_source_labels, test_target_labels: 测试图像的数字（0–9），只用于打分。
        test_target_pair: ``test_source`` 的每张图在目标域里的那个版本（只有两个域由同一张图派生时才有：
            灰度 ↔ 彩色），只用于打分；否则为 ``None``。
        test_source_digits: ``test_source`` 对应的原始 MNIST 笔画（[0, 1]，32×32），找笔画上的颜色时用。
        names: 两个域的中文名称。
    """

    source: np.ndarray
    target: np.ndarray
    test_source: np.ndarray
    test_target: np.ndarray
    test_source_labels: np.ndarray
    test_target_labels: np.ndarray
    test_target_pair: np.ndarray | None
    test_source_digits: np.ndarray
    names: tuple[str, str]


def pad32(digits: np.ndarray) -> np.ndarray:
    """28×28 的数字四周各补 2 个 0，成 (N, 32, 32, 1)（书中 ``mnist_svhn_utils.load_data`` 的做法）。"""
    return np.pad(np.asarray(digits), ((0, 0), (2, 2), (2, 2)))[..., None]


def halves(n: int, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """0..n-1 按固定的随机排列分成两半，返回两组升序的下标（第一组多出的一个归第一组）。"""
    order = np.random.default_rng(seed).permutation(n)
    cut = (n + 1) // 2
    return np.sort(order[:cut]), np.sort(order[cut:])


def load_mnist_mnistm(profile: str | Profile | None = None) -> Domains:
    """MNIST ↔ MNIST-M 风格数字（代替书中的 MNIST ↔ SVHN）：源域 1 个通道，目标域 3 个通道。"""
    from adlk.datasets import load_mnist, load_mnistm

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    (x_train, y_train), (x_test, y_test) = load_mnist(profile=prof)
    (m_train, my_train), (m_test, my_test) = load_mnistm(profile=prof)
    if not (np.array_equal(y_train, my_train[:, 0]) and np.array_equal(y_test, my_test[:, 0])):
        raise ValueError("load_mnist and load_mnistm returned different digits; they must follow the same order")
    a, b = halves(len(y_train))
    ta, tb = halves(len(y_test))
    return Domains(source=pad32(x_train[a]), target=m_train[b], test_source=pad32(x_test[ta]),
                   test_target=m_test[tb], test_source_labels=y_test[ta].astype(np.int64),
                   test_target_labels=y_test[tb].astype(np.int64), test_target_pair=None,
                   test_source_digits=pad32(x_test[ta])[..., 0].astype("float32") / 255,
                   names=("MNIST", "MNIST-M 风格"))


def to_grey(colour: np.ndarray) -> np.ndarray:
    """彩色图 → 灰度图（书中 ``rgb2gray`` 的 BT.601 权重），四舍五入成 uint8，形状 (N, 32, 32, 1)。"""
    from adlk.ch03 import rgb2gray

    return np.clip(np.round(rgb2gray(np.asarray(colour, dtype="float64"))), 0, 255).astype(np.uint8)[..., None]


def load_grey_colour(profile: str | Profile | None = None) -> Domains:
    """灰度数字 ↔ 按类别着色的数字（代替书中 CIFAR-10 的灰度 ↔ 彩色）：源域灰度，目标域彩色。

    彩色图是第 3 章的 ``load_colored_mnist()``：数字 c 的笔画涂成第 c 种颜色，10 种颜色的亮度都是 0.6，
    所以灰度图与类别无关，看不出颜色；要涂对颜色，生成器只能从数字的形状认出它是几。
    """
    from adlk.ch03 import load_colored_mnist
    from adlk.datasets import load_mnist

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    (c_train, y_train), (c_test, y_test) = load_colored_mnist(prof)
    (_, _), (x_test, _) = load_mnist(profile=prof)
    a, b = halves(len(y_train))
    ta, tb = halves(len(y_test))
    labels = y_test[:, 0].astype(np.int64)
    return Domains(source=to_grey(c_train[a]), target=c_train[b], test_source=to_grey(c_test[ta]),
                   test_target=c_test[tb], test_source_labels=labels[ta], test_target_labels=labels[tb],
                   test_target_pair=c_test[ta], test_source_digits=pad32(x_test[ta])[..., 0].astype("float32") / 255,
                   names=("灰度", "彩色"))


__all__ = ["Domains", "SPLIT_SEED", "halves", "load_grey_colour", "load_mnist_mnistm", "pad32", "to_grey"]
