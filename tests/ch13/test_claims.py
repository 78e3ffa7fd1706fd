"""第 13 章页面上由记录得出的结论：MINE 的估计接近闭式解，IIC 的准确率由提交的簇分配算出且达到 90 %，
坍缩的一行确实坍缩了。没有记录时跳过（页面此时显示“尚无记录”）。"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adlk.ch13.experiments import BOOK_RHOS
from adlk.ch13.mi import cluster_accuracy, gaussian_mi, joint_matrix, mutual_information
from tests.conftest import DOCS

RESULTS = DOCS / "results" / "cpu" / "ch13"


def _result(table: str, row: str) -> dict:
    path = RESULTS / table / f"{row}.json"
    if not path.is_file():
        pytest.skip(f"{path} has not been recorded")
    return json.loads(path.read_text(encoding="utf-8"))


def _artifact(table: str, data: dict, name: str) -> dict[str, np.ndarray]:
    path: Path = RESULTS / table / data["artifacts"][name]
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("rho", BOOK_RHOS)
def test_mine_is_within_ten_percent_of_the_closed_form_at_the_books_correlations(rho):
    data = _result("mine-gaussian", f"rho-{rho:g}")
    m = data["metrics"]
    assert m["true_mi"] == pytest.approx(gaussian_mi(rho))
    assert abs(m["mine_estimate"] - gaussian_mi(rho)) <= 0.10 * gaussian_mi(rho)
    # 表中的估计就是逐步记录的最后 100 步的平均
    est = _artifact("mine-gaussian", data, "estimates")["estimates"]
    assert len(est) == 1000
    assert m["mine_estimate"] == pytest.approx(float(est[-100:].mean()), rel=1e-5)


@pytest.mark.parametrize("rho", [0.2, 0.5, 0.8, 0.9])
def test_fresh_sample_bound_does_not_exceed_the_true_mi(rho):
    m = _result("mine-gaussian", f"rho-{rho:g}")["metrics"]
    # DV 给出的是下界；20 万个新样本上的估计仍有约 0.005 nats 的抽样误差
    assert m["fresh_bound"] <= gaussian_mi(rho) + 0.005


@pytest.mark.parametrize("row", ["cpu", "lamb-2"])
def test_iic_accuracy_is_computed_from_the_committed_assignments(row):
    data = _result("iic", row)
    arrays = _artifact("iic", data, "assignments")
    clusters, labels, chosen = arrays["clusters"].astype(int), arrays["labels"].astype(int), int(arrays["chosen"])
    assert clusters.shape == (5, 10_000)
    from adlk.datasets import load_mnist

    (_, _), (_, y_test) = load_mnist(profile="full")
    assert np.array_equal(labels, y_test)
    accs = [cluster_accuracy(labels, c, 10) for c in clusters]
    assert data["metrics"]["test_accuracy"] == pytest.approx(accs[chosen])
    assert data["metrics"]["best_head_accuracy"] == pytest.approx(max(accs))
    # 选中的头的概率与簇分配一致
    assert np.array_equal(arrays["probs"].astype(np.float32).argmax(axis=1), clusters[chosen])
    # 选头不看标签：选中的是训练集上 IIC 损失最低的头
    losses = [data["metrics"][f"select_loss_head{h}"] for h in range(5)]
    assert chosen == int(np.argmin(losses))


def test_iic_headline_row_reaches_90_percent():
    data = _result("iic", "lamb-2")
    arrays = _artifact("iic", data, "assignments")
    chosen = int(arrays["chosen"])
    assert cluster_accuracy(arrays["labels"].astype(int), arrays["clusters"][chosen].astype(int), 10) >= 0.90


@pytest.mark.parametrize("row", ["cpu", "lamb-2"])
def test_iic_joint_matrix_ends_diagonal(row):
    data = _result("iic", row)
    joints = _artifact("iic", data, "joints")["joints"]
    assert len(joints) == data["counts"]["epochs"]
    last = joints[-1].astype(np.float64)
    # 第一轮之后的互信息小于最后一轮；最后一轮的概率大部分在对角线上
    assert mutual_information(last / last.sum()) > mutual_information(joints[0] / joints[0].sum())
    assert np.trace(last) / last.sum() > 0.8


def test_collapse_row_collapsed():
    data = _result("iic", "collapse")
    arrays = _artifact("iic", data, "assignments")
    clusters = arrays["clusters"][int(arrays["chosen"])].astype(int)
    sizes = np.bincount(clusters, minlength=10)
    assert sizes.max() > 0.5 * len(clusters)
    assert data["metrics"]["test_accuracy"] < 0.5
    assert data["metrics"]["test_mi"] < np.log(3)
    # 这一行训练时的损失是正的：λ < 1 时它不再是负的互信息
    assert min(data["history"]["loss"]) > 0


def test_joint_matrix_of_identical_confident_views_is_diagonal():
    z = np.eye(10)[np.arange(100) % 10]
    assert np.allclose(joint_matrix(z, z), np.eye(10) / 10)


def test_larger_correlation_converges_later_and_jitters_more_in_absolute_but_less_in_relative_terms():
    # 13.4 节第三点观察：随 ρ 增大，达到闭式解 90 % 的步数和最后 100 步估计的标准差都变大，标准差占估计的比例变小
    from adlk.ch13.report import steps_to_reach

    reached, spread, relative = [], [], []
    for rho in (0.2, 0.5, 0.8, 0.9):
        data = _result("mine-gaussian", f"rho-{rho:g}")
        est = _artifact("mine-gaussian", data, "estimates")["estimates"]
        reached.append(steps_to_reach(est, 0.9 * data["metrics"]["true_mi"]))
        spread.append(float(np.std(est[-100:])))
        relative.append(spread[-1] / data["metrics"]["mine_estimate"])
    assert None not in reached
    assert reached == sorted(reached)
    assert spread == sorted(spread)
    assert relative == sorted(relative, reverse=True)
