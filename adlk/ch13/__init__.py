"""第 13 章 用互信息做无监督学习：熵与互信息、IIC（不变信息聚类）与 MINE（互信息神经估计）。

- 13.1–13.3 节（熵、互信息、连续变量）：:mod:`adlk.ch13.mi` 里的 :func:`entropy`、:func:`mutual_information`、
  :func:`gaussian_mi`；
- 13.4–13.6 节（IIC）：:func:`iic_loss`、:func:`joint_matrix`、:func:`cluster_accuracy`（匈牙利匹配），
  :mod:`adlk.ch13.iic` 里的 :func:`augment`、:func:`build_backbone` 与 :class:`IIC`；
- 13.7–13.8 节（MINE）：:func:`dv_bound`，:mod:`adlk.ch13.mine` 里的 :func:`build_statistics_network`、
  :func:`dv_loss`、:func:`train_gaussian_mine` 与 :class:`MINEClustering`。

对比表与插图分别在 ``adlk.ch13.experiments`` 和 ``adlk.ch13.figures`` 里，``import adlk.ch13`` 不会导入它们。
"""

from adlk.ch13.iic import IIC, augment, build_backbone, center_crop
from adlk.ch13.mi import (cluster_accuracy, dv_bound, entropy, gaussian_mi, iic_loss, iic_objective, joint_matrix,
                          match_clusters, mutual_information)
from adlk.ch13.mine import (MINEClustering, build_statistics_network, dv_loss, linear_probe, sample_gaussian,
                            train_gaussian_mine)

__all__ = ["IIC", "MINEClustering", "augment", "build_backbone", "build_statistics_network", "center_crop",
           "cluster_accuracy", "dv_bound", "dv_loss", "entropy", "gaussian_mi", "iic_loss", "iic_objective",
           "joint_matrix", "linear_probe", "match_clusters", "mutual_information", "sample_gaussian",
           "train_gaussian_mine"]
