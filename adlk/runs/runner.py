"""The runner: trains the rows of any table through its task, skips rows that are current, writes results.

For each selected row it computes the validity key (the row's params and seeds, the source of the task and
of the table's ``sources``, framework versions, profile and run options); a result file with the same key is
*current* and the row is skipped. Otherwise it runs the task once per seed, aggregates the metrics (mean, and
standard deviation when there are several seeds), and writes the result file atomically with full provenance.
A time budget stops it from starting new rows and, inside long tasks, makes them checkpoint and stop
(:class:`adlk.runs.context.RunDeferred`); the next call resumes from the checkpoint.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from adlk.profiles import Profile, get_profile
from adlk.runs.context import RunContext, RunDeferred, checkpoint_root
from adlk.runs.provenance import load_average, provenance, versions_for_key
from adlk.runs.results import SCHEMA, ResultFileError, read_result, result_path, write_json_atomic
from adlk.runs.spec import Run, Table, TaskResult, resolve

POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")


@dataclass(frozen=True)
class RunOptions:
    """How to run, without changing the model; recorded in the result and part of the key.

    Attributes:
        mirrored: data-parallel training on every local GPU (``tf.distribute.MirroredStrategy``).
        policy: Keras dtype policy: ``float32`` (default), ``mixed_bfloat16`` (faster on CPUs with AVX-512
            BF16, see the speed page) or ``mixed_float16`` (GPUs).
    """

    mirrored: bool = False
    policy: str = "float32"

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ValueError(f"unknown precision policy {self.policy!r}; valid policies: {', '.join(POLICIES)}")


_SNAPSHOT: dict[str, str] | None = None
"""Sources read once by :func:`snapshot_sources`; ``None`` reads them from disk at every call."""


def snapshot_sources(tables: Iterable[Table]) -> None:
    """Read the task and source code of every table now, and key every later row with these copies.

    A long recording imports its code at the start; without a snapshot, a chapter edited on disk while an
    earlier row trains would give the later rows keys of the edited code, not of the code that ran.
    """
    global _SNAPSHOT
    _SNAPSHOT = {}
    for table in tables:
        for path in (table.task, *table.sources):
            _SNAPSHOT[path] = _read_source(path)


def _source(path: str) -> str:
    if _SNAPSHOT is not None and path in _SNAPSHOT:
        return _SNAPSHOT[path]
    return _read_source(path)


def _read_source(path: str) -> str:
    obj = resolve(path)
    try:
        return inspect.getsource(obj)
    except (TypeError, OSError) as exc:
        raise ValueError(f"cannot read the source of {path!r} for the validity key: {exc}") from exc


def run_key(table: Table, run: Run, profile: Profile, options: RunOptions | None = None) -> str:
    """The row's validity key: a hash of everything that determines its result.

    Names (chapter, table, row) are not part of it, so moving or renaming a table keeps its results current.
    """
    parts: dict[str, Any] = {
        "task": _source(table.task),
        "sources": {s: _source(s) for s in table.sources},
        "params": run.params,
        "seeds": list(run.seeds),
        "versions": versions_for_key(),
        "profile": asdict(profile),
    }
    if options is not None and options != RunOptions():
        parts["options"] = asdict(options)
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _jsonable(value: Any) -> bool:
    if isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (tuple, list)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def task_constants(table: Table) -> dict[str, Any]:
    """Module-level constants the table's task reads: ``{"module:NAME": value}``.

    Followed from the task and the table's ``sources`` through every function and class of the same top-level
    package that they name; a constant is a public name bound to a plain JSON-able value (numbers, strings, and
    tuples, lists and dicts of them). They are not part of the validity key (adding them would make every recorded row stale): the
    runner writes them into each new result file, and the tests compare a file's record with today's values.
    """
    package = table.task.split(".")[0]
    found: dict[str, Any] = {}
    seen: set[int] = set()

    def names(code: Any) -> set[str]:
        out = set(code.co_names)
        for const in code.co_consts:
            if inspect.iscode(const):
                out |= names(const)
        return out

    def visit(obj: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if inspect.isclass(obj):
            for member in vars(obj).values():
                member = getattr(member, "__func__", member)
                if inspect.isfunction(member):
                    visit(member)
            return
        if not inspect.isfunction(obj):
            return
        for name in sorted(names(obj.__code__)):
            if name not in obj.__globals__ or name.startswith("_"):
                continue
            value = obj.__globals__[name]
            if _jsonable(value):
                found[f"{obj.__module__}:{name}"] = json.loads(json.dumps(value))
            elif (inspect.isfunction(value) or inspect.isclass(value)) and \
                    str(getattr(value, "__module__", "")).split(".")[0] == package:
                visit(value)

    for path in (table.task, *table.sources):
        visit(resolve(path))
    return dict(sorted(found.items()))


def expected_key(table: Table, run: Run, path: Path, profile: Profile, options: RunOptions | None = None) -> str:
    """The key a current result at ``path`` must carry (schema-1 files use the table's ``legacy_key``)."""
    if table.legacy_key and path.is_file():
        try:
            data = read_result(path)
        except ResultFileError:
            data = {"schema": SCHEMA}
        if data.get("schema") == 1:
            return resolve(table.legacy_key)(table, run, profile, data["run"]["seeds"][0], options)
    return run_key(table, run, profile, options)


def status(table: Table, run: Run, root: Path, profile: Profile, options: RunOptions | None = None) -> str:
    """``"current"``, ``"stale"`` (other code, settings or versions, or damaged), or ``"missing"``."""
    path = result_path(root, table, run)
    if not path.is_file():
        return "missing"
    try:
        stored = read_result(path)["key"]
    except ResultFileError:
        return "stale"
    return "current" if stored == expected_key(table, run, path, profile, options) else "stale"


def checkpoint_dir(table: Table, run: Run, seed: int) -> Path:
    """Where the checkpoints of one seed of a row go (outside ``docs/``)."""
    return checkpoint_root() / table.chapter / table.name / run.file_stem / f"seed{seed}"


def _aggregate(per_seed: dict[str, dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    keys = sorted(set.intersection(*(set(m) for m in per_seed.values())))
    mean, spread = {}, {}
    for k in keys:
        values = np.array([float(m[k]) for m in per_seed.values()])
        mean[k] = float(values.mean())
        if len(values) > 1:
            spread[k] = float(values.std(ddof=1))
    return mean, spread


def _rounded(t: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in t.items()}


def _row_timing(seed_times: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A row's time from its seeds': totals over every seed and every part, the load at the first start and
    the last end, and each seed's own record."""
    seeds = list(seed_times.values())
    out: dict[str, Any] = {
        "wall_seconds": round(sum(t["wall_seconds"] for t in seeds), 1),
        "cpu_seconds": round(sum(t["cpu_seconds"] for t in seeds), 1),
        **({"others_cpu_seconds": round(sum(t["others_cpu_seconds"] for t in seeds), 1)}
           if all("others_cpu_seconds" in t for t in seeds) else {}),
        "parts": max(t["parts"] for t in seeds),
        "load_average_start": seeds[0]["load_average_start"],
        "load_average_end": seeds[-1]["load_average_end"],
        "per_seed": seed_times,
    }
    if any(t.get("unknown") for t in seeds):
        out["earlier_parts_untimed"] = True
    return out


def run_row(table: Table, run: Run, profile: Profile, root: Path | None = None,
            options: RunOptions | None = None, deadline: float | None = None,
            verbose: int | str | None = None) -> dict[str, Any]:
    """Run every seed of one row through the table's task; return the result file's content (not written).

    Args:
        table: the table.
        run: the row.
        profile: run profile.
        root: results folder for artifacts (``docs/results/cpu``); ``None`` keeps artifacts in memory only.
        options: :class:`RunOptions`.
        deadline: ``time.monotonic()`` after which long tasks checkpoint and stop.
        verbose: Keras ``verbose`` handed to the task.

    Raises:
        adlk.runs.context.RunDeferred: a task stopped at a checkpoint (time budget).
    """
    import keras

    options = options or RunOptions()
    task = resolve(table.task)
    key = run_key(table, run, profile, options)
    artifact_dir = result_path(root, table, run).parent if root is not None else None
    per_seed: dict[str, dict[str, float]] = {}
    histories: dict[str, dict[str, list[float]]] = {}
    artifacts: dict[str, str] = {}
    first: TaskResult | None = None
    seed_times: dict[str, dict[str, Any]] = {}
    for seed in run.seeds:
        stem = run.file_stem if len(run.seeds) == 1 else f"{run.file_stem}-s{seed}"
        load_start = load_average()
        ctx = RunContext(profile=profile, seed=seed, artifact_dir=artifact_dir, stem=stem, key=key,
                         checkpoint_dir=checkpoint_dir(table, run, seed), deadline=deadline, verbose=verbose)
        ctx.prior_timing = ctx.read_prior_timing()
        scope: contextlib.AbstractContextManager = contextlib.nullcontext()
        if options.mirrored:
            import tensorflow as tf

            scope = tf.distribute.MirroredStrategy().scope()
        keras.config.set_dtype_policy(options.policy)
        try:
            with scope:
                keras.utils.set_random_seed(seed)
                result = task(run, ctx)
        finally:
            keras.config.set_dtype_policy("float32")
            keras.backend.clear_session()
        seed_times[str(seed)] = {**_rounded(ctx.elapsed()), "load_average_start": load_start,
                                 "load_average_end": load_average()}
        if not isinstance(result, TaskResult):
            raise TypeError(f"task {table.task} returned {type(result).__name__}, expected TaskResult")
        missing = [m.key for m in table.metrics if m.key not in result.metrics]
        if missing:
            raise ValueError(f"task {table.task} did not return metric(s) {missing} declared by table {table.id}")
        per_seed[str(seed)] = {k: float(v) for k, v in result.metrics.items()}
        histories[str(seed)] = result.history
        for name, filename in ctx.artifacts.items():
            artifacts[name if len(run.seeds) == 1 else f"{name}@{seed}"] = filename
        first = first or result
    assert first is not None
    mean, spread = _aggregate(per_seed)
    prov = provenance(profile, run.seeds[0])
    prov["options"] = asdict(options)
    prov["dtype_policy"] = options.policy
    data: dict[str, Any] = {
        "schema": SCHEMA, "key": key, "chapter": table.chapter, "table": table.name, "row": run.row,
        "run": {"task": table.task, "params": run.params, "seeds": list(run.seeds)},
        "book": run.book, "metrics": mean, "spread": spread, "per_seed": per_seed,
        "counts": first.counts, "timing": {**first.timing, **_row_timing(seed_times)},
        "constants": task_constants(table),
        "artifacts": artifacts, "extra": first.extra, "provenance": prov,
    }
    if len(run.seeds) == 1:
        data["history"] = histories[str(run.seeds[0])]
    else:
        data["per_seed_history"] = histories
    return data


def run_standalone(table: Table, run: Run, out: Path, stem: str, seed: int = 0,
                   label: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one row's task outside the result tables, at whatever parameters ``run`` carries (the book's full length).

    Checkpoints go to ``out/checkpoint``, so the same call after an interrupt continues where it stopped; the result
    (``label`` entries first, then params, seed, metrics, counts, history, artifacts, wall seconds) is written
    atomically to ``out/<stem>.json`` and returned. The chapters' ``python -m adlk.chNN.train`` commands use this.
    """
    out = Path(out)
    ctx = RunContext(profile=get_profile(), seed=seed, artifact_dir=out, stem=stem,
                     key=json.dumps(run.params, sort_keys=True), checkpoint_dir=out / "checkpoint")
    start = time.perf_counter()
    result = resolve(table.task)(run, ctx)
    data = {**(label or {}), "params": run.params, "seed": seed, "metrics": result.metrics, "counts": result.counts,
            "history": result.history, "artifacts": ctx.artifacts,
            "wall_seconds": round(time.perf_counter() - start, 1)}
    write_json_atomic(out / f"{stem}.json", data)
    ctx.clear_checkpoint()
    return data


def histories(data: dict[str, Any]) -> dict[str, dict[str, list[float]]]:
    """Per-seed histories of a result (``{"0": {"loss": [...]}, …}``), whatever the number of seeds."""
    if "per_seed_history" in data:
        return data["per_seed_history"]
    return {str(data["run"]["seeds"][0]): data.get("history", {})}


@dataclass
class RunSummary:
    """What one :func:`reproduce` did."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0


def select_runs(table: Table, only: Iterable[str] | None = None) -> list[Run]:
    """The rows of ``table`` (only those named in ``only`` when given).

    Raises:
        ValueError: an unknown row; the message lists the valid rows.
    """
    if not only:
        return list(table.runs)
    return [table.run(str(o)) for o in only]


def reproduce(table: Table, out_dir: str | Path, only: Iterable[str] | None = None,
              profile: str | Profile | None = None, force: bool = False, progress: bool = True,
              options: RunOptions | None = None, budget_seconds: float | None = None,
              verbose: int | str | None = None) -> RunSummary:
    """Run the rows of ``table`` whose results in ``out_dir`` are missing or stale; write each atomically.

    Args:
        table: the table (see :func:`adlk.runs.registry.table`).
        out_dir: results folder of one device (``docs/results/cpu``).
        only: run only these rows.
        profile: profile name or object; default ``$ADLK_PROFILE``.
        force: re-run current rows too.
        progress: print progress lines.
        options: :class:`RunOptions`.
        budget_seconds: stop starting rows after this long; long tasks checkpoint and stop at it too. Rows
            not done are listed in ``RunSummary.left`` and continue on the next call.
        verbose: Keras ``verbose`` for the tasks.
    """
    from adlk.progress import Progress

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    runs = select_runs(table, only)
    summary = RunSummary()
    start = time.perf_counter()
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    steps = Progress(runs, desc=f"{table.id} rows", label=lambda r: f"row {r.row}", enabled=progress)
    for run in steps:
        path = result_path(Path(out_dir), table, run)
        label = f"{table.id}/{run.row}"
        if not force and status(table, run, Path(out_dir), prof, options) == "current":
            summary.skipped.append(label)
            steps.write(f"{label}: result is current, skipped")
            continue
        if deadline is not None and time.monotonic() > deadline:
            summary.left.append(label)
            steps.write(f"{label}: left for the next run (time budget used)")
            continue
        try:
            result = run_row(table, run, prof, root=Path(out_dir), options=options, deadline=deadline,
                             verbose=verbose)
        except RunDeferred as exc:
            summary.left.append(label)
            steps.write(f"{label}: {exc}; the next run resumes from the checkpoint")
            continue
        write_json_atomic(path, result)
        for seed in run.seeds:
            RunContext(profile=prof, checkpoint_dir=checkpoint_dir(table, run, seed)).clear_checkpoint()
        summary.ran.append(label)
        metric = table.primary_metric()
        value = metric.show(result["metrics"].get(metric.key))
        spread = result["spread"].get(metric.key)
        pm = f" ± {metric.scale * spread:.{metric.digits}f}" if spread is not None else ""
        steps.write(f"{label}: {metric.key} {value}{pm}, {len(run.seeds)} seed(s), "
                    f"{result['timing']['wall_seconds']:.0f} s -> {path}")
    summary.wall_seconds = time.perf_counter() - start
    return summary


def row_table(tables: list[Table], results_root: Path, profile: Profile) -> list[dict[str, Any]]:
    """One line per row of ``tables``: its status and last wall time on each device (for ``adlk list``)."""
    lines = []
    for table in tables:
        for run in table.runs:
            line: dict[str, Any] = {"table": table.id, "row": run.row}
            for device in ("cpu", "gpu"):
                root = Path(results_root) / device
                st = status(table, run, root, profile)
                wall = None
                if st != "missing":
                    try:
                        wall = read_result(result_path(root, table, run))["timing"].get("wall_seconds")
                    except ResultFileError:
                        pass
                if st != "current" and (checkpoint_dir(table, run, run.seeds[0]) / "state.json").is_file():
                    st += " (checkpoint)"
                line[device] = (st, wall)
            lines.append(line)
    return lines
