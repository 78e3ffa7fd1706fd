"""The generic runner: any metric, several seeds, skip-if-current, budgets, checkpoints and resume."""

from __future__ import annotations

import json

import numpy as np
import pytest

from adlk.profiles import get_profile
from adlk.runs import runner
from adlk.runs.context import RunContext, RunDeferred, keras_state, load_keras_state
from adlk.runs.results import ResultFileError, read_result, result_path, write_json_atomic
from adlk.runs.runner import reproduce, row_table, run_key, status
from adlk.runs.spec import Metric, Run, Table, TaskResult

SMOKE = get_profile("smoke")
STEPS = 6
CHUNK = 2


def _model():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return model


def loop_task(run: Run, ctx: RunContext) -> TaskResult:
    """A custom training loop in chunks: reseed per chunk, checkpoint model + optimizer, stop when out of time."""
    model = _model()
    step, losses = 0, []
    restored = ctx.restore()
    if restored is not None:
        state, arrays = restored
        model.optimizer.build(model.trainable_variables)
        load_keras_state(arrays, model, model.optimizer)
        step, losses = state["step"], state["losses"]
    while step < run.params["steps"]:
        ctx.reseed(step)
        rng = ctx.rng(step)
        for _ in range(CHUNK):
            x = rng.normal(size=(16, 3)).astype("float32")
            losses.append(float(model.train_on_batch(x, x.sum(axis=1, keepdims=True))))
            step += 1
        if step < run.params["steps"]:
            late = ctx.out_of_time()
            ctx.checkpoint({"step": step, "losses": losses}, keras_state(model, model.optimizer), force=late)
            if late:
                raise RunDeferred(f"stopped at step {step}")
    ctx.save_npz("weights", **{f"w{i}": w for i, w in enumerate(model.get_weights())})
    return TaskResult(metrics={"final_loss": losses[-1], "mean_loss": float(np.mean(losses))},
                      history={"loss": losses}, counts={"steps": step})


def fit_task(run: Run, ctx: RunContext) -> TaskResult:
    """fit-based training through adlk.training.fit_resumable."""
    from adlk.training import fit_resumable

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = _model()
    history = fit_resumable(model, x, y, epochs=run.params["epochs"], ctx=ctx, batch_size=16, verbose=0)
    ctx.save_npz("weights", **{f"w{i}": w for i, w in enumerate(model.get_weights())})
    return TaskResult(metrics={"final_loss": history["loss"][-1], "mean_loss": float(np.mean(history["loss"]))},
                      history=history, counts={"epochs": len(history["loss"])})


METRICS = (Metric("final_loss", "最终损失", digits=4, higher_is_better=False, primary=True),)
LOOP = Table(chapter="ch99", name="loop", title="toy loop", task="tests.test_runner:loop_task", metrics=METRICS,
             runs=(Run("1", {"steps": STEPS}), Run("seeds", {"steps": 2}, seeds=(0, 1, 2))))
FIT = Table(chapter="ch99", name="fit", title="toy fit", task="tests.test_runner:fit_task", metrics=METRICS,
            runs=(Run("1", {"epochs": 4}),))


@pytest.fixture(autouse=True)
def checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("ADLK_CHECKPOINTS", str(tmp_path / "ckpt"))
    return tmp_path / "ckpt"


def _weights(out, table, row="1"):
    data = read_result(result_path(out, table, table.run(row)))
    with np.load(result_path(out, table, table.run(row)).parent / data["artifacts"]["weights"]) as f:
        return data, [f[k] for k in sorted(f.files)]


@pytest.mark.parametrize("table", [LOOP, FIT], ids=["custom-loop", "fit_resumable"])
def test_interrupted_run_resumes_and_equals_an_uninterrupted_one(tmp_path, table, checkpoints, monkeypatch):
    whole = reproduce(table, tmp_path / "whole", only=["1"], profile=SMOKE, progress=False)
    assert whole.ran == ["ch99/" + table.name + "/1"]

    # the time budget runs out during the row: the task checkpoints after its first chunk/epoch and stops
    with monkeypatch.context() as m:
        m.setattr(RunContext, "out_of_time", lambda self: True)
        first = reproduce(table, tmp_path / "cut", only=["1"], profile=SMOKE, progress=False)
    assert first.left == [f"ch99/{table.name}/1"] and not first.ran
    assert not result_path(tmp_path / "cut", table, table.run("1")).exists(), "no result file before the end"
    assert list(checkpoints.rglob("state.json")), "a checkpoint outside docs/"
    state = json.loads(next(checkpoints.rglob("state.json")).read_text())
    assert state["state"].get("step", state["state"].get("epoch")) in (CHUNK, 1)

    second = reproduce(table, tmp_path / "cut", only=["1"], profile=SMOKE, progress=False)
    assert second.ran == [f"ch99/{table.name}/1"]
    assert not list(checkpoints.rglob("state.json")), "the checkpoint is removed once the result is written"
    a, wa = _weights(tmp_path / "whole", table)
    b, wb = _weights(tmp_path / "cut", table)
    assert a["history"] == b["history"] and a["metrics"] == b["metrics"]
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def test_checkpoint_of_other_code_is_ignored(tmp_path):
    ctx = RunContext(profile=SMOKE, key="old", checkpoint_dir=tmp_path / "c", every_seconds=0)
    ctx.checkpoint({"step": 3}, [np.zeros(2)])
    assert ctx.restore()[0] == {"step": 3}
    assert RunContext(profile=SMOKE, key="new", checkpoint_dir=tmp_path / "c").restore() is None


def test_damaged_checkpoint_is_named(tmp_path):
    ctx = RunContext(profile=SMOKE, key="k", checkpoint_dir=tmp_path / "c", every_seconds=0)
    ctx.checkpoint({"step": 1}, [np.ones(3)])
    next((tmp_path / "c").glob("arrays-*.npz")).write_bytes(b"not a zip")
    with pytest.raises(Exception, match="delete that folder"):
        ctx.restore()


def test_seeds_are_aggregated_and_rendered_as_mean_and_spread(tmp_path):
    from adlk.site.report import render_table

    summary = reproduce(LOOP, tmp_path, only=["seeds"], profile=SMOKE, progress=False)
    assert summary.ran == ["ch99/loop/seeds"]
    data = read_result(result_path(tmp_path, LOOP, LOOP.run("seeds")))
    per = [data["per_seed"][s]["final_loss"] for s in ("0", "1", "2")]
    assert len(set(per)) == 3, "different seeds give different runs"
    assert data["metrics"]["final_loss"] == pytest.approx(np.mean(per))
    assert data["spread"]["final_loss"] == pytest.approx(np.std(per, ddof=1))
    assert set(data["artifacts"]) == {"weights@0", "weights@1", "weights@2"}
    assert sorted(runner.histories(data)) == ["0", "1", "2"]
    md = render_table(LOOP, {"seeds": data})
    assert f"{np.mean(per):.4f} ± {np.std(per, ddof=1):.4f}" in md and "平均值 ± 标准差" in md


def test_a_row_finished_from_a_checkpoint_says_its_time_is_partial(tmp_path):
    """Epochs trained before a resume were not timed: the table and the provenance line say so."""
    from adlk.runs.provenance import provenance_line, timed_epochs
    from adlk.site.report import render_table

    reproduce(LOOP, tmp_path, only=["1"], profile=SMOKE, progress=False)
    data = read_result(result_path(tmp_path, LOOP, LOOP.run("1")))
    data["provenance"]["load_average"] = [0.0, 0.0, 0.0]  # 不受这台机器此刻负载的影响（负载标记另有测试）
    whole = {**data, "counts": {"epochs": 3}, "timing": {"seconds_per_epoch": [1.0, 1.0, 1.0], "wall_seconds": 180}}
    part = {**whole, "timing": {"seconds_per_epoch": [1.0], "wall_seconds": 60}}
    assert timed_epochs(whole) is None and timed_epochs(part) == 1 and timed_epochs(data) is None
    assert "只含最后" not in render_table(LOOP, {"1": whole}) and "续跑" not in provenance_line([whole])
    md = render_table(LOOP, {"1": part})
    assert "1.0（只含最后 1 轮）" in md and "续跑之前各轮的用时没有记下" in md
    assert "从检查点续跑的行只计续跑之后的部分" in provenance_line([part])


def test_current_rows_are_skipped_and_changes_make_them_stale(tmp_path):
    reproduce(LOOP, tmp_path, only=["1"], profile=SMOKE, progress=False)
    again = reproduce(LOOP, tmp_path, only=["1"], profile=SMOKE, progress=False)
    assert again.skipped == ["ch99/loop/1"] and not again.ran
    assert status(LOOP, LOOP.run("1"), tmp_path, SMOKE) == "current"
    assert status(LOOP, LOOP.run("1"), tmp_path, get_profile("full")) == "stale"
    changed = Run("1", {"steps": STEPS + 2})
    assert run_key(LOOP, changed, SMOKE) != run_key(LOOP, LOOP.run("1"), SMOKE)
    lines = row_table([LOOP], tmp_path.parent, SMOKE)
    assert [ln["row"] for ln in lines] == ["1", "seeds"]


def test_snapshot_keeps_keys_of_the_code_that_was_imported(tmp_path, monkeypatch):
    """A file edited while a recording runs must not change the keys of that recording's later rows."""
    import importlib
    import sys

    (tmp_path / "edited_task.py").write_text("def task(run, ctx):\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    table = Table(chapter="ch99", name="edit", title="t", task="edited_task:task", metrics=METRICS,
                  runs=(Run("1", {}),))
    monkeypatch.setattr(runner, "_SNAPSHOT", None)
    runner.snapshot_sources([table])
    before = run_key(table, table.run("1"), SMOKE)
    (tmp_path / "edited_task.py").write_text("def task(run, ctx):\n    return 2  # edited\n")
    assert run_key(table, table.run("1"), SMOKE) == before
    monkeypatch.setattr(runner, "_SNAPSHOT", None)  # without a snapshot the key follows the file
    assert run_key(table, table.run("1"), SMOKE) != before
    sys.modules.pop("edited_task", None)


def test_new_results_record_the_constants_their_task_reads(monkeypatch):
    """Module-level constants are written into the result (not into the key, which would stale every row)."""
    import sys

    data = runner.run_row(LOOP, LOOP.run("1"), SMOKE)
    assert data["constants"]["tests.test_runner:CHUNK"] == CHUNK
    key = run_key(LOOP, LOOP.run("1"), SMOKE)
    changed = CHUNK + 1
    monkeypatch.setattr(sys.modules[loop_task.__module__], "CHUNK", changed)
    assert runner.task_constants(LOOP)["tests.test_runner:CHUNK"] == changed
    assert run_key(LOOP, LOOP.run("1"), SMOKE) == key


def test_names_are_not_part_of_the_key():
    renamed = Table(chapter="ch98", name="other", title="x", task=LOOP.task, metrics=METRICS, runs=LOOP.runs)
    assert run_key(renamed, renamed.run("1"), SMOKE) == run_key(LOOP, LOOP.run("1"), SMOKE)


def test_bad_declarations_and_names_are_explained():
    with pytest.raises(ValueError, match="unknown metric"):
        Table(chapter="ch99", name="t", title="t", task=LOOP.task, metrics=METRICS,
              runs=(Run("1", {}, book={"accuracy": 1.0}),))
    with pytest.raises(ValueError, match="chapter must look like"):
        Table(chapter="chapter1", name="t", title="t", task=LOOP.task, metrics=METRICS, runs=())
    with pytest.raises(ValueError, match="valid rows: 1, seeds"):
        LOOP.run("7")
    with pytest.raises(ValueError, match="cannot resolve"):
        run_key(Table(chapter="ch99", name="t", title="t", task="tests.test_runner:nope", metrics=METRICS,
                      runs=(Run("1", {}),)), Run("1", {}), SMOKE)


def test_task_missing_a_declared_metric_is_an_error(tmp_path):
    bad = Table(chapter="ch99", name="bad", title="t", task=LOOP.task,
                metrics=(Metric("accuracy", "准确率"),), runs=(Run("1", {"steps": 2}),))
    with pytest.raises(ValueError, match="did not return metric"):
        reproduce(bad, tmp_path, profile=SMOKE, progress=False)


def test_atomic_write_interrupted_at_the_rename_keeps_the_old_file(tmp_path, monkeypatch):
    """The new text is fully written to the temporary file, then the rename fails: the old file is intact and
    the temporary file is removed."""
    import os
    from pathlib import Path

    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": 1})
    renames = []

    def interrupted(src, dst):
        renames.append((Path(src), Path(dst)))
        assert json.loads(Path(src).read_text()) == {"a": 2}  # the new content reached the temporary file
        raise KeyboardInterrupt("interrupted at the rename")

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(path, {"a": 2})
    assert renames and renames[0][1] == path and renames[0][0].parent == tmp_path
    assert json.loads(path.read_text()) == {"a": 1}
    assert list(tmp_path.iterdir()) == [path], "temporary file left behind"


def test_atomic_write_of_unserialisable_data_touches_nothing(tmp_path):
    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": 1})

    class Boom:
        pass

    with pytest.raises(TypeError):
        write_json_atomic(path, {"a": Boom()})
    assert json.loads(path.read_text()) == {"a": 1}
    assert list(tmp_path.iterdir()) == [path]


def test_damaged_result_file_is_named(tmp_path):
    path = tmp_path / "row01.json"
    path.write_text("{not json")
    with pytest.raises(ResultFileError, match="delete it and re-run"):
        read_result(path)


def test_cli_names_unknown_chapters_tables_and_rows(capsys):
    from adlk.cli import main

    assert main(["reproduce", "ch77", "--profile", "smoke", "--out", "/tmp/x"]) == 2
    assert "valid chapters: ch01" in capsys.readouterr().err
    assert main(["reproduce", "ch01/gan", "--profile", "smoke", "--out", "/tmp/x"]) == 2
    assert "valid tables: mlp, cnn, rnn, mlp-sgd" in capsys.readouterr().err
    assert main(["reproduce", "mlp", "--profile", "smoke", "--out", "/tmp/x"]) == 2
    assert "did you mean ch01/mlp" in capsys.readouterr().err
    assert main(["reproduce", "ch01/cnn", "--only", "7", "--profile", "smoke", "--out", "/tmp/x"]) == 2
    assert "valid rows: 1, 2, 3, 4" in capsys.readouterr().err
    assert main(["reproduce", "ch01/mlp", "--profile", "quick", "--out", "/tmp/x"]) == 2
    assert "valid profiles: full, smoke" in capsys.readouterr().err
    assert main(["reproduce", "ch01/mlp", "--policy", "float8", "--out", "/tmp/x"]) == 2
    assert "valid policies: float32, mixed_bfloat16" in capsys.readouterr().err


def test_generated_sentences_put_a_space_between_chinese_and_latin():
    """Generated sentences put a space where Chinese text meets a Latin name, and only there."""
    from adlk.site.report import spaced

    assert spaced("本站的", "ACGAN", "训练了") == "本站的 ACGAN 训练了"
    assert spaced("本站的", "条件 GAN", "训练了") == "本站的条件 GAN 训练了"
    assert spaced("尚无", "评判网络", "的记录") == "尚无评判网络的记录"
