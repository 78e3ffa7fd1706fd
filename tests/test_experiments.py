import json

import pytest

from adlk import experiments
from adlk.cli import main
from adlk.experiments import (TABLES, ExperimentError, ResultFileError, read_result, reproduce,
                              result_path, select_rows, write_json_atomic)
from adlk.profiles import get_profile


def test_tables_have_all_book_rows():
    assert {t: len(r) for t, r in TABLES.items()} == {"mlp": 18, "cnn": 4, "rnn": 4, "mlp-sgd": 3}
    assert TABLES["mlp"][15].book.test == 98.5 and TABLES["mlp"][15].params["dropout"] == 0.45
    assert TABLES["mlp"][0].params["activation"] is None
    assert TABLES["mlp"][1].params["l2"] == 0.001
    assert TABLES["rnn"][3].params["units"] == 512


def test_unknown_names_list_valid_ones():
    with pytest.raises(ExperimentError, match="valid tables: mlp, cnn, rnn, mlp-sgd"):
        select_rows("gan")
    with pytest.raises(ExperimentError, match="valid rows: 1, 2, 3, 4"):
        select_rows("cnn", ["7"])


def test_cli_reports_bad_names(capsys):
    assert main(["reproduce", "gan", "--profile", "smoke", "--out", "/tmp/x"]) == 2
    assert "valid tables" in capsys.readouterr().err
    assert main(["reproduce", "mlp", "--profile", "quick", "--out", "/tmp/x"]) == 2
    assert "valid profiles: full, smoke" in capsys.readouterr().err


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
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


def test_interrupted_run_resumes_without_redoing_rows(tmp_path, monkeypatch):
    """打断在第 2 行：第 1 行的结果保留；再跑时只训练缺的行，已有的行不重做。"""
    smoke = get_profile("smoke")
    real = experiments.run_row
    calls = []

    def interrupted(config, profile, seed=0, verbose=None, options=None):
        if config.row == "2" and not calls.count("boom"):
            calls.append("boom")
            raise KeyboardInterrupt
        calls.append(config.row)
        return real(config, profile, seed, verbose=0, options=options)

    monkeypatch.setattr(experiments, "run_row", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reproduce("mlp", tmp_path, only=["1", "2"], profile=smoke, progress=False)
    first = result_path(tmp_path, TABLES["mlp"][0])
    assert first.is_file() and not result_path(tmp_path, TABLES["mlp"][1]).exists()
    stamp = first.read_text()

    summary = reproduce("mlp", tmp_path, only=["1", "2"], profile=smoke, progress=False)
    assert summary.skipped == ["mlp/1"] and summary.ran == ["mlp/2"]
    assert calls == ["1", "boom", "2"]
    assert first.read_text() == stamp

    data = read_result(result_path(tmp_path, TABLES["mlp"][1]))
    m, p = data["metrics"], data["provenance"]
    assert m["train_samples"] == 1000 and m["epochs"] == 2 and 0.0 <= m["test_accuracy"] <= 1.0
    assert m["parameters"] == 269_322
    for key in ("profile", "seed", "cpu", "os", "python", "tensorflow", "keras", "date", "device"):
        assert p[key] not in (None, "")
    assert p["profile"] == "smoke"

    # 配置变了（例如换了档位）就不再“有效”，会重跑
    assert not experiments.is_current(result_path(tmp_path, TABLES["mlp"][0]),
                                      experiments.run_key(TABLES["mlp"][0], get_profile("full"), 0))


def test_every_row_runs_through_the_runner_in_smoke(tmp_path):
    """CI 每次都用同一个运行器把所有表的每一行在 smoke 档位下跑一遍，再渲染成表格。"""
    from adlk.report import generate_tables

    smoke = get_profile("smoke")
    for table in TABLES:
        summary = reproduce(table, tmp_path / "results" / "cpu", profile=smoke, progress=False)
        assert len(summary.ran) == len(TABLES[table])
    written = generate_tables(tmp_path / "results", tmp_path / "generated", tmp_path / "figures")
    md = (tmp_path / "generated" / "ch01" / "table-mlp.md").read_text(encoding="utf-8")
    assert "18 行有记录" in md and "`smoke` 档位" in md
    assert all(p.exists() for p in written)
