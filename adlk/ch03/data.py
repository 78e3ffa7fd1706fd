"""第 3 章的数据：加噪声的 MNIST（去噪自编码器）与按类别着色的 MNIST（着色自编码器的替代数据）。

书中的着色自编码器用 CIFAR-10；CIFAR-10 不能离线获得（``adlk.datasets.load_cifar10()`` 在没有网络时报错），
本站的记录运行改用 :func:`load_colored_mnist`：每个数字按类别涂上 10 种颜色之一，10 种颜色的亮度相同，
所以灰度图里没有任何颜色的线索，网络必须认出数字才能选对颜色。数据由随包分发的 MNIST 确定地生成。
"""

from __future__ import annotations

import numpy as np

from adlk.datasets import NUM_CLASSES, load_mnist
from adlk.profiles import Profile

GRAY_WEIGHTS = (0.299, 0.587, 0.114)
"""RGB 转灰度的权重（ITU-R BT.601，书中 ``rgb2gray`` 用的同一组）。"""

COLOR_IMAGE_SIZE = 32
"""着色数据的边长：MNIST 的 28×28 四周各补 2 个像素，与 CIFAR-10 的 32×32 相同。"""


def rgb2gray(rgb: np.ndarray) -> np.ndarray:
    """彩色图转灰度：``0.299 R + 0.587 G + 0.114 B``（最后一维是 RGB），返回 float64。"""
    return np.dot(rgb[..., :3], GRAY_WEIGHTS)


def class_palette(luma: float = 0.6, num_classes: int = 10) -> np.ndarray:
    """亮度（灰度值）相同、色相均匀分布的 num_classes 种颜色，uint8，形状 (num_classes, 3)。"""
    angles = 2 * np.pi * (np.arange(num_classes) + 3) / num_classes  # 从红色开始绕色相环一周
    cb, cr = np.cos(angles), np.sin(angles)
    # BT.601 的 YCbCr → RGB：亮度固定为 luma，只沿色度方向走
    direction = np.stack([1.402 * cr, -0.344136 * cb - 0.714136 * cr, 1.772 * cb], axis=1)
    room = np.where(direction > 0, (1 - luma) / np.maximum(direction, 1e-9), luma / np.maximum(-direction, 1e-9))
    chroma = room.min(axis=1, keepdims=True)  # 每种颜色取不越出 [0, 1] 的最大饱和度
    return np.round(255 * (luma + chroma * direction)).astype("uint8")


PALETTE = class_palette()
"""数字 0～9 的颜色（uint8 RGB）。"""


def color_digits(images: np.ndarray, labels: np.ndarray, palette: np.ndarray = PALETTE) -> np.ndarray:
    """把 28×28 的灰度数字补成 32×32，再按类别涂色：像素值 = 笔画强度 × 该类的颜色。

    Args:
        images: uint8，形状 (N, 28, 28)。
        labels: 整数标签，形状 (N,) 或 (N, 1)。
        palette: 每个类别的颜色，uint8，形状 (类别数, 3)。

    Returns:
        uint8，形状 (N, 32, 32, 3)：黑色背景上的彩色数字。

    Raises:
        ValueError: 形状不符或标签超出调色板的范围。
    """
    images = np.asarray(images)
    labels = np.asarray(labels).reshape(-1).astype(int)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"expected images of shape (N, H, W) and N labels, got {images.shape} and {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= len(palette)):
        raise ValueError(f"labels must lie in 0..{len(palette) - 1} (one colour per class), "
                         f"got {labels.min()}..{labels.max()}")
    pad = (COLOR_IMAGE_SIZE - images.shape[1]) // 2
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad))).astype("float32") / 255
    colors = np.asarray(palette, dtype="float32")[labels]  # (N, 3)
    return np.round(padded[..., None] * colors[:, None, None, :]).astype("uint8")


def load_colored_mnist(profile: str | Profile | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """按类别着色的 MNIST，返回值的形式与 ``keras.datasets.cifar10.load_data()`` 相同。

    Args:
        profile: 档位，见 :func:`adlk.datasets.load_mnist`（``smoke`` 返回分层小子集）。

    Returns:
        ``((x_train, y_train), (x_test, y_test))``：x 为 uint8、形状 (N, 32, 32, 3)，y 为 uint8、形状 (N, 1)。
    """
    (x_train, y_train), (x_test, y_test) = load_mnist(profile)
    return ((color_digits(x_train, y_train), y_train.reshape(-1, 1).astype("uint8")),
            (color_digits(x_test, y_test), y_test.reshape(-1, 1).astype("uint8")))


def add_noise(images: np.ndarray, seed: int, loc: float = 0.5, scale: float = 0.5) -> np.ndarray:
    """书中去噪自编码器的噪声：加上均值 ``loc``、标准差 ``scale`` 的高斯噪声，再截断到 [0, 1]。

    Args:
        images: [0, 1] 区间的 float 图像。
        seed: 随机种子（同一个种子给出同一份噪声）。
        loc: 噪声均值（书中 0.5）。
        scale: 噪声标准差（书中 0.5；书中还试了 0.75 和 1.0）。

    Returns:
        与 ``images`` 形状相同的 float32 数组。
    """
    rng = np.random.default_rng(seed)
    noise = rng.normal(loc=loc, scale=scale, size=images.shape)
    return np.clip(images + noise, 0.0, 1.0).astype("float32")


def psnr(reference: np.ndarray, estimate: np.ndarray, peak: float = 1.0) -> np.ndarray:
    """逐张图像的峰值信噪比 ``10 log10(peak² / MSE)``（分贝），图像放在第一维。"""
    reference = np.asarray(reference, dtype="float64")
    estimate = np.asarray(estimate, dtype="float64")
    mse = np.mean((reference - estimate) ** 2, axis=tuple(range(1, reference.ndim)))
    return 10 * np.log10(peak**2 / np.maximum(mse, 1e-12))


def color_votes(colored: np.ndarray, gray_digits: np.ndarray, palette: np.ndarray = PALETTE) -> np.ndarray:
    """从着色结果读出“网络涂的是哪一类的颜色”：笔画上的平均颜色离哪个类别的颜色最近。

    Args:
        colored: 网络输出，[0, 1] 区间，形状 (N, 32, 32, 3)。
        gray_digits: 对应的原始笔画强度（[0, 1]），形状 (N, 32, 32) 或 (N, 32, 32, 1)；大于 0.5 的像素算笔画。
        palette: 类别颜色。

    Returns:
        每张图被判成的类别，int，形状 (N,)。
    """
    strokes = np.asarray(gray_digits).reshape(len(colored), colored.shape[1], colored.shape[2]) > 0.5
    weights = strokes.astype("float64")
    count = np.maximum(weights.sum(axis=(1, 2)), 1.0)
    mean_color = np.einsum("nhw,nhwc->nc", weights, np.asarray(colored, dtype="float64")) / count[:, None]
    # 与“笔画平均强度 × 各类颜色”比较（背景为黑，笔画强度不是处处为 1）
    strength = np.einsum("nhw,nhw->n", weights, np.asarray(gray_digits, dtype="float64").reshape(weights.shape))
    strength = strength / count
    candidates = strength[:, None, None] * (np.asarray(palette, dtype="float64") / 255)[None]  # (N, K, 3)
    return np.argmin(((candidates - mean_color[:, None, :]) ** 2).sum(axis=2), axis=1)


__all__ = ["COLOR_IMAGE_SIZE", "GRAY_WEIGHTS", "PALETTE", "add_noise", "class_palette",
           "color_digits", "color_votes", "load_colored_mnist", "psnr", "rgb2gray"]
