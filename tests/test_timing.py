"""Times that compare: what the runner records about time and load, and side-by-side step measurements."""

from __future__ import annotations

import re
import time

import pytest

from adlk.profiles import get_profile
from adlk.runs import speed
from adlk.runs.context import RunContext, RunDeferred
from adlk.runs.provenance import LOADED_SHARE, others_share, under_load
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import reproduce
from adlk.runs.spec import Metric, Run, Table, TaskResult

SMOKE = get_profile("smoke")
SPIN = 0.05
"""CPU seconds each step of the toy task burns."""


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def spin_task(run: Run, ctx: RunContext) -> TaskResult:
    """Steps that each burn :data:`SPIN` CPU seconds, in chunks of two with a checkpoint between chunks."""
    step = 0
    restored = ctx.restore()
    if restored is not None:
        step = restored[0]["step"]
    while step < run.params["steps"]:
        for _ in range(2):
            _spin(SPIN)
            step += 1
        if step < run.params["steps"]:
            late = ctx.out_of_time()
            ctx.checkpoint({"step": step}, [], force=late)
            if late:
                raise RunDeferred(f"stopped at step {step}")
    return TaskResult(metrics={"steps": float(step)}, counts={"steps": step})


SPIN_TABLE = Table(chapter="ch99", name="spin", title="toy", task="tests.test_timing:spin_task",
                   metrics=(Metric("steps", "步数", primary=True),), runs=(Run("1", {"steps": 8}),))


@pytest.fixture(autouse=True)
def checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("ADLK_CHECKPOINTS", str(tmp_path / "ckpt"))


def test_resumed_row_time_covers_every_part(tmp_path, monkeypatch):
    """A row stopped at a checkpoint and finished later reports the time of both parts, not only the last."""
    with monkeypatch.context() as m:
        m.setattr(RunContext, "out_of_time", lambda self: True)
        assert reproduce(SPIN_TABLE, tmp_path, profile=SMOKE, progress=False).left == ["ch99/spin/1"]
    assert reproduce(SPIN_TABLE, tmp_path, profile=SMOKE, progress=False).ran == ["ch99/spin/1"]
    timing = read_result(result_path(tmp_path, SPIN_TABLE, SPIN_TABLE.run("1")))["timing"]
    steps = SPIN_TABLE.run("1").params["steps"]
    assert timing["parts"] == 2
    # the second part alone did 6 of the 8 steps: a total covering both parts is at least all 8 steps' CPU time
    assert timing["cpu_seconds"] >= 0.9 * steps * SPIN
    assert timing["wall_seconds"] >= 0.9 * steps * SPIN
    assert timing["per_seed"]["0"]["parts"] == 2
    for key in ("load_average_start", "load_average_end"):
        assert len(timing[key]) == 3
    assert "others_cpu_seconds" in timing and timing["others_cpu_seconds"] >= 0


def test_uninterrupted_row_records_cpu_time_and_load(tmp_path):
    reproduce(SPIN_TABLE, tmp_path, profile=SMOKE, progress=False)
    data = read_result(result_path(tmp_path, SPIN_TABLE, SPIN_TABLE.run("1")))
    timing = data["timing"]
    assert timing["parts"] == 1 and timing["cpu_seconds"] >= 0.9 * 8 * SPIN
    assert timing["cpu_seconds"] <= timing["wall_seconds"] * data["provenance"]["cpu_count"] + 0.5


def test_under_load_from_what_other_programs_used():
    quiet = {"timing": {"wall_seconds": 100.0, "others_cpu_seconds": 10.0}, "provenance": {"cpu_count": 2}}
    busy = {"timing": {"wall_seconds": 100.0, "others_cpu_seconds": 120.0}, "provenance": {"cpu_count": 2}}
    assert others_share(quiet["timing"], 2) == pytest.approx(0.05) and not under_load(quiet)
    assert others_share(busy["timing"], 2) == pytest.approx(0.6) and under_load(busy)
    edge = {"timing": {"wall_seconds": 100.0, "others_cpu_seconds": 200 * LOADED_SHARE}, "provenance": {"cpu_count": 2}}
    assert not under_load(edge), "exactly the threshold is not yet loaded"


def test_older_results_are_judged_by_the_load_at_their_end():
    """Older files have only the load average at the end of the row, which includes the row's own training."""
    own = {"timing": {"wall_seconds": 60}, "provenance": {"cpu_count": 2, "load_average": [3.9, 3, 2]}}
    loaded = {"timing": {"wall_seconds": 60}, "provenance": {"cpu_count": 2, "load_average": [4.1, 3, 2]}}
    assert not under_load(own) and under_load(loaded)


def test_loaded_rows_are_marked_and_explained():
    from adlk.site.report import LOADED_MARK, render_table

    table = Table(chapter="ch99", name="t", title="t", task="tests.test_timing:spin_task",
                  metrics=(Metric("steps", "步数", primary=True),), runs=(Run("a", {}), Run("b", {})))
    base = {"run": {"seeds": [0]}, "metrics": {"steps": 1.0}, "counts": {},
            "provenance": {"profile": "full", "cpu": "x", "cpu_count": 2, "os": "Linux", "python": "3.12",
                           "tensorflow": "2", "keras": "3", "date": "2026-01-01", "load_average": [1, 1, 1]}}
    quiet = {**base, "timing": {"wall_seconds": 600.0, "cpu_seconds": 900.0, "others_cpu_seconds": 0.0}}
    busy = {**base, "timing": {"wall_seconds": 600.0, "cpu_seconds": 500.0, "others_cpu_seconds": 900.0}}
    md = render_table(table, {"a": quiet, "b": busy})
    rows = {line.split("|")[1].strip(): line for line in md.splitlines() if line.startswith("| a") or line.startswith("| b")}
    assert LOADED_MARK not in rows["a"] and f"10.0{LOADED_MARK}" in rows["b"]
    assert "不能和别的行比较快慢" in md
    assert LOADED_MARK not in render_table(table, {"a": quiet})


def _fake_candidates(calls: list[str]):
    def make(name: str, seconds: float):
        def build():
            return lambda: (calls.append(name), _spin(seconds))
        return build
    return {"slow": make("slow", 0.006), "fast": make("fast", 0.002), "mid": make("mid", 0.004)}


def test_step_measurement_ranks_candidates_and_rotates_the_order():
    calls: list[str] = []
    data = speed.measure_steps(_fake_candidates(calls), steps=3, warmup=1, rounds=3, log=None)
    assert speed.ranking(data) == ["fast", "mid", "slow"]
    timed = calls[6:]  # after the warm-up: one call each, twice round
    firsts = [timed[i * 9] for i in range(3)]
    assert firsts == ["slow", "fast", "mid"], "each round starts with the next candidate"
    for name, seconds in (("fast", 0.002), ("slow", 0.006)):
        assert speed.per_step(data, name) == pytest.approx(seconds, rel=0.5)
    assert data["timing"]["load_average_start"] and "others_cpu_seconds" in data["timing"]


def test_extrapolation_and_its_sentence_agree():
    data = {"candidates": {"m": {"cpu_seconds_per_step": 0.5, "wall_seconds_per_step": 0.6}},
            "provenance": {"cpu_count": 2}, "timing": {"wall_seconds": 100.0, "others_cpu_seconds": 150.0}}
    e = speed.extrapolate(data, "m", 72_000)
    assert e["cpu_hours"] == pytest.approx(10) and e["wall_hours_low"] == pytest.approx(5)
    assert e["wall_hours_high"] == pytest.approx(10) and e["wall_hours_measured"] == pytest.approx(12)
    text = speed.extrapolation_sentence(data, "m", "M", 72_000, "全程")
    assert "72,000 步，只算训练步" in text and "约需 10 个 CPU 小时" in text and "在 5 到 10 小时之间" in text


def test_bad_measurement_settings_are_explained():
    with pytest.raises(ValueError, match="steps and rounds"):
        speed.measure_steps({}, steps=0)


def test_damaged_benchmark_file_is_named(tmp_path):
    path = tmp_path / "cpu-x.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        speed.read_bench(path)
    assert speed.read_bench(tmp_path / "missing.json") is None


def test_a_quiet_measurement_extrapolates_its_measured_wall_time():
    data = {"candidates": {"m": {"cpu_seconds_per_step": 0.5, "wall_seconds_per_step": 0.3}},
            "provenance": {"cpu_count": 2}, "timing": {"wall_seconds": 100.0, "others_cpu_seconds": 2.0}}
    text = speed.extrapolation_sentence(data, "m", "M", 72_000, "全程")
    assert "约需 10 个 CPU 小时" in text and "每步 0.300 秒），在这台机器上约 6 小时" in text
    assert "之间" not in text
