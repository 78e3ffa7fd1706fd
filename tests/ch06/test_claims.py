"""第 6 章页面上的说法，用提交的结果文件（docs/results/cpu/ch06/）核对。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch06.experiments import PER_CODE, TABLES, WALK, WALK_Z, snapshot_steps
from adlk.ch06.measures import matched_accuracy
from adlk.site.figures import load_artifact
from adlk.site.report import ReportContext, load_results
from tests.ch04.test_claims import RESULTS, recorded
from tests.conftest import DOCS

INFOGAN, STACKED = TABLES


def _ctx() -> ReportContext:
    return ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS)


def test_infogan_is_recorded_at_its_settings_and_its_scores_follow_from_the_counts():
    run = INFOGAN.runs[0]
    data = recorded(INFOGAN, run)
    assert data["run"]["params"] == run.params
    steps = run.params["steps"]
    marks = snapshot_steps(steps)
    samples = load_artifact(INFOGAN.id, run.row, "samples")
    assert samples["steps"].tolist() == marks
    assert samples["counts"].shape == (len(marks), 10, 10)
    assert (samples["counts"].sum(axis=2) == PER_CODE).all()  # 每个类别码 50 张
    # 最后的分数由最后一张计数表算出，对应与结果文件里记下的相同
    accuracy, mapping = matched_accuracy(samples["counts"][-1])
    assert data["metrics"]["matched_accuracy"] == pytest.approx(accuracy)
    assert mapping.tolist() == data["extra"]["mapping"] == samples["mapping"].tolist()
    assert data["metrics"]["code_accuracy"] == pytest.approx(np.trace(samples["counts"][-1]) / (10 * PER_CODE))
    walks = load_artifact(INFOGAN.id, run.row, "walks")
    assert walks["images"].shape == (10, 2, WALK[2], 28, 28)
    assert walks["measures"].shape == (10, WALK_Z, 2, WALK[2], 2)
    assert walks["values"].tolist() == pytest.approx(np.linspace(*WALK[:2], WALK[2]).tolist())


def test_infogan_categorical_code_decides_the_digit_in_this_record():
    """6.4 节与第 6 章的目标：类别码与数字的最佳对应准确率至少 50%（本站的记录，评判网络打分）。"""
    data = recorded(INFOGAN, INFOGAN.runs[0])
    assert data["metrics"]["matched_accuracy"] >= 0.5
    from adlk.ch06.report import infogan_verdict

    text = infogan_verdict(_ctx()).text
    assert f"{100 * data['metrics']['matched_accuracy']:.1f}%" in text
    assert "类别码已经主要决定画哪个数字" in text


def test_stackedgan_is_recorded_and_its_verdict_follows_the_record():
    """6.3、6.4 节：认对比例与结论句来自记录；编码器的准确率来自冻结的编码器（任务在结束时比对了它的权重）。"""
    run = STACKED.runs[0]
    data = recorded(STACKED, run)
    assert data["run"]["params"] == run.params
    m, h = data["metrics"], data["history"]
    assert m["label_accuracy"] == pytest.approx(h["snapshot_label_accuracy"][-1])
    assert m["encoder_accuracy"] > 0.95
    assert len(h["encoder_loss"]) == run.params["encoder_epochs"]
    samples = load_artifact(STACKED.id, run.row, "samples")
    assert samples["vary_z1"].shape == samples["vary_z0"].shape == (100, 28, 28)
    from adlk.ch06.report import stackedgan_verdict

    text = stackedgan_verdict(_ctx()).text
    assert f"{100 * m['label_accuracy']:.1f}%" in text
    # 结论句跟着记录走：过半才说“多数样本是所要的数字”
    assert ("多数样本是所要的数字" in text) == (m["label_accuracy"] > 0.5)


def test_shape_sentence_names_the_code_the_record_supports():
    """6.4 节：“某属性主要随连续码 k 变”只在幅度至少相差 DOMINANCE 倍时出现。"""
    from adlk.ch06.report import DOMINANCE, infogan_shapes, roles, shape_table

    walks = load_artifact(INFOGAN.id, INFOGAN.runs[0].row, "walks")
    _, ranges, _ = shape_table(walks["measures"], walks["values"])
    found = roles(ranges)
    text = infogan_shapes(_ctx()).text
    for a, name in enumerate(("倾斜", "宽窄")):
        if found[a] is None:
            assert f"{name}沿两个码的变化相差不到 {DOMINANCE:g} 倍" in text
        else:
            assert ranges[found[a], a] >= DOMINANCE * ranges[1 - found[a], a]
            assert f"{name}主要随连续码 {found[a] + 1} 变" in text


def test_roles_needs_a_clear_ratio():
    from adlk.ch06.report import roles

    assert roles(np.array([[0.4, 1.0], [0.1, 1.5]])) == (0, None)
    assert roles(np.array([[0.1, 0.2], [0.3, 1.0]])) == (1, 1)


def test_infogan_chance_level_is_computed_and_above_ten_percent():
    """6.4 节：码与数字无关时最佳对应准确率不是 10%；页面上的机会水平由 chance_matched 算出。"""
    from adlk.ch06.report import chance_matched, infogan_verdict

    chance = chance_matched(PER_CODE)
    assert 0.13 < chance < 0.2  # 每个码 50 张时偶然多出来的格子让它明显高于 10%
    assert f"平均是 {100 * chance:.1f}%" in infogan_verdict(_ctx()).text


def test_noise_sentence_follows_the_record():
    """6.3 节：“写法上的差别”只在多数样本是所要数字时出现；z0 几乎不起作用时如实说 G0 不理会 z0。"""
    from adlk.ch06.report import noise_levels

    data = recorded(STACKED, STACKED.runs[0])
    samples = load_artifact(STACKED.id, STACKED.runs[0].row, "samples")
    s1, s0 = (float(np.mean((samples[k].reshape(10, 10, -1) / 255).std(axis=1))) for k in ("vary_z1", "vary_z0"))
    text = noise_levels(_ctx()).text
    assert f"只变 z1 时是 {s1:.3f}，只变 z0 时是 {s0:.3f}" in text
    assert ("写法" in text) <= (data["metrics"]["label_accuracy"] > 0.5)
    assert ("几乎不理会 z0" in text) == (s0 < 0.25 * s1)


def test_stackedgan_frozen_encoder_wording_follows_the_number_of_parts():
    """6.4 节：“自始至终没有变”只在一段跑完的记录里说；接着跑的记录只比对了最后一段。"""
    from adlk.ch06.report import stackedgan_verdict

    data = recorded(STACKED, STACKED.runs[0])
    text = stackedgan_verdict(_ctx()).text
    assert ("自始至终" in text) == (data["timing"].get("parts", 1) == 1)
    assert f"{100 * data['metrics']['g1_class_accuracy']:.1f}%" in text


def test_label_versus_z1_sentence_follows_the_grid():
    """6.3 节：只变 z1 的网格里，换数字与换 z1 哪个改变图像更多，句子跟着量出的标准差走。"""
    from adlk.ch06.report import noise_levels

    recorded(STACKED, STACKED.runs[0])
    grid = load_artifact(STACKED.id, STACKED.runs[0].row, "samples")["vary_z1"].reshape(10, 10, -1) / 255
    within, across = float(np.mean(grid.std(axis=1))), float(np.mean(grid.std(axis=0)))
    text = noise_levels(_ctx()).text
    assert f"数字不同的 10 张图之间的标准差是 {across:.3f}" in text
    assert ("图像首先由所要的数字决定" in text) == (across > 1.5 * within)
    assert ("图像更多地由 z1 决定" in text) == (across < within)
