"""第 11 章 目标检测：SSD（单次多框检测器）的锚框、IoU 匹配、偏移量、损失、多尺度检测头、NMS 与评价。

- 锚框、IoU、匹配、偏移量、NMS（:mod:`adlk.ch11.boxes`）：:func:`anchor_sizes`、:func:`anchor_boxes`、
  :func:`all_anchors`、:func:`iou`、:func:`encode`、:func:`decode`、:func:`match`、:func:`match_layers`、:func:`nms`；
- 损失（:mod:`adlk.ch11.losses`，``keras.ops``）：:func:`l1_loss`、:func:`smooth_l1_loss`、
  :func:`focal_loss_categorical`、:data:`LOSSES`、:data:`VARIANTS`（书中表 11.13.1 的五种组合）；
- 模型（:mod:`adlk.ch11.models`）：:func:`build_backbone`（第 2 章的 ResNet v2 + 特征层）、:func:`build_ssd`、
  :func:`lr_schedule`；数据（:mod:`adlk.ch11.data`）：:class:`SSDData`（``keras.utils.PyDataset``）；
- 评价（:mod:`adlk.ch11.evaluate`）：:func:`detect`、:func:`book_scores`、:func:`precision_recall`、
  :func:`area_under_pr`、:func:`average_precision`、:func:`predict`。

数据集在 :mod:`adlk.datasets`：:func:`~adlk.datasets.load_digit_scenes`（本站的替代数据）与
:func:`~adlk.datasets.load_drinks`（书中的 drinks 格式）。
"""

from adlk.ch11.boxes import (ASPECT_RATIOS, VARIANCES, all_anchors, anchor_boxes, anchor_sizes, decode, encode, iou,
                             match, match_layers, nms, to_centroid, to_corners)
from adlk.ch11.data import SSDData
from adlk.ch11.evaluate import area_under_pr, average_precision, book_scores, detect, precision_recall, predict
from adlk.ch11.losses import LOSSES, VARIANTS, focal_loss_categorical, l1_loss, smooth_l1_loss
from adlk.ch11.models import build_backbone, build_ssd, conv_layer, lr_schedule

__all__ = ["ASPECT_RATIOS", "LOSSES", "SSDData", "VARIANCES", "VARIANTS", "all_anchors", "anchor_boxes", "anchor_sizes",
           "area_under_pr", "average_precision", "book_scores", "build_backbone", "build_ssd", "conv_layer", "decode",
           "detect", "encode", "focal_loss_categorical", "iou", "l1_loss", "lr_schedule", "match", "match_layers",
           "nms", "precision_recall", "predict", "smooth_l1_loss", "to_centroid", "to_corners"]
