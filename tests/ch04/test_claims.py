"""第 4 章页面上的说法，用提交的结果文件（docs/results/cpu/ch04/）核对。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch04.experiments import EVAL_SAMPLES, GRID, TABLES, snapshot_steps
from adlk.profiles import get_profile
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import status
from adlk.site.figures import load_artifact
from tests.conftest import DOCS

RESULTS = DOCS / "results" / "cpu"
GAN_ROWS = [(t, r) for t in TABLES if t.name != "judge" for r in t.runs]


def recorded(table, run) -> dict:
    """一行的结果文件（必须存在，而且对当前的代码与设置有效）。"""
    path = result_path(RESULTS, table, run)
    assert path.is_file(), f"{path} is missing: run `python -m adlk reproduce {table.id} --only {run.row}`"
    assert status(table, run, RESULTS, get_profile("full")) == "current", (
        f"{path} was recorded with other code or settings: re-run `python -m adlk reproduce {table.id}`")
    return read_result(path)


def check_gan_row(table, run) -> dict:
    """一行 GAN 记录的基本事实：步数、样本文件的形状与大小、最后的分数与快照时刻的分数一致。"""
    data = recorded(table, run)
    assert data["run"]["params"] == run.params
    steps = run.params["steps"]
    assert data["counts"]["steps"] == steps and data["counts"]["train_samples"] == 60_000
    assert data["counts"]["eval_samples"] == EVAL_SAMPLES
    samples = load_artifact(table.id, run.row, "samples")
    marks = snapshot_steps(steps)
    assert samples["steps"].tolist() == marks
    assert samples["images"].shape == (len(marks), GRID, 28, 28) and samples["images"].dtype == np.uint8
    assert samples["predicted"].shape == (len(marks), GRID)
    size = (RESULTS / table.id / data["artifacts"]["samples"]).stat().st_size
    assert size < 300_000, f"samples artifact is {size} bytes"
    h, m = data["history"], data["metrics"]
    assert h["snapshot_step"] == marks
    assert m["frechet"] == pytest.approx(h["snapshot_frechet"][-1])
    assert m["class_entropy"] == pytest.approx(h["snapshot_class_entropy"][-1])
    assert h["step"][-1] == steps and len(h["step"]) == steps // 10
    assert all(np.isfinite(h["d_loss"])) and all(np.isfinite(h["g_loss"]))
    return data


def test_judge_is_recorded_and_recognises_real_digits():
    """4.5 节：评判网络在测试集上的准确率很高；500 张真实图像的 Fréchet 距离接近 0、类别熵接近 log 10。"""
    table = TABLES[0]
    data = recorded(table, table.runs[0])
    m = data["metrics"]
    assert m["test_accuracy"] > 0.95
    assert m["real_frechet"] < 3
    assert m["real_class_entropy"] > 2.2
    size = (RESULTS / table.id / data["artifacts"]["weights"]).stat().st_size
    assert size < 300_000


@pytest.mark.parametrize("table, run", GAN_ROWS, ids=[r.row for _, r in GAN_ROWS])
def test_every_gan_row_is_recorded_at_its_settings(table, run):
    check_gan_row(table, run)


@pytest.mark.parametrize("table, run", GAN_ROWS, ids=[r.row for _, r in GAN_ROWS])
def test_training_moves_the_samples_towards_real_digits(table, run):
    """4.2、4.4 节的样本网格：训练后的 Fréchet 距离比训练前小得多。"""
    h = check_gan_row(table, run)["history"]
    assert h["snapshot_frechet"][-1] < 0.5 * h["snapshot_frechet"][0]


def test_untrained_conditional_generator_is_at_chance():
    """4.5 节：“随机乱画约为 10%”——训练前（第 0 步）条件 GAN 认对的比例接近随机。"""
    table = next(t for t in TABLES if t.name == "cgan")
    h = check_gan_row(table, table.runs[0])["history"]
    assert h["snapshot_label_accuracy"][0] < 0.3


def test_cgan_verdict_on_the_page_follows_the_recorded_rate():
    """4.4 节的结论句由记录生成：它说的“与随机猜相差无几 / 开始遵守 / 多数样本”与记录的比例一致。"""
    from adlk.ch04.report import CHANCE, conditional_verdict
    from adlk.site.report import ReportContext, load_results

    table = next(t for t in TABLES if t.name == "cgan")
    rate = check_gan_row(table, table.runs[0])["metrics"]["label_accuracy"]
    text = conditional_verdict(ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS), table.id, "cgan").text
    assert f"{100 * rate:.1f}%" in text
    assert ("相差无几" in text) == (rate < CHANCE)


def test_cgan_draws_the_requested_digit_in_most_samples():
    """4.4 节：训练到本站的步数，评判网络在多数条件 GAN 样本里认出所要的数字。"""
    table = next(t for t in TABLES if t.name == "cgan")
    assert check_gan_row(table, table.runs[0])["metrics"]["label_accuracy"] > 0.5


def test_cgan_learns_to_draw_digits_before_it_follows_the_label():
    """习题 8 的提示：到 2/5 的快照时刻，Fréchet 距离已不到训练前的 1/5，认对的比例“仍不到两成”；最后一步已过半。"""
    table = next(t for t in TABLES if t.name == "cgan")
    h = check_gan_row(table, table.runs[0])["history"]
    at = h["snapshot_step"].index(2 * table.runs[0].params["steps"] // 5)
    assert h["snapshot_frechet"][at] < 0.2 * h["snapshot_frechet"][0]
    assert h["snapshot_label_accuracy"][at] < 0.2 < 0.5 < h["snapshot_label_accuracy"][-1]
