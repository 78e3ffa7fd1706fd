"""数字场景：第 11 章（目标检测）与第 12 章（语义分割）共用的离线替代数据集。

书中这两章用的 drinks 数据集（480×640 的照片，类别为背景、Water、Soda、Juice）不能离线获得。
这里用随包的 MNIST 合成检测场景：在一张照片纹理的背景上放几个大小不同、互不重叠的手写数字，
每张图给出每个数字的边界框（bounding box）、类别和逐像素的掩码（mask）。

构造规则（全部是整数或确定的浮点运算，结果与平台无关）：

1. 背景是 scikit-image 自带的自由授权照片上截取的一块（照片与 :mod:`adlk.datasets.mnistm` 相同）；
2. 每个数字先裁到笔画的外接矩形，再按双线性插值缩放到随机的高度（``min_scale``–``max_scale`` 倍画布边长，
   宽度保持原来的宽高比），放到随机位置；与已放好的数字的矩形相交（含 ``gap`` 像素的间隔）就重新抽位置；
3. 数字灰度 ``d`` 与背景按 MNIST-M 的规则混合：``out = |crop - d|``（逐通道）；
4. 掩码是 ``d >= 128``（即缩放到 [0, 1] 后不小于 0.5）的像素；边界框是掩码像素的外接矩形，
   用像素边界表示：``(xmin, ymin, xmax, ymax)``，``xmax - xmin`` 就是所占的列数（Keras 的 ``"xyxy"`` 格式）；
5. 类别编号 0 是背景，数字 ``k`` 的类别是 ``k + 1``（与书中 drinks 数据的约定相同：0 留给背景）。

训练场景只用 MNIST 训练集的数字，测试场景只用 MNIST 测试集的数字。第 ``i`` 张场景只由
``(seed, 划分, i)`` 决定，与一共生成多少张无关：smoke 档位返回的前几张与完整数据集的前几张逐字节相同。
训练与测试场景用同一批背景照片（截取位置不同），所以测试成绩衡量的是对新数字和新排布的泛化，
不是对新背景的泛化。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adlk.datasets.mnist import DataFileError, load_mnist
from adlk.profiles import Profile, get_profile

CLASS_NAMES = ["background"] + [str(d) for d in range(10)]
"""类别名：编号 0 是背景，编号 ``k + 1`` 是数字 ``k``。"""
NUM_CLASSES = len(CLASS_NAMES)
"""包括背景在内的类别数（11）。"""
SPLITS = {"train": 0, "test": 1}
SEED = 20261206
"""默认随机种子。"""
MASK_THRESHOLD = 128
"""数字灰度（0–255）不小于这个值的像素属于掩码。"""
SIZES = {"full": (10000, 1000), "smoke": (64, 32)}
"""各档位默认的 (训练场景数, 测试场景数)。"""


@dataclass(frozen=True)
class Scenes:
    """一批数字场景。每张图最多 ``K`` 个物体，不足的位置用 -1 填充（类别填 -1 与 Keras 的稠密边界框相同；Keras 的框填 0，这里的框也填 -1）。

    Attributes:
        images: uint8，(N, H, W, 3)。
        boxes: float32，(N, K, 4)，``"xyxy"`` 格式的像素坐标 ``(xmin, ymin, xmax, ymax)``；空位为 -1。
        classes: int32，(N, K)，物体的类别编号 1–10（数字 + 1）；空位为 -1。
        masks: uint8，(N, H, W)，逐像素的类别编号（0 为背景）。
        digits: int64，(N, K)，每个物体取自 MNIST 对应划分的第几张图；空位为 -1。
        split: ``"train"`` 或 ``"test"``。
        seed: 生成用的随机种子。
    """

    images: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    masks: np.ndarray
    digits: np.ndarray
    split: str
    seed: int

    def __len__(self) -> int:
        return len(self.images)

    def image(self, i: int) -> np.ndarray:
        """第 ``i`` 张图（uint8，H×W×3）。"""
        return self.images[i]

    def objects(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """第 ``i`` 张场景的物体：``(boxes (k, 4), classes (k,))``，去掉了填充。"""
        keep = self.classes[i] >= 0
        return self.boxes[i][keep], self.classes[i][keep]

    def subset(self, index) -> "Scenes":
        """按下标取一部分场景（下标可以是切片、整数数组或布尔数组）。"""
        return Scenes(self.images[index], self.boxes[index], self.classes[index], self.masks[index],
                      self.digits[index], self.split, self.seed)

    def keras_boxes(self) -> dict[str, np.ndarray]:
        """Keras 边界框字典 ``{"boxes", "labels"}``（``keras.visualization.draw_bounding_boxes`` 的输入）。"""
        return {"boxes": self.boxes, "labels": self.classes}


def resize_linear(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """双线性缩放（像素中心对齐，边缘取最近的像素），返回 float64。

    用两个插值矩阵实现：``out = A @ image @ B.T``，``A`` 是 (height, H)、``B`` 是 (width, W)。
    """
    def weights(n_out: int, n_in: int) -> np.ndarray:
        pos = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        pos = np.clip(pos, 0, n_in - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = pos - lo
        w = np.zeros((n_out, n_in))
        rows = np.arange(n_out)
        np.add.at(w, (rows, lo), 1.0 - frac)
        np.add.at(w, (rows, hi), frac)
        return w

    a = weights(height, image.shape[0])
    b = weights(width, image.shape[1])
    return a @ image.astype(np.float64) @ b.T


def render_digit(digit: np.ndarray, height: int) -> np.ndarray:
    """把一个 28×28 的 MNIST 数字裁到笔画的外接矩形，再缩放到 ``height`` 行，返回 uint8 灰度块。

    宽度按原来的宽高比取整（至少 2 列）。
    """
    rows = np.flatnonzero(digit.max(axis=1) > 0)
    cols = np.flatnonzero(digit.max(axis=0) > 0)
    ink = digit[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    width = max(2, int(round(height * ink.shape[1] / ink.shape[0])))
    return np.clip(np.rint(resize_linear(ink, height, width)), 0, 255).astype(np.uint8)


def _crop(photos: list[np.ndarray], rng: np.random.Generator, size: int) -> np.ndarray:
    photo = photos[int(rng.integers(len(photos)))]
    top = int(rng.integers(photo.shape[0] - size + 1))
    left = int(rng.integers(photo.shape[1] - size + 1))
    return photo[top:top + size, left:left + size]


def make_scenes(n: int, split: str = "train", size: int = 64, *, seed: int = SEED, min_digits: int = 1,
                max_digits: int = 3, min_scale: float = 0.2, max_scale: float = 0.6, gap: int = 1,
                tries: int = 50, mnist=None, photos: list[np.ndarray] | None = None) -> Scenes:
    """生成 ``n`` 张 ``size``×``size`` 的数字场景（见模块说明）。

    Args:
        n: 场景数。
        split: ``"train"`` 用 MNIST 训练集的数字，``"test"`` 用测试集的数字。
        size: 画布边长（像素）。
        seed: 随机种子；第 ``i`` 张场景只由 ``(seed, split, i)`` 决定。
        min_digits: 每张场景最少的数字个数。
        max_digits: 每张场景最多的数字个数。放不下时（``tries`` 次都与已有的数字相交）少放一个，
            但每张场景至少有一个数字。
        min_scale: 数字笔画高度占画布边长的最小比例。
        max_scale: 数字笔画高度占画布边长的最大比例。
        gap: 两个数字的矩形之间至少留出的像素数。
        tries: 每个数字最多抽多少次位置。
        mnist: ``load_mnist("full")`` 的返回值（省略时读取随包的 MNIST）。
        photos: 背景照片（省略时用 :func:`adlk.datasets.mnistm.load_photos`）。

    Returns:
        :class:`Scenes`。

    Raises:
        ValueError: 参数不合理（例如最大的数字放不进画布）。
        DataFileError: MNIST 文件损坏，或没有安装 scikit-image。
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if not (1 <= min_digits <= max_digits):
        raise ValueError(f"need 1 <= min_digits <= max_digits, got {min_digits}, {max_digits}")
    if not (0 < min_scale <= max_scale <= 1):
        raise ValueError(f"need 0 < min_scale <= max_scale <= 1, got {min_scale}, {max_scale}")
    if photos is None:
        from adlk.datasets.mnistm import load_photos
        photos = load_photos()
    if min(min(p.shape[:2]) for p in photos) < size:
        raise ValueError(f"a background photo is smaller than the {size}x{size} canvas")
    (x_train, y_train), (x_test, y_test) = mnist if mnist is not None else load_mnist(profile="full")
    x, y = (x_train, y_train) if split == "train" else (x_test, y_test)
    lo, hi = max(4, int(round(min_scale * size))), max(4, int(round(max_scale * size)))

    images = np.empty((n, size, size, 3), dtype=np.uint8)
    masks = np.zeros((n, size, size), dtype=np.uint8)
    boxes = np.full((n, max_digits, 4), -1, dtype=np.float32)
    classes = np.full((n, max_digits), -1, dtype=np.int32)
    digits = np.full((n, max_digits), -1, dtype=np.int64)
    for i in range(n):
        rng = np.random.default_rng([seed, SPLITS[split], i])
        crop = _crop(photos, rng, size)
        canvas = np.zeros((size, size), dtype=np.uint8)
        placed: list[tuple[int, int, int, int]] = []
        want = int(rng.integers(min_digits, max_digits + 1))
        for _ in range(want):
            index = int(rng.integers(len(x)))
            patch = render_digit(x[index], int(rng.integers(lo, hi + 1)))
            ph, pw = patch.shape
            if pw > size:  # 很宽的数字：按宽度重新缩放
                patch = render_digit(x[index], max(4, ph * size // pw))
                ph, pw = patch.shape
            for _ in range(tries):
                top, left = int(rng.integers(size - ph + 1)), int(rng.integers(size - pw + 1))
                if all(top + ph + gap <= t or t + h + gap <= top or left + pw + gap <= l or l + w + gap <= left
                       for t, l, h, w in placed):
                    break
            else:
                continue
            ink = patch >= MASK_THRESHOLD
            if not ink.any():
                continue
            k = len(placed)
            placed.append((top, left, ph, pw))
            canvas[top:top + ph, left:left + pw] = patch
            masks[i, top:top + ph, left:left + pw][ink] = y[index] + 1
            rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            boxes[i, k] = (left + cols[0], top + rows[0], left + cols[-1] + 1, top + rows[-1] + 1)
            classes[i, k] = y[index] + 1
            digits[i, k] = index
        if not placed:  # 画布太小而第一个数字都放不下：不会发生在合理的参数下
            raise ValueError(f"scene {i}: no digit fits a {size}x{size} canvas with these scales")
        images[i] = np.abs(crop.astype(np.int16) - canvas[..., None].astype(np.int16)).astype(np.uint8)
    return Scenes(images, boxes, classes, masks, digits, split, seed)


def one_hot_masks(masks: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """逐像素类别编号 → 书中第 12 章的掩码格式：最后一维是 ``num_classes`` 个通道的 0/1 独热编码（通道 0 是背景）。"""
    return (masks[..., None] == np.arange(num_classes)).astype(np.uint8)


def load_digit_scenes(profile: str | Profile | None = None, size: int = 64, *, seed: int = SEED,
                      n_train: int | None = None, n_test: int | None = None,
                      **options) -> tuple[Scenes, Scenes]:
    """训练与测试两组数字场景。

    Args:
        profile: 档位名或 :class:`~adlk.profiles.Profile`；省略时读取 ``ADLK_PROFILE``。决定默认的场景数
            （见 :data:`SIZES`）；smoke 档位的场景是完整档位的前几张。
        size: 画布边长。
        seed: 随机种子。
        n_train: 训练场景数（省略时按档位取默认值）。
        n_test: 测试场景数（省略时按档位取默认值）。
        **options: 传给 :func:`make_scenes` 的其他参数（``max_digits``、``min_scale`` 等）。

    Returns:
        ``(train, test)``，两个 :class:`Scenes`。
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    default = SIZES["full" if prof.is_full else "smoke"]
    mnist = load_mnist(profile="full")
    from adlk.datasets.mnistm import load_photos
    photos = load_photos()
    train = make_scenes(default[0] if n_train is None else n_train, "train", size, seed=seed, mnist=mnist,
                        photos=photos, **options)
    test = make_scenes(default[1] if n_test is None else n_test, "test", size, seed=seed, mnist=mnist,
                       photos=photos, **options)
    return train, test


__all__ = ["CLASS_NAMES", "DataFileError", "MASK_THRESHOLD", "NUM_CLASSES", "SEED", "Scenes", "load_digit_scenes",
           "make_scenes", "one_hot_masks", "render_digit", "resize_linear"]
