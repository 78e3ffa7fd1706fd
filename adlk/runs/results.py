"""Result files: where they live, atomic writing, and reading both schemas.

A row's result is ``docs/results/<cpu|gpu>/<chapter>/<table>/<stem>.json`` (``stem`` is ``row07`` for numeric
rows), with its small artifacts beside it (``<stem>-<name>.npz``). Schema 2 (written by :mod:`adlk.runs.runner`)::

    {"schema": 2, "key": "…", "chapter": "ch04", "table": "dcgan", "row": "1",
     "run": {"task": "…", "params": {…}, "seeds": [0]}, "book": {…},
     "metrics": {…}, "spread": {…}, "per_seed": {"0": {…}}, "history": {…}, "counts": {…},
     "timing": {"wall_seconds": …, …}, "artifacts": {"samples": "row01-samples.npz"}, "provenance": {…}}

Schema 1 files (chapter 1, written before this runner) are read into the same shape in memory; they are
never rewritten just to change schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adlk.runs.context import write_bytes_atomic
from adlk.runs.spec import Run, Table

SCHEMA = 2


class ResultFileError(RuntimeError):
    """A result file cannot be read."""


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON through a temporary file in the same folder and a rename: an interrupt never leaves half a file."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_bytes_atomic(Path(path), text.encode("utf-8"))


def result_path(root: Path, table: Table, run: Run) -> Path:
    """``<root>/<chapter>/<table>/<stem>.json`` (``root`` is ``docs/results/cpu`` or ``…/gpu``)."""
    return Path(root) / table.chapter / table.name / f"{run.file_stem}.json"


_V1_TIMING = ("wall_seconds", "seconds_per_epoch", "steady_seconds_per_epoch")
_V1_COUNTS = ("parameters", "epochs", "train_samples", "test_samples")


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 file (chapter 1) in schema-2 shape; the original stays under ``"v1"``."""
    m = dict(data["metrics"])
    history = m.pop("history", {})
    timing = {k: m.pop(k) for k in _V1_TIMING if k in m}
    counts = {k: m.pop(k) for k in _V1_COUNTS if k in m}
    book = data.get("book", {})
    seed = data["provenance"].get("seed", 0)
    metrics = {k: v for k, v in m.items() if isinstance(v, (int, float))}
    return {
        "schema": 1, "key": data["key"], "table": data["config"].get("table"), "row": data["config"].get("row"),
        "run": {"params": data["config"], "seeds": [seed]},
        "book": {"train_accuracy": book.get("train"), "test_accuracy": book.get("test")} if book else {},
        "metrics": metrics, "spread": {}, "per_seed": {str(seed): metrics}, "history": history,
        "counts": counts, "timing": timing, "artifacts": {}, "provenance": data["provenance"], "v1": data,
    }


def read_result(path: Path) -> dict[str, Any]:
    """Read a result file (either schema) in schema-2 shape.

    Raises:
        ResultFileError: not valid JSON or a required field is missing; the message says how to fix it.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("schema", 1) == 1:
            for key in ("key", "config", "metrics", "provenance"):
                data[key]
            return _from_v1(data)
        for key in ("key", "run", "metrics", "provenance", "timing"):
            data[key]
        return data
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise ResultFileError(
            f"result file {path} is damaged ({exc!r}); delete it and re-run "
            f"`python -m adlk reproduce` for that row"
        ) from exc


def stored_key(path: Path) -> str | None:
    """The key recorded in a result file, or ``None`` when it is missing or damaged."""
    if not Path(path).is_file():
        return None
    try:
        return read_result(path)["key"]
    except ResultFileError:
        return None
