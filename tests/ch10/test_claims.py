"""第 10 章页面上的说法，用提交的结果文件（docs/results/cpu/ch10/）核对。"""

from __future__ import annotations

import math

import numpy as np
import pytest

from adlk.ch10.experiments import EPISODES, TABLES
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import histories
from adlk.site.figures import load_artifact
from tests.conftest import DOCS

RESULTS = DOCS / "results" / "cpu"
PG = TABLES[1]


def _result(table_id: str, row: str) -> dict:
    table = next(t for t in TABLES if t.id == table_id)
    path = result_path(RESULTS, table, table.run(row))
    assert path.is_file(), f"{path} is missing: run `python -m adlk reproduce {table_id} --only {row}`"
    return read_result(path)


def test_the_encoder_is_trained_at_the_books_settings():
    data = _result("ch10/autoencoder", "state")
    assert data["run"]["params"] == TABLES[0].runs[0].params and data["provenance"]["profile"] == "full"
    assert data["counts"]["epochs"] == 10 and data["counts"]["test_samples"] == 20_000
    assert data["metrics"]["parameters"] == 37_792
    assert data["metrics"]["velocity_rmse"] / 0.14 > data["metrics"]["position_rmse"] / 1.8  # 10.2 节的说法
    weights = load_artifact("ch10/autoencoder", "state", "encoder")
    assert [weights[f"w{i}"].shape for i in range(6)] == [(2, 256), (256,), (256, 128), (128,), (128, 32), (32,)]


@pytest.mark.parametrize("run", PG.runs, ids=[r.row for r in PG.runs])
def test_every_method_is_recorded_over_three_seeds_with_the_recorded_encoder(run):
    data = _result("ch10/pg", run.row)
    ae = _result("ch10/autoencoder", "state")
    assert data["run"]["params"] == run.params and data["run"]["seeds"] == [0, 1, 2]
    assert data["provenance"]["profile"] == "full" and data["counts"]["episodes"] == EPISODES
    assert data["extra"]["encoder"] == f"recorded ({ae['key']})"
    for seed, h in histories(data).items():
        m = data["per_seed"][seed]
        assert len(h["return"]) == EPISODES
        assert m["goals"] == sum(h["goal"])
        # 没到山顶的回合都跑满 999 步；到了山顶的回合总奖励里有 +100
        for steps, goal, ret in zip(h["steps"], h["goal"], h["return"]):
            assert (steps < 999 and ret > 0) if goal else (steps == 999 and ret <= 0)
        assert m["last_return"] == pytest.approx(np.mean(h["return"][-20:]))
        assert h["stddev"][0] == pytest.approx(math.log(2.0), abs=0.02)  # 第一回合更新后仍接近 softplus(0)
    policy = load_artifact("ch10/pg", run.row, "policy", seed=0)
    assert policy["mean"].shape == (41, 41) and np.all(policy["stddev"] > 0)


def _runs() -> dict[str, dict]:
    return {run.row: _result("ch10/pg", run.row) for run in PG.runs}


def test_the_results_page_claims():
    """10.4 节的说法：谁的 σ 变大、谁变小，谁到过山顶，同一次幸运，没有方法解决，均值都接近 0。"""
    runs = _runs()
    h = {row: histories(d) for row, d in runs.items()}
    start = math.log(2.0)
    for row, data in runs.items():
        assert data["metrics"]["last_return"] < 90  # 没有一个方法解决
        policy = load_artifact("ch10/pg", row, "policy", seed=0)
        assert np.abs(policy["mean"].astype(float)).max() < 0.25  # 均值在整个状态平面上都接近 0
    # REINFORCE 与带基线的 REINFORCE 几乎重合，σ 几乎不变
    for seed in h["reinforce"]:
        a, b = h["reinforce"][seed], h["reinforce-baseline"][seed]
        assert np.allclose(a["return"], b["return"], atol=1.0) and a["goal"] == b["goal"]
        assert abs(a["stddev"][-1] - start) < 0.05
    # 演员–评论家：σ 一路下降，回报上升（推力代价变小），从未到达山顶
    for seed, hist in h["actor-critic"].items():
        assert hist["stddev"][-1] < start - 0.1 and sum(hist["goal"]) == 0
        assert np.mean(hist["return"][-20:]) > np.mean(hist["return"][:20])
    # A2C：σ 一路上升，到达山顶的次数最多，没到山顶的回合扣分更多
    assert all(hist["stddev"][-1] > start + 0.1 for hist in h["a2c"].values())
    goals = {row: d["metrics"]["goals"] for row, d in runs.items()}
    assert goals["a2c"] == max(goals.values()) and goals["a2c"] > goals["reinforce"]
    assert runs["a2c"]["metrics"]["last_return"] < runs["reinforce"]["metrics"]["last_return"]
    # 同一次幸运：种子 0 第一次到达山顶的回合，在 REINFORCE、带基线的 REINFORCE 与 A2C 里相同
    firsts = {row: runs[row]["per_seed"]["0"]["first_goal"] for row in ("reinforce", "reinforce-baseline", "a2c")}
    assert len(set(firsts.values())) == 1 and firsts["a2c"] < EPISODES
