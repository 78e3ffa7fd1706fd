"""怎样用数字衡量解耦（本站的量，书中只给图）。

- :func:`code_digit_counts`、:func:`matched_accuracy`：类别码与评判网络认出的数字之间的计数表，以及码与数字的
  最佳一一对应下的准确率（匈牙利算法）。无监督的 InfoGAN 里码 k 不一定对应数字 k，所以要先配对；
- 笔画的倾斜与宽窄沿连续码的变化用第 4 章的 :func:`adlk.ch04.quality.shape_measures` 与
  :func:`adlk.ch04.quality.traversal_ranges`（第 8 章也用它们）。
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def code_digit_counts(codes: np.ndarray, digits: np.ndarray, num_codes: int = 10,
                      num_digits: int = 10) -> np.ndarray:
    """码与数字的计数表：第 k 行第 d 列是用码 k 生成、被认成数字 d 的图像数。"""
    counts = np.zeros((num_codes, num_digits), dtype=np.int64)
    np.add.at(counts, (np.asarray(codes, dtype=np.int64), np.asarray(digits, dtype=np.int64)), 1)
    return counts


def matched_accuracy(counts: np.ndarray) -> tuple[float, np.ndarray]:
    """码与数字最佳一一对应时的准确率，以及这个对应（``mapping[k]`` 是码 k 配上的数字）。

    在所有一一对应里选被认对的图像最多的一个（线性指派问题），准确率 = 这些图像数 / 总数。
    """
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("matched_accuracy needs at least one counted image")
    rows, cols = linear_sum_assignment(-counts)
    mapping = np.full(counts.shape[0], -1, dtype=np.int64)
    mapping[rows] = cols
    return float(counts[rows, cols].sum() / counts.sum()), mapping
