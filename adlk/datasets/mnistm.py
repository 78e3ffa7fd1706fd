"""MNIST-M 风格的替代数据集：随包的 MNIST 数字与 scikit-image 自带的自由授权照片，32×32×3，10 类。

CIFAR-10 不能离线获得。第 2 章的记录运行改用这个数据集：它和 CIFAR-10 形状相同（32×32 彩色图、10 个类别），
``load_mnistm()`` 的返回值也与 ``keras.datasets.cifar10.load_data()`` 相同，所以书中的 ResNet、DenseNet
不必改动就能在它上面训练。构造方法沿用 Ganin 与 Lempitsky 的 MNIST-M：把数字（四周各补 2 个像素成 32×32）
与一张照片上随机截取的 32×32 块逐像素、逐通道相减取绝对值，

    out = |crop - digit|

数字笔画处颜色被反转，背景处保留照片本身的纹理。照片只取 scikit-image 自带、声明为 CC0 或公有领域
（public domain）的彩色照片（见 :data:`PHOTOS` 与 ``adlk/data/README.md``）。

生成是确定的：第 i 张图用哪张照片、在哪里截取，只由划分（训练或测试）和 i 决定，与档位无关；smoke 档位返回的
分层子集与完整数据集中对应的图逐字节相同。训练集和测试集用同一批照片，只是截取的位置不同，因此测试准确率
衡量的是对数字的泛化，而不是对新场景的泛化。
"""

from __future__ import annotations

import numpy as np

from adlk.datasets.mnist import DataFileError, load_mnist, stratified_subset
from adlk.profiles import Profile, get_profile

IMAGE_SIZE = 32
"""生成图像的边长（与 CIFAR-10 相同）。"""

PHOTOS: dict[str, tuple[str, int]] = {
    # 名称：(skimage.data 中的函数、缩小的整数倍数)；许可见 skimage/data/_fetchers.py 中各函数的说明
    "astronaut": ("astronaut", 1),                 # NASA，公有领域
    "chelsea": ("chelsea", 1),                     # Stefan van der Walt，CC0
    "coffee": ("coffee", 1),                       # Rachel Michetti，CC0
    "hubble_deep_field": ("hubble_deep_field", 2),  # NASA，公有领域
    "rocket": ("rocket", 1),                       # SpaceX，公有领域
    "retina": ("retina", 3),                       # Häggström，CC0 1.0
}
"""用作背景的照片：全部是 scikit-image 随包分发的彩色照片中声明为 CC0 或公有领域的那几张。
大照片先按整数倍数做块平均缩小（整数运算，结果与平台无关），让 32×32 的截块里有足够的纹理。"""

SEEDS = {"train": 20240601, "test": 20240602}
"""两个划分各自的随机种子：决定每张图的照片与截取位置。"""


def _shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """按整数倍数做块平均（向下取整），只用整数运算。"""
    if factor == 1:
        return image
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    blocks = image[:h, :w].astype(np.uint32).reshape(h // factor, factor, w // factor, factor, 3)
    return (blocks.sum(axis=(1, 3)) // (factor * factor)).astype(np.uint8)


def load_photos() -> list[np.ndarray]:
    """按 :data:`PHOTOS` 的顺序返回背景照片（uint8，H×W×3）。

    Raises:
        DataFileError: 没有安装 scikit-image；消息里给出安装命令。
    """
    try:
        import skimage.data
    except ImportError as exc:
        raise DataFileError("load_mnistm() needs the photos shipped with scikit-image; install it with "
                            "`pip install scikit-image` (it is a dependency of adlk)") from exc
    photos = []
    for name, (func, factor) in PHOTOS.items():
        image = np.asarray(getattr(skimage.data, func)())
        if image.ndim != 3 or image.shape[2] < 3:
            raise DataFileError(f"scikit-image photo {name!r} has shape {image.shape}, expected H×W×3")
        photos.append(_shrink(np.ascontiguousarray(image[..., :3], dtype=np.uint8), factor))
    return photos


def _placement(split: str, n: int, photos: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """第 0..n-1 张图的照片编号和截块左上角（只由划分和 n 决定）。"""
    rng = np.random.default_rng(SEEDS[split])
    which = rng.integers(0, len(photos), size=n)
    u = rng.random((n, 2))
    heights = np.array([p.shape[0] - IMAGE_SIZE + 1 for p in photos])
    widths = np.array([p.shape[1] - IMAGE_SIZE + 1 for p in photos])
    top = (u[:, 0] * heights[which]).astype(np.int64)
    left = (u[:, 1] * widths[which]).astype(np.int64)
    return which, top, left


def blend(digits: np.ndarray, crops: np.ndarray) -> np.ndarray:
    """MNIST-M 规则：``|crop - digit|``，逐通道。

    Args:
        digits: uint8，(N, 32, 32) 的灰度数字。
        crops: uint8，(N, 32, 32, 3) 的照片截块。

    Returns:
        uint8，(N, 32, 32, 3)。
    """
    return np.abs(crops.astype(np.int16) - digits[..., None].astype(np.int16)).astype(np.uint8)


def _make(split: str, digits28: np.ndarray, index: np.ndarray, n_total: int,
          photos: list[np.ndarray]) -> np.ndarray:
    which, top, left = _placement(split, n_total, photos)
    pad = (IMAGE_SIZE - digits28.shape[1]) // 2
    digits = np.pad(digits28, ((0, 0), (pad, pad), (pad, pad)))
    crops = np.empty((len(index), IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    for k, i in enumerate(index):
        t, l = top[i], left[i]
        crops[k] = photos[which[i]][t:t + IMAGE_SIZE, l:l + IMAGE_SIZE]
    return blend(digits, crops)


def load_mnistm(profile: str | Profile | None = None) -> tuple[tuple[np.ndarray, np.ndarray],
                                                                tuple[np.ndarray, np.ndarray]]:
    """生成 MNIST-M 风格的数据集，返回值的形式与 ``keras.datasets.cifar10.load_data()`` 相同。

    每次调用都从随包的 MNIST 和 scikit-image 的照片重新生成（完整数据约需几秒），结果是确定的。

    Args:
        profile: 档位名或 :class:`~adlk.profiles.Profile`；省略时读取 ``ADLK_PROFILE``。``smoke`` 档位返回
            每类前若干张的分层子集，与完整数据集中的对应图像相同。

    Returns:
        ``((x_train, y_train), (x_test, y_test))``：x 为 uint8、形状 (60000, 32, 32, 3) / (10000, 32, 32, 3)，
        y 为 uint8、形状 (N, 1)，标签就是数字 0–9，顺序与 MNIST 相同。

    Raises:
        DataFileError: MNIST 文件损坏，或没有安装 scikit-image。
        adlk.profiles.ProfileError: 档位名无效。
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    (x_train, y_train), (x_test, y_test) = load_mnist(profile="full")
    photos = load_photos()
    out = []
    for split, x, y, per_class in (("train", x_train, y_train, prof.train_per_class),
                                   ("test", x_test, y_test, prof.test_per_class)):
        index = np.arange(len(y)) if per_class is None else stratified_subset(y, per_class)
        images = _make(split, x[index], index, len(y), photos)
        out.append((images, y[index].astype(np.uint8).reshape(-1, 1)))
    return out[0], out[1]
