"""SSD 的训练数据：``keras.utils.PyDataset``（书中 ``data_generator.py`` 继承的是 TensorFlow 的私有 ``Sequence``）。"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from adlk.ch11.boxes import all_anchors, match_layers


class SSDData(keras.utils.PyDataset):
    """一批批地给出 ``(图像, (类别真值, 偏移量真值 + 掩码))``。

    任何有 ``len()``、``image(i)``、``objects(i)`` 的数据集都可以（:class:`adlk.datasets.Scenes`、
    :class:`adlk.datasets.DrinksSet`）。图像缩放到 [0, 1]（书中 ``skimage.img_as_float``）。
    每张图的匹配在第一次用到时算好并缓存（数字场景的锚框只有几十到几百个，缓存很小）。

    Args:
        dataset: 数据集。
        feature_shapes: 各特征层的形状（:func:`adlk.ch11.build_ssd` 的返回值）。
        n_classes: 包括背景在内的类别数。
        batch_size: 批大小（书中 4）。
        normalize: 偏移量是否归一化。
        threshold: 额外锚框的 IoU 阈值（书中 0.6）。
        shuffle: 是否每轮打乱顺序。第 ``e`` 轮的顺序只由 ``(seed, e)`` 决定（见 :meth:`set_epoch`），
            从检查点续跑时把轮次设回去，顺序就与不打断时相同。
        seed: 打乱顺序的随机种子。
        **kwargs: 传给 ``PyDataset`` 的 ``workers``、``use_multiprocessing``、``max_queue_size``。
    """

    def __init__(self, dataset, feature_shapes: Sequence[Sequence[int]], n_classes: int, batch_size: int = 4,
                 normalize: bool = False, threshold: float = 0.6, shuffle: bool = True, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.dataset, self.n_classes, self.batch_size = dataset, n_classes, batch_size
        self.normalize, self.threshold, self.shuffle = normalize, threshold, shuffle
        self.image_shape = dataset.image(0).shape
        self.anchors = all_anchors(feature_shapes, self.image_shape)
        self.seed = seed
        self._targets: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.set_epoch(0)

    def __len__(self) -> int:
        return len(self.dataset) // self.batch_size  # 书中丢掉最后不足一批的图

    def targets(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """第 ``i`` 张图的 ``(gt_class (A, n_classes), gt_offset_mask (A, 8))``。"""
        if i not in self._targets:
            boxes, classes = self.dataset.objects(i)
            cls, off, mask = match_layers(self.anchors, boxes, classes, self.n_classes, self.threshold,
                                          self.normalize)
            self._targets[i] = (cls, np.concatenate([off, mask], axis=-1))
        return self._targets[i]

    def __getitem__(self, index: int):
        keys = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        x = np.stack([self.dataset.image(i) for i in keys]).astype(np.float32) / 255.0
        targets = [self.targets(int(i)) for i in keys]
        return x, (np.stack([t[0] for t in targets]), np.stack([t[1] for t in targets]))

    def set_epoch(self, epoch: int) -> None:
        """把读取顺序设为第 ``epoch`` 轮的顺序（``shuffle=False`` 时始终是原来的顺序）。"""
        self.epoch = epoch
        n = len(self.dataset)
        self.order = np.random.default_rng([self.seed, epoch]).permutation(n) if self.shuffle else np.arange(n)

    def on_epoch_end(self) -> None:
        self.set_epoch(self.epoch + 1)
