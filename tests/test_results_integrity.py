"""Every committed result file, in every chapter, checked for integrity; chapters are discovered, never listed.

The files are found through :mod:`adlk.runs.registry` (every declared row of every chapter, on every device
folder that has a result for it), so a new chapter's results are covered as soon as its tables are declared.
Each check is its own test function, parametrized by the file, so a failure names the file and the check:

- ``test_result_is_current``: the file's validity key matches the code and settings of today (what
  ``python -m adlk list`` calls *current*); otherwise the page shows numbers of code that no longer exists.
- ``test_result_records_the_declared_row``: the file records the params and seeds its row declares.
- ``test_aggregates_are_mean_and_sample_spread_of_the_seeds``: ``metrics`` is the mean of ``per_seed`` and
  ``spread`` the sample standard deviation (``ddof=1``); one seed has no spread.
- ``test_final_metrics_equal_the_last_history_value``: a final metric equals the last value of the curve it
  summarises. Pairs are found by name: metric ``k`` and curve ``snapshot_k`` (GAN snapshots), metric ``final_k``
  and curve ``k``, metric ``train_k`` and curve ``k`` (the last epoch of Keras's ``History``).
- ``test_rendered_cell_is_the_value_at_the_metric_scale``: the table on the page shows, for every metric
  column, the mean (and ``± spread``) at the metric's scale and digits, computed here independently of the
  renderer.
- ``test_every_result_file_belongs_to_a_declared_row``: no orphaned result file lingers under a chapter.
- ``test_recorded_constants_are_todays``: files that record the module-level constants their task read
  (``constants``, written by the runner since these were not part of the validity key) still match today's.
- ``test_generated_mean_and_spread_use_one_scale``: every "a ± b" in a chapter's generated snippets is the mean
  and sample spread of one metric of a row the snippet uses, both at the same scale (1 or the metric's).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from adlk.profiles import get_profile
from adlk.runs.registry import chapters, tables
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import histories, status
from adlk.runs.spec import Run, Table
from tests.conftest import DOCS

RESULTS = DOCS / "results"
DEVICES = ("cpu", "gpu")
FULL = get_profile("full")


@dataclass(frozen=True)
class Recorded:
    """One committed result file and the row that declares it."""

    device: str
    table: Table
    run: Run

    @property
    def path(self) -> Path:
        return result_path(RESULTS / self.device, self.table, self.run)

    @property
    def name(self) -> str:
        return self.path.relative_to(RESULTS).as_posix()

    def data(self) -> dict:
        return read_result(self.path)


def discover() -> list[Recorded]:
    """Every result file of every declared row of every discovered chapter, on every device."""
    return [Recorded(device, t, r) for device in DEVICES for t in tables() for r in t.runs
            if result_path(RESULTS / device, t, r).is_file()]


RECORDED = discover()
IDS = [r.name for r in RECORDED]


def _close(a: float, b: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def final_pairs(metrics: dict, history: dict) -> list[tuple[str, str]]:
    """``(metric, curve)`` pairs where the metric is, by its name, the last value of the curve."""
    pairs = []
    for key in metrics:
        for curve in (f"snapshot_{key}", key.removeprefix("final_") if key.startswith("final_") else None,
                      key.removeprefix("train_") if key.startswith("train_") else None):
            if curve and isinstance(history.get(curve), list) and history[curve]:
                pairs.append((key, curve))
    return pairs


def expected_cell(metric, data: dict) -> str:
    """What the table must show for one metric of one result, written out here, not by the renderer."""
    value = data["metrics"].get(metric.key)
    if value is None:
        return "—"
    text = f"{metric.scale * value:.{metric.digits}f}"
    seeds = data["run"]["seeds"]
    if len(seeds) > 1:
        values = np.array([data["per_seed"][str(s)][metric.key] for s in seeds], dtype=float)
        text += f" ± {metric.scale * values.std(ddof=1):.{metric.digits}f}"
    return text


def rendered_cells(table: Table, run: Run, data: dict) -> dict[str, str]:
    """The metric cells of the row's line in the rendered Markdown table (bold and the book's value removed)."""
    from adlk.site.report import render_table, table_layout

    text = render_table(table, {run.row: data})
    numbered, columns, _ = table_layout(table)
    # numbered rows start with their id; named rows carry it as `id` under the first column's value
    mark = f"| {run.row} |" if numbered else f"`{run.row}` |"
    line = next(ln for ln in text.splitlines() if ln.startswith("| ") and mark in ln)
    cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
    first = int(numbered) + len(columns)
    out = {}
    for i, metric in enumerate(table.metrics):
        cell = cells[first + i]
        out[metric.key] = cell.split(" / ")[0].strip().removeprefix("**").removesuffix("**")
    return out


def test_results_are_discovered_in_every_chapter_with_results():
    """The discovery finds files, and every chapter folder under docs/results/<device>/ yields some."""
    assert len(RECORDED) >= 60
    found = {(r.device, r.table.chapter) for r in RECORDED}
    for device in DEVICES:
        base = RESULTS / device
        for folder in sorted(base.glob("ch[0-9][0-9]")) if base.is_dir() else []:
            if any(folder.rglob("*.json")):
                assert (device, folder.name) in found, f"{folder}: result files of no declared table"
    assert {ch for _, ch in found} <= set(chapters())


def test_every_result_file_belongs_to_a_declared_row():
    """A result file that no declared row reads is never shown and never checked: remove it or declare its row."""
    known = {r.path for r in RECORDED}
    orphans = [p.relative_to(RESULTS).as_posix() for device in DEVICES
               for p in sorted((RESULTS / device).glob("ch[0-9][0-9]/*/*.json")) if p not in known]
    assert not orphans, f"result files of no declared row: {orphans}"


@pytest.mark.parametrize("rec", RECORDED, ids=IDS)
def test_result_is_current(rec: Recorded):
    assert status(rec.table, rec.run, RESULTS / rec.device, FULL) == "current", (
        f"{rec.name} was recorded with other code or settings (stale): re-run "
        f"`python -m adlk reproduce {rec.table.id} --only {rec.run.row}`")


@pytest.mark.parametrize("rec", RECORDED, ids=IDS)
def test_result_records_the_declared_row(rec: Recorded):
    data = rec.data()
    assert data["provenance"].get("profile") == "full", f"{rec.name}: not a full-profile run"
    assert [int(s) for s in data["run"]["seeds"]] == list(rec.run.seeds), f"{rec.name}: seeds differ from the row"
    if data["schema"] != 1:  # schema-1 files (chapter 1) store their settings in another shape; the key covers them
        assert data["run"]["params"] == rec.run.params, f"{rec.name}: params differ from the row's declaration"
        assert (data["table"], data["row"]) == (rec.table.name, rec.run.row), rec.name


@pytest.mark.parametrize("rec", RECORDED, ids=IDS)
def test_aggregates_are_mean_and_sample_spread_of_the_seeds(rec: Recorded):
    data = rec.data()
    seeds = [str(s) for s in data["run"]["seeds"]]
    per_seed = data["per_seed"]
    assert sorted(per_seed) == sorted(seeds), f"{rec.name}: per_seed has {sorted(per_seed)}, seeds are {seeds}"
    wrong = []
    for key, mean in data["metrics"].items():
        if not all(key in per_seed[s] for s in seeds):
            wrong.append(f"{key}: missing in some seeds")
            continue
        values = np.array([per_seed[s][key] for s in seeds], dtype=float)
        if not _close(mean, float(values.mean())):
            wrong.append(f"metrics.{key} = {mean!r}, mean of the seeds = {values.mean()!r}")
        spread = data.get("spread", {}).get(key)
        if len(seeds) == 1:
            if spread is not None:
                wrong.append(f"spread.{key} = {spread!r} for a single seed")
        elif spread is None or not _close(spread, float(values.std(ddof=1))):
            wrong.append(f"spread.{key} = {spread!r}, sample std (ddof=1) of the seeds = {values.std(ddof=1)!r}")
    extra = set(data.get("spread", {})) - set(data["metrics"])
    if extra:
        wrong.append(f"spread of metrics that have no mean: {sorted(extra)}")
    assert not wrong, f"{rec.name}: " + "; ".join(wrong)


@pytest.mark.parametrize("rec", RECORDED, ids=IDS)
def test_final_metrics_equal_the_last_history_value(rec: Recorded):
    data = rec.data()
    wrong = []
    for seed, history in histories(data).items():
        metrics = data["per_seed"][seed]
        for key, curve in final_pairs(metrics, history):
            if not _close(metrics[key], float(history[curve][-1])):
                wrong.append(f"seed {seed}: {key} = {metrics[key]!r}, last {curve} = {history[curve][-1]!r}")
    assert not wrong, f"{rec.name}: " + "; ".join(wrong)


def test_final_metric_pairs_are_found_where_expected():
    """The name rule finds the pairs it is meant for (the check above is not empty): GAN snapshots, Keras's
    last training epoch, the final policy-gradient statistics."""
    found = {(r.table.id, key, curve) for r in RECORDED
             for seed, h in histories(r.data()).items() for key, curve in final_pairs(r.data()["per_seed"][seed], h)}
    kinds = {(key, curve) for _, key, curve in found}
    assert ("label_accuracy", "snapshot_label_accuracy") in kinds
    assert ("frechet", "snapshot_frechet") in kinds
    assert ("train_accuracy", "accuracy") in kinds
    assert ("final_mean", "mean") in kinds
    assert final_pairs({"frechet": 1.0, "train_loss": 2.0, "test_accuracy": 0.9},
                       {"snapshot_frechet": [3.0, 1.0], "loss": [2.0], "accuracy": [0.8]}) == [
        ("frechet", "snapshot_frechet"), ("train_loss", "loss")]


@pytest.mark.parametrize("rec", RECORDED, ids=IDS)
def test_rendered_cell_is_the_value_at_the_metric_scale(rec: Recorded):
    data = rec.data()
    cells = rendered_cells(rec.table, rec.run, data)
    wrong = [f"{m.key}: table shows {cells[m.key]!r}, expected {expected_cell(m, data)!r}"
             for m in rec.table.metrics if cells[m.key] != expected_cell(m, data)]
    assert not wrong, f"{rec.name}: " + "; ".join(wrong)


PLUS_MINUS = re.compile(r"(-?\d[\d,]*(?:\.(\d+))?)(%?) ± (\d[\d,]*(?:\.\d+)?)(%?)")


def spread_pairs_unmatched(text: str, used: list[dict], scales: dict[str, set[float]]) -> list[str]:
    """The "a ± b" in ``text`` that are not (mean, spread) of one metric of a used row at one scale."""
    unmatched = []
    for m in PLUS_MINUS.finditer(text):
        a, b = float(m.group(1).replace(",", "")), float(m.group(4).replace(",", ""))
        digits = len(m.group(2) or "")
        found = False
        for data in used:
            for key, mean in data["metrics"].items():
                spread = data.get("spread", {}).get(key)
                if spread is None:
                    continue
                for scale in scales.get(key, set()) | {1.0, 100.0 if m.group(3) else 1.0}:
                    if round(scale * mean, digits) == round(a, digits) and round(scale * spread, digits) == round(
                            b, digits):
                        found = True
        if not found:
            unmatched.append(m.group(0))
    return unmatched


def _chapters_with_snippets() -> list[str]:
    from adlk.runs.registry import chapter_module

    return [ch for ch in chapters() if hasattr(chapter_module(ch, "report") or object(), "snippets")]


@pytest.fixture(scope="module")
def report_context():
    from adlk.site.report import ReportContext, load_results

    return ReportContext(cpu=load_results(RESULTS / "cpu"), gpu=load_results(RESULTS / "gpu"), docs=DOCS)


@pytest.mark.parametrize("chapter", _chapters_with_snippets())
def test_generated_mean_and_spread_use_one_scale(chapter: str, report_context):
    from adlk.runs.registry import chapter_module
    from adlk.site.report import Snippet

    ctx = report_context
    scales = {m.key: {m.scale} for t in tables() for m in t.metrics}
    wrong = []
    for name, snippet in chapter_module(chapter, "report").snippets(ctx).items():
        if not isinstance(snippet, Snippet) or not snippet.uses:
            continue
        device = "gpu" if name.startswith("gpu/") else "cpu"
        used = [d for t, r in snippet.uses if (d := ctx.result(t, r, device)) is not None]
        wrong += [f"{name}: {pair!r}" for pair in spread_pairs_unmatched(snippet.text, used, scales)]
    assert not wrong, f"mean ± spread that is no recorded metric at one scale: {wrong}"


def test_spread_check_catches_a_spread_without_its_scale():
    data = {"metrics": {"greedy_success": 0.53}, "spread": {"greedy_success": 0.053}}
    assert spread_pairs_unmatched("成功率 53.0% ± 5.3%", [data], {"greedy_success": {100.0}}) == []
    assert spread_pairs_unmatched("成功率 53.0% ± 0.1%", [data], {"greedy_success": {100.0}}) == ["53.0% ± 0.1%"]
    assert spread_pairs_unmatched("成功率 73.0% ± 5.3%", [data], {"greedy_success": {100.0}}) == ["73.0% ± 5.3%"]


def changed_constants(data: dict, today: dict) -> list[str]:
    """Constants a result file recorded that have another value (or are gone) today."""
    return [f"{name} = {value!r} when recorded, {today.get(name, '(gone)')!r} today"
            for name, value in data.get("constants", {}).items() if today.get(name, "(gone)") != value]


def test_recorded_constants_are_todays():
    """The validity key does not cover module-level constants (adding them would make every row stale); files
    recorded since the runner writes ``constants`` are checked here, so a changed constant makes them fail."""
    from adlk.runs.runner import task_constants

    wrong = []
    for rec in RECORDED:
        data = rec.data()
        if "constants" in data:
            wrong += [f"{rec.name}: {c}" for c in changed_constants(data, task_constants(rec.table))]
    assert not wrong, "constants changed since these rows were recorded (re-record them): " + "; ".join(wrong)


def test_constant_check_catches_a_changed_constant():
    from adlk.runs.runner import task_constants

    table = next(t for t in tables() if t.id == "ch04/dcgan")
    today = task_constants(table)
    assert today["adlk.ch04.experiments:EVAL_SAMPLES"] > 0
    recorded = {"constants": {**today, "adlk.ch04.experiments:EVAL_SAMPLES": 1}}
    assert changed_constants(recorded, today) == [
        f"adlk.ch04.experiments:EVAL_SAMPLES = 1 when recorded, {today['adlk.ch04.experiments:EVAL_SAMPLES']!r} today"]
