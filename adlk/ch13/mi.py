"""第 13 章的信息论工具：熵、互信息、IIC 损失、匈牙利匹配的聚类准确率、Donsker–Varadhan 下界。

这些函数都用 NumPy 写成（IIC 损失另有一个 Keras ``ops`` 版本 :func:`iic_loss`，训练时用），
单位一律是 nats（自然对数）。
"""

from __future__ import annotations

import math

import numpy as np

EPS = 1e-12


def entropy(p) -> float:
    """离散分布的熵 :math:`H(p) = -\\sum_i p_i \\log p_i`（nats），约定 :math:`0 \\log 0 = 0`。"""
    p = np.asarray(p, dtype="float64").ravel()
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


def mutual_information(joint) -> float:
    """由联合分布矩阵 :math:`P_{ij}` 求互信息 :math:`I = \\sum_{ij} P_{ij}\\log\\frac{P_{ij}}{P_i P_j}`（nats）。

    这就是联合分布与两个边缘分布之积之间的 KL 散度。``joint`` 的元素之和必须是 1。
    """
    p = np.asarray(joint, dtype="float64")
    if not np.isclose(p.sum(), 1.0):
        raise ValueError(f"the joint distribution sums to {p.sum()}, not 1")
    pi = p.sum(axis=1, keepdims=True)
    pj = p.sum(axis=0, keepdims=True)
    mask = p > 0
    return float((p[mask] * np.log(p[mask] / (pi @ pj)[mask])).sum())


def joint_matrix(z1, z2):
    """两个视图的聚类概率（各 (N, C)）→ 对称化、归一化的联合分布矩阵 (C, C)：
    :math:`P = \\frac{1}{N}\\sum_n z_n z_n'^\\top`，再取 :math:`(P + P^\\top)/2`。"""
    z1 = np.asarray(z1, dtype="float64")
    z2 = np.asarray(z2, dtype="float64")
    p = z1.T @ z2 / len(z1)
    p = (p + p.T) / 2
    return p / p.sum()


def iic_objective(z1, z2, lamb: float = 1.0) -> float:
    """IIC 损失的 NumPy 版本（与 :func:`iic_loss` 相同）：
    :math:`-\\sum_{ij} P_{ij}(\\log P_{ij} - \\lambda \\log P_i - \\lambda \\log P_j)`。

    :math:`\\lambda = 1` 时就是负的互信息 :math:`-I(z; z')`。
    """
    p = np.maximum(joint_matrix(z1, z2), EPS)
    pi = p.sum(axis=1, keepdims=True)
    pj = p.sum(axis=0, keepdims=True)
    return float(-(p * (np.log(p) - lamb * np.log(pi) - lamb * np.log(pj))).sum())


def iic_loss(z1, z2, lamb: float = 1.0):
    """IIC 损失（Keras ``ops``，可求梯度）：``z1``、``z2`` 是同一批图像两个视图的聚类概率 (N, C)。"""
    from keras import ops

    p = ops.matmul(ops.transpose(z1), z2) / ops.cast(ops.shape(z1)[0], z1.dtype)
    p = (p + ops.transpose(p)) / 2
    p = p / ops.sum(p)
    p = ops.maximum(p, EPS)
    pi = ops.sum(p, axis=1, keepdims=True)
    pj = ops.sum(p, axis=0, keepdims=True)
    return -ops.sum(p * (ops.log(p) - lamb * ops.log(pi) - lamb * ops.log(pj)))


def match_clusters(labels, clusters, n_clusters: int | None = None, n_classes: int | None = None):
    """匈牙利算法：把簇一一对应到类别，使对上的样本最多。

    Returns:
        ``(mapping, counts)``：``mapping[c]`` 是簇 c 对应的类别（簇多于类别时，多出的簇为 -1）；
        ``counts`` 是 (簇, 类别) 的计数矩阵。
    """
    from scipy.optimize import linear_sum_assignment

    labels = np.asarray(labels, dtype=int)
    clusters = np.asarray(clusters, dtype=int)
    k = int(n_clusters if n_clusters is not None else clusters.max() + 1)
    m = int(n_classes if n_classes is not None else labels.max() + 1)
    counts = np.zeros((k, m), dtype=int)
    np.add.at(counts, (clusters, labels), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    mapping = np.full(k, -1, dtype=int)
    mapping[rows] = cols
    return mapping, counts


def cluster_accuracy(labels, clusters, n_clusters: int | None = None) -> float:
    """无监督聚类准确率：按 :func:`match_clusters` 一一匹配后，簇的类别与真实标签相同的比例。"""
    labels = np.asarray(labels, dtype=int)
    mapping, _ = match_clusters(labels, clusters, n_clusters, max(int(labels.max()) + 1, 1))
    return float((mapping[np.asarray(clusters, dtype=int)] == labels).mean())


def gaussian_mi(rho: float) -> float:
    """相关系数为 ρ 的二元高斯分布的互信息闭式解 :math:`I(X;Y) = -\\tfrac12 \\log(1-\\rho^2)`（nats）。"""
    if not -1 < rho < 1:
        raise ValueError("the correlation must lie strictly between -1 and 1")
    return -0.5 * math.log(1 - rho * rho)


def dv_bound(t_joint, t_marginal) -> float:
    """Donsker–Varadhan 下界的样本估计：
    :math:`\\hat I = \\overline{T(x, y)} - \\log \\overline{e^{T(x, \\tilde y)}}`，
    前一项在联合分布的样本上取平均，后一项在边缘分布之积的样本上（把 y 打乱）取平均。"""
    t_joint = np.asarray(t_joint, dtype="float64")
    t_marginal = np.asarray(t_marginal, dtype="float64")
    top = t_marginal.max()
    return float(t_joint.mean() - (top + math.log(np.exp(t_marginal - top).mean())))
