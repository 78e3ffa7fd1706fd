"""书中第 11、12 章的 drinks 数据集：读取书中的文件格式（图像 + CSV 标签，第 12 章另有掩码 ``.npy``）。

drinks（Atienza 拍摄的饮料照片，480×640，类别为 background、Water、Soda、Juice）不随本仓库分发，也不能
自动下载：它只放在网盘上（书的代码仓库 issue #9 给出的 https://bit.ly/adl2-ssd），没有校验和，也没有声明许可。
有这份数据的读者把 ``drinks.tar.gz`` 解压到 ``$ADLK_DATA/drinks``（默认 ``~/.cache/adlk/drinks``），或把目录
传给 ``path``，就能在书中的设置上运行第 11 章的代码。没有数据时立刻报错，消息里写明本站的替代数据集
:func:`adlk.datasets.load_digit_scenes`。

书中的格式（``chapter11-detection/label_utils.py``、``utils/json2csv.py``）：

- ``labels_train.csv`` / ``labels_test.csv``：第一行是表头 ``frame,xmin,xmax,ymin,ymax,class_id``，
  之后每行一个物体；坐标是像素，**顺序是 xmin, xmax, ymin, ymax**（不是 Keras 的 ``"xyxy"``）；
  类别 1–3，0 留给背景。宽或高为 0 的行、列数不对的行被跳过，没有任何物体的图被丢掉（与书中相同）；
  类别为 0 的行也被跳过（书中本意如此，但它拿字符串与 0 比较，这一判断实际不生效）。
- 第 12 章的 ``segmentation_train.npy`` / ``segmentation_test.npy``：``np.save`` 存下的字典
  ``{文件名: uint8 数组 (H, W, 1 + 类别数)}``，通道 0 是背景，其余通道逐类 0/1（``utils/generate_gt_segmentation.py``）。

读进来的边界框一律换成 Keras 的 ``"xyxy"`` 格式 ``(xmin, ymin, xmax, ymax)``，与 :mod:`adlk.datasets.scenes` 相同。
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from adlk.datasets.mnist import DataFileError

CLASS_NAMES = ["background", "Water", "Soda", "Juice"]
"""书中 ``config.py`` 的类别名（编号 0 是背景）。"""
HEADER = ["frame", "xmin", "xmax", "ymin", "ymax", "class_id"]
"""书中标签 CSV 的表头。"""
CACHE_ENV = "ADLK_DATA"
URL = "https://bit.ly/adl2-ssd"
SUBSTITUTE = ("Offline, use the substitute this site records its runs on: adlk.datasets.load_digit_scenes() "
              "(MNIST digits at several scales on photo-texture backgrounds, with boxes, classes and per-pixel "
              "masks).")


def default_dir() -> Path:
    """drinks 数据的默认目录：``$ADLK_DATA/drinks``，或 ``~/.cache/adlk/drinks``。"""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "adlk") / "drinks"


def read_labels(csv_path: str | Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """读书中格式的标签 CSV，返回 ``{文件名: (boxes (k, 4) float32 "xyxy", classes (k,) int32)}``。

    与书中 ``build_label_dictionary`` 的规则相同：跳过表头、列数不是 6 的行和宽或高为 0 的行，没有物体的图
    不出现在结果里。类别为 0 的行也跳过：书中 ``get_label_dictionary`` 本意如此，但它拿字符串与整数 0 比较，
    这一判断实际不生效。文件名按字母顺序排列。

    Raises:
        DataFileError: 文件不存在，或坐标、类别不是数。
    """
    path = Path(csv_path)
    if not path.is_file():
        raise DataFileError(f"drinks label file not found: {path}. {SUBSTITUTE}")
    labels: dict[str, list[tuple[list[float], int]]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 6:
            continue
        name, xmin, xmax, ymin, ymax, cls = (v.strip() for v in row)
        try:
            x0, x1, y0, y1, c = float(xmin), float(xmax), float(ymin), float(ymax), int(float(cls))
        except ValueError as exc:
            raise DataFileError(f"{path}:{line}: cannot read {row} as frame,xmin,xmax,ymin,ymax,class_id") from exc
        if x0 == x1 or y0 == y1 or c == 0:
            continue
        labels.setdefault(name, []).append(([x0, y0, x1, y1], c))
    return {name: (np.array([b for b, _ in objs], dtype=np.float32), np.array([c for _, c in objs], dtype=np.int32))
            for name, objs in sorted(labels.items())}


class DrinksSet:
    """书中格式的一个划分：图像按需从磁盘读取（480×640 的照片全部读进内存要近 1 GB）。

    与 :class:`adlk.datasets.scenes.Scenes` 有相同的读取接口：``len()``、``image(i)``、``objects(i)``，
    另有 ``mask(i)``（需要第 12 章的 ``segmentation_<split>.npy``）。
    """

    def __init__(self, root: Path, split: str, labels: dict[str, tuple[np.ndarray, np.ndarray]]):
        self.root, self.split, self.labels = root, split, labels
        self.filenames = list(labels)
        self._masks: dict | None = None

    def __len__(self) -> int:
        return len(self.filenames)

    def image(self, i: int) -> np.ndarray:
        """第 ``i`` 张图，uint8，H×W×3。"""
        from skimage.io import imread

        path = self.root / self.filenames[i]
        try:
            image = np.asarray(imread(path))
        except (OSError, ValueError) as exc:
            raise DataFileError(f"cannot read drinks image {path} ({exc})") from exc
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=-1)
        return image[..., :3].astype(np.uint8)

    def objects(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """第 ``i`` 张图的 ``(boxes (k, 4) "xyxy", classes (k,))``。"""
        return self.labels[self.filenames[i]]

    def mask(self, i: int) -> np.ndarray:
        """第 ``i`` 张图的逐像素类别编号（uint8，H×W，0 为背景），取自第 12 章的 ``segmentation_<split>.npy``。

        Raises:
            DataFileError: 没有这个文件，或其中没有这张图。
        """
        if self._masks is None:
            path = self.root / f"segmentation_{self.split}.npy"
            if not path.is_file():
                raise DataFileError(f"drinks segmentation masks not found: {path}")
            self._masks = np.load(path, allow_pickle=True).flat[0]
        name = self.filenames[i]
        if name not in self._masks:
            raise DataFileError(f"segmentation_{self.split}.npy has no mask for {name}")
        return np.argmax(self._masks[name], axis=-1).astype(np.uint8)


def load_drinks(split: str = "train", path: str | Path | None = None) -> DrinksSet:
    """打开书中格式的 drinks 数据的一个划分。

    Args:
        split: ``"train"`` 或 ``"test"``（读 ``labels_<split>.csv``）。
        path: 数据目录（图像与 CSV 所在处）；省略时用 :func:`default_dir`。

    Returns:
        :class:`DrinksSet`。

    Raises:
        DataFileError: 目录或标签文件不存在（消息里说明从哪里取得数据，以及离线时的替代数据集）。
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = Path(path) if path is not None else default_dir()
    csv_path = root / f"labels_{split}.csv"
    if not csv_path.is_file():
        raise DataFileError(f"the book's drinks dataset is not in {root} (no labels_{split}.csv). It cannot be "
                            f"downloaded automatically: get drinks.tar.gz from {URL} and extract it there, or pass "
                            f"path=. {SUBSTITUTE}")
    return DrinksSet(root, split, read_labels(csv_path))
