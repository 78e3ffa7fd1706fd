"""FCN 的训练数据：``keras.utils.PyDataset``，每批给出图像与书中格式的独热掩码（书中 ``data_generator.py``）。"""

from __future__ import annotations

import keras
import numpy as np


def class_map(dataset, i: int) -> np.ndarray:
    """数据集第 ``i`` 张图的逐像素类别编号（H×W，0 为背景）。

    :class:`adlk.datasets.DrinksSet` 用它的 ``mask(i)``（读书中的 ``segmentation_<split>.npy``），
    :class:`adlk.datasets.Scenes` 用它的 ``masks`` 数组。
    """
    return np.asarray(dataset.mask(i) if hasattr(dataset, "mask") else dataset.masks[i])


class SegmentationData(keras.utils.PyDataset):
    """一批批地给出 ``(图像, 独热掩码)``：图像缩放到 [0, 1]（书中 ``skimage.img_as_float``），
    掩码是 ``n_classes`` 个通道的 0/1 编码（书中第 12 章的格式，:func:`adlk.datasets.one_hot_masks`）。

    Args:
        dataset: 有 ``len()``、``image(i)`` 的数据集，掩码由 :func:`class_map` 读取
            （:class:`adlk.datasets.Scenes` 或 :class:`adlk.datasets.DrinksSet`）。
        n_classes: 包括背景在内的类别数。
        batch_size: 批大小（书中 4）。
        shuffle: 是否每轮打乱顺序；第 ``e`` 轮的顺序只由 ``(seed, e)`` 决定（:meth:`set_epoch`），
            从检查点续跑时顺序与不打断时相同。
        seed: 打乱顺序的随机种子。
        **kwargs: 传给 ``PyDataset`` 的 ``workers``、``use_multiprocessing``、``max_queue_size``。
    """

    def __init__(self, dataset, n_classes: int, batch_size: int = 4, shuffle: bool = True, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.dataset, self.n_classes, self.batch_size, self.shuffle, self.seed = (dataset, n_classes, batch_size,
                                                                                  shuffle, seed)
        self.set_epoch(0)

    def __len__(self) -> int:
        return len(self.dataset) // self.batch_size  # 与书中相同：丢掉最后不足一批的图

    def __getitem__(self, index: int):
        keys = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        x = np.stack([self.dataset.image(int(i)) for i in keys]).astype(np.float32) / 255.0
        masks = np.stack([class_map(self.dataset, int(i)) for i in keys]).astype(np.int64)
        y = (masks[..., None] == np.arange(self.n_classes)).astype(np.float32)
        return x, y

    def set_epoch(self, epoch: int) -> None:
        """把读取顺序设为第 ``epoch`` 轮的顺序（``shuffle=False`` 时始终是原来的顺序）。"""
        self.epoch = epoch
        n = len(self.dataset)
        self.order = np.random.default_rng([self.seed, epoch]).permutation(n) if self.shuffle else np.arange(n)

    def on_epoch_end(self) -> None:
        self.set_epoch(self.epoch + 1)


def predict_masks(model: keras.Model, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """逐像素取概率最大的类别（书中 ``segment_objects`` 的 argmax），返回 uint8 的类别图 (N, H, W)。"""
    x = np.asarray(images, dtype=np.float32) / 255.0
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    return np.argmax(probs, axis=-1).astype(np.uint8)
