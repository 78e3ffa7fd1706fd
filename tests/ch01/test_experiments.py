"""第 1 章的对比表：声明齐全，旧结果文件仍然有效，每一行都能经运行器在 smoke 档位下跑通。"""

import pytest

from adlk.ch01.experiments import REFERENCE_ROWS, TABLES, legacy_key, table
from adlk.profiles import get_profile
from adlk.runs.registry import tables
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import reproduce, status
from tests.conftest import DOCS


def test_tables_have_all_book_rows():
    assert {t.name: len(t.runs) for t in TABLES} == {"mlp": 18, "cnn": 4, "rnn": 4, "mlp-sgd": 3, "figure-cnn": 1}
    mlp = table("mlp")
    assert mlp.run("16").book["test_accuracy"] == 98.5 and mlp.run("16").params["build"]["dropout"] == 0.45
    assert mlp.run("1").params["build"]["activation"] is None and mlp.run("1").show["ReLU"] == "否"
    assert mlp.run("2").params["build"]["l2"] == 0.001
    assert table("rnn").run("4").params["build"]["units"] == 512
    assert REFERENCE_ROWS == {"mlp": "16", "cnn": "3", "rnn": "1"}
    assert [t.id for t in tables("ch01")] == [t.id for t in TABLES]


def test_unknown_table_lists_valid_ones():
    with pytest.raises(ValueError, match="valid tables: mlp, cnn, rnn, mlp-sgd, figure-cnn"):
        table("gan")


def test_legacy_files_keep_their_keys():
    """第 1 版格式的结果文件按当初的算法核对：代码与版本没变，它们就仍然有效。"""
    full = get_profile("full")
    path = result_path(DOCS / "results" / "cpu", table("mlp"), table("mlp").run("16"))
    data = read_result(path)
    if data["schema"] != 1:
        pytest.skip("row 16 has been re-recorded in schema 2")
    assert data["key"] == legacy_key(table("mlp"), table("mlp").run("16"), full, 0)
    assert status(table("mlp"), table("mlp").run("16"), DOCS / "results" / "cpu", full) == "current"
    assert status(table("mlp"), table("mlp").run("16"), DOCS / "results" / "cpu", get_profile("smoke")) == "stale"


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_first_row_of_each_table_runs_through_the_runner_in_smoke(tmp_path, t):
    """每张表的第一行经运行器在 smoke 档位下完整跑一遍（训练、写结果文件、渲染表格）。

    其余各行与第一行走同一个任务函数，只是参数不同；它们的参数由下面的
    ``test_every_row_builds_and_compiles`` 逐行检查，免得 CI 把 29 行都训练一遍。
    """
    from adlk.site.report import render_table

    smoke = get_profile("smoke")
    out = tmp_path / "results" / "cpu"
    first_run = t.runs[0]
    summary = reproduce(t, out, only=[first_run.row], profile=smoke, progress=False, verbose=0)
    assert summary.ran == [f"{t.id}/{first_run.row}"]
    first = read_result(result_path(out, t, first_run))
    assert first["counts"]["train_samples"] == 1000 and first["counts"]["epochs"] <= 2
    assert 0.0 <= first["metrics"]["test_accuracy"] <= 1.0
    for key in ("profile", "seed", "cpu", "os", "python", "tensorflow", "keras", "date", "device", "dtype_policy"):
        assert first["provenance"][key] not in (None, "")
    md = render_table(t, {first_run.row: first})
    assert "1 行有记录" in md and "`smoke` 档位" in md
    if t.name == "figure-cnn":
        assert (out / "ch01" / "figure-cnn" / first["artifacts"]["weights"]).stat().st_size > 100_000


def test_every_row_builds_and_compiles():
    """每一行的参数都能搭出模型、造出优化器：与任务函数用的是同一套构建函数。

    许多行只有优化器不同，所以每种结构只搭一次、每种优化器设置只造一次。
    """
    import json

    from adlk.ch01.models import BUILDERS
    from adlk.training import make_optimizer

    builds, optimizers = {}, set()
    for t in TABLES:
        for run in t.runs:
            p = run.params
            assert isinstance(p["epochs"], int) and p["epochs"] >= 1 and p["batch_size"] == 128, (t.name, run.row)
            builds.setdefault(json.dumps([p["model"], p["build"]], sort_keys=True), (p["model"], p["build"]))
            optimizers.add(p["optimizer"])
    for model_name, build in builds.values():
        assert BUILDERS[model_name](**build).count_params() > 0, (model_name, build)
    for name in optimizers:
        assert make_optimizer(name).learning_rate is not None, name
