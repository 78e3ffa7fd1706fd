"""第 12 章 语义分割：全卷积网络（FCN）、PSPNet 式的特征金字塔、双线性上采样与转置卷积、逐像素的交叉熵与 mIoU。

- 模型（:mod:`adlk.ch12.models`）：:func:`build_backbone`（第 2 章的 ResNet v2 + 特征金字塔）、:func:`build_fcn`、
  :func:`conv_layer`、:func:`tconv_layer`、:func:`lr_schedule`；
- 数据（:mod:`adlk.ch12.data`）：:class:`SegmentationData`（``keras.utils.PyDataset``，书中的独热掩码格式）、
  :func:`class_map`、:func:`predict_masks`；
- 度量（:mod:`adlk.ch12.metrics`）：:func:`confusion_matrix`、:func:`per_class_iou`、:func:`mean_iou`、
  :func:`pixel_accuracy`、:func:`book_miou`（书中逐图平均的算法）、:func:`scores`。

数据集在 :mod:`adlk.datasets`：:func:`~adlk.datasets.load_digit_scenes`（本站的替代数据，逐像素的掩码）与
:func:`~adlk.datasets.load_drinks`（书中的 drinks 格式，``mask(i)`` 读第 12 章的 ``segmentation_<split>.npy``）。
"""

from adlk.ch12.data import SegmentationData, class_map, predict_masks
from adlk.ch12.metrics import book_miou, confusion_matrix, mean_iou, per_class_iou, pixel_accuracy, scores
from adlk.ch12.models import build_backbone, build_fcn, conv_layer, lr_schedule, tconv_layer

__all__ = ["SegmentationData", "book_miou", "build_backbone", "build_fcn", "class_map", "confusion_matrix",
           "conv_layer", "lr_schedule", "mean_iou", "per_class_iou", "pixel_accuracy", "predict_masks", "scores",
           "tconv_layer"]
