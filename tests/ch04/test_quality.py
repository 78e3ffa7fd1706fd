"""4.5 节的评判网络与分数：Fréchet 距离的已知值，类别熵与认对比例的计算。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch04 import build_judge, frechet_distance, judge_scores, load_judge
from adlk.ch04.quality import MAX_ENTROPY, gaussian_stats


def test_frechet_distance_of_gaussians_with_known_answer():
    # 对角协方差：每一维 (均值差)² + (标准差差)²
    mu1, mu2 = np.zeros(3), np.array([1.0, 2.0, 0.0])
    cov1, cov2 = np.diag([1.0, 4.0, 9.0]), np.diag([4.0, 4.0, 1.0])
    expected = (1 + 4 + 0) + (1 + 0 + 4)
    assert frechet_distance(mu1, cov1, mu2, cov2) == pytest.approx(expected)
    assert frechet_distance(mu1, cov1, mu1, cov1) == pytest.approx(0, abs=1e-9)
    # 非对角的情形对称
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(500, 4)), rng.normal(size=(500, 4)) @ rng.normal(size=(4, 4))
    d_ab = frechet_distance(*gaussian_stats(a), *gaussian_stats(b))
    d_ba = frechet_distance(*gaussian_stats(b), *gaussian_stats(a))
    assert d_ab == pytest.approx(d_ba, rel=1e-6) and d_ab > 0


class _Fixed:
    """一个“评判网络”：永远输出给定的概率与特征。"""

    def __init__(self, probs, features=None):
        self.probs, self.features = probs, features

    def predict(self, x, batch_size=None, verbose=0):
        return self.probs if self.features is None else [self.probs, self.features]


def test_entropy_and_label_accuracy():
    probs = np.eye(10)[[0, 0, 0, 1]]
    s = judge_scores(_Fixed(probs), np.zeros((4, 28, 28), dtype=np.uint8), labels=[0, 1, 0, 1])
    assert s["label_accuracy"] == pytest.approx(0.75)
    assert s["class_entropy"] == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))
    uniform = judge_scores(_Fixed(np.eye(10)[np.arange(100) % 10]), np.zeros((100, 28, 28), dtype=np.uint8))
    assert uniform["class_entropy"] == pytest.approx(MAX_ENTROPY)


def test_recorded_judge_loads_and_recognises_real_test_digits():
    from adlk.datasets import load_mnist

    judge = load_judge()
    assert judge.count_params() == build_judge().count_params()
    _, (x, y) = load_mnist(profile="smoke")
    s = judge_scores(judge, x[:200], y[:200])
    assert s["label_accuracy"] > 0.9


def test_missing_judge_weights_give_the_command(tmp_path):
    with pytest.raises(ValueError, match="reproduce ch04/judge"):
        load_judge(tmp_path / "none.npz")
