"""第 1 章的三种输入形式：同一批 MNIST 图像，分别整理成 MLP、CNN、RNN 需要的形状。"""

from __future__ import annotations

import numpy as np

from adlk.datasets import IMAGE_SIZE, load_mnist, one_hot, scale
from adlk.profiles import Profile


def to_mlp_input(images: np.ndarray) -> np.ndarray:
    """MLP 的输入：每张图展平成 784 维向量，缩放到 [0, 1]。"""
    return scale(images).reshape(len(images), -1)


def to_cnn_input(images: np.ndarray) -> np.ndarray:
    """CNN 的输入：28×28×1 的单通道图像，缩放到 [0, 1]。"""
    return scale(images).reshape(len(images), IMAGE_SIZE, IMAGE_SIZE, 1)


def to_rnn_input(images: np.ndarray) -> np.ndarray:
    """RNN 的输入：28 个时间步，每步 28 个特征（图像的一行），缩放到 [0, 1]。"""
    return scale(images).reshape(len(images), IMAGE_SIZE, IMAGE_SIZE)


VIEWS = {"mlp": to_mlp_input, "cnn": to_cnn_input, "rnn": to_rnn_input}
"""三种输入形式，按模型类型索引。"""


def load_mnist_for(
    view: str, profile: str | Profile | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """加载 MNIST 并整理成某种模型的输入：``view`` 为 ``"mlp"``、``"cnn"`` 或 ``"rnn"``。

    Args:
        view: 输入形式。
        profile: 档位，见 :func:`load_mnist`。

    Returns:
        ``((x_train, y_train), (x_test, y_test))``，x 为 float32，y 为 one-hot。

    Raises:
        ValueError: ``view`` 不是已知形式。
    """
    if view not in VIEWS:
        raise ValueError(f"unknown input view {view!r}; valid views: {', '.join(VIEWS)}")
    prepare = VIEWS[view]
    (x_train, y_train), (x_test, y_test) = load_mnist(profile)
    return (prepare(x_train), one_hot(y_train)), (prepare(x_test), one_hot(y_test))
