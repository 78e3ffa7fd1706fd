"""第 8 章页面上的说法，用提交的结果文件（docs/results/cpu/ch08/）核对。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch08.experiments import TABLES
from adlk.ch08.report import class_share
from adlk.runs.results import read_result, result_path
from adlk.site.figures import load_artifact
from tests.conftest import DOCS

RESULTS = DOCS / "results" / "cpu"
ROWS = [(t, r) for t in TABLES for r in t.runs]


def _result(table_id: str, row: str) -> dict:
    table = next(t for t in TABLES if t.id == table_id)
    path = result_path(RESULTS, table, table.run(row))
    assert path.is_file(), f"{path} is missing: run `python -m adlk reproduce {table_id} --only {row}`"
    return read_result(path)


def _metrics(table_id: str, row: str) -> dict[str, float]:
    return _result(table_id, row)["metrics"]


@pytest.mark.parametrize("table, run", ROWS, ids=[f"{t.name}/{r.row}" for t, r in ROWS])
def test_every_row_is_recorded_at_its_settings_with_the_books_parameter_count(table, run):
    data = _result(table.id, run.row)
    assert data["run"]["params"] == run.params
    assert data["counts"]["epochs"] == run.params["epochs"]
    assert data["counts"]["train_samples"] == 60_000 and data["counts"]["test_samples"] == 10_000
    assert data["metrics"]["parameters"] == run.book["parameters"]
    m = data["metrics"]
    assert m["test_loss"] == pytest.approx(m["test_reconstruction"] + m["test_kl"])
    assert m["test_kl"] == pytest.approx(m["kl_dim0"] + m["kl_dim1"], rel=0.05)


@pytest.mark.parametrize("table, run", ROWS, ids=[f"{t.name}/{r.row}" for t, r in ROWS])
def test_artifacts_are_small(table, run):
    data = _result(table.id, run.row)
    for name in data["artifacts"].values():
        size = (RESULTS / table.id / name).stat().st_size
        assert size < 300_000, f"{name}: {size} bytes"
