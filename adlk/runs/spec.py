"""Declarations of the experiment tables: metric columns, rows and the tables themselves.

A chapter declares its tables in ``adlk/chNN/experiments.py`` as a tuple ``TABLES`` of :class:`Table`.
Nothing in :mod:`adlk.runs` or :mod:`adlk.site` knows a metric, a model or a chapter by name: the columns
come from :class:`Metric`, the training from the table's task function, and the chapters are discovered
(see :mod:`adlk.runs.registry`).

Example::

    from adlk.runs.spec import Metric, Run, Table

    TABLES = (
        Table(chapter="ch03", name="ae", title="卷积自编码器（书中 3.2 节）",
              task="adlk.ch03.experiments:run_autoencoder",
              metrics=(Metric("test_mse", "测试 MSE", digits=4, higher_is_better=False),),
              runs=(Run("16", {"latent_dim": 16, "epochs": 1, "batch_size": 32}),)),
    )
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metric:
    """One metric column of a table.

    Attributes:
        key: name of the metric in the task's :class:`TaskResult.metrics`.
        label: column header in Chinese, e.g. ``"测试准确率 %"``.
        scale: factor applied before display (``100`` shows a fraction as a percentage).
        digits: decimals shown.
        higher_is_better: ``True`` / ``False``, or ``None`` for a descriptive number (GAN losses).
        tolerance: flag a row with ⚠ when ``|ours - book|`` (after scaling) exceeds this.
        primary: the table's headline metric (shown in bold, used by the bar figure).
        unit: unit written after the label in prose, e.g. ``"nats"``.
    """

    key: str
    label: str
    scale: float = 1.0
    digits: int = 2
    higher_is_better: bool | None = True
    tolerance: float | None = None
    primary: bool = False
    unit: str = ""

    def show(self, value: float | None) -> str:
        """The value as the table prints it (``—`` when missing)."""
        if value is None:
            return "—"
        return f"{self.scale * value:.{self.digits}f}"


@dataclass(frozen=True)
class Run:
    """One row of a table: a JSON-able spec, the book's numbers, its seeds and display-only columns.

    Attributes:
        row: row id (``"16"``, ``"beta-4"``); numeric ids name files ``rowNN.json``.
        params: everything the task needs; JSON-able. Part of the validity key.
        book: the book's numbers by :attr:`Metric.key`, on the metric's *displayed* scale
            (e.g. ``{"test_accuracy": 98.5}``); ``{}`` when the book gives pictures only.
        seeds: the seeds the row is run with; several seeds are reported as mean ± spread.
        show: display-only columns (``{"优化器": "Adam"}``), not part of the key.
    """

    row: str
    params: dict[str, Any]
    book: dict[str, float] = field(default_factory=dict)
    seeds: tuple[int, ...] = (0,)
    show: dict[str, str] = field(default_factory=dict)

    @property
    def file_stem(self) -> str:
        """``row07`` for numeric rows (the chapter 1 file names), the row id itself otherwise."""
        return f"row{int(self.row):02d}" if self.row.isdigit() else self.row


@dataclass(frozen=True)
class Table:
    """A table of runs of one task.

    Attributes:
        chapter: ``"ch01"`` … ``"ch13"``.
        name: table name, unique within the chapter (``"mlp"``, ``"dcgan"``).
        title: caption in Chinese.
        task: ``"module:function"`` of the task (resolved lazily; its source is part of the key).
        metrics: the metric columns.
        runs: the rows.
        reference: row id identical to the page's listing, if any.
        show_columns: headers of the :attr:`Run.show` columns, in order.
        sources: extra ``"module:name"`` objects whose source code is part of the validity key
            (model builders the task calls, shared training helpers).
        timing: ``"epoch"`` shows seconds per epoch, ``"wall"`` minutes per row, ``None`` nothing.
        legacy_key: ``"module:function"`` computing the key of schema-1 result files, for tables
            whose files predate this runner (chapter 1); ``None`` for new tables.
    """

    chapter: str
    name: str
    title: str
    task: str
    metrics: tuple[Metric, ...]
    runs: tuple[Run, ...]
    reference: str | None = None
    show_columns: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    timing: str | None = "wall"
    legacy_key: str | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"ch\d\d", self.chapter):
            raise ValueError(f"table {self.name!r}: chapter must look like 'ch04', got {self.chapter!r}")
        rows = [r.row for r in self.runs]
        if len(set(rows)) != len(rows):
            raise ValueError(f"table {self.chapter}/{self.name}: duplicate row ids in {rows}")
        keys = [m.key for m in self.metrics]
        for run in self.runs:
            extra = set(run.book) - set(keys)
            if extra:
                raise ValueError(f"table {self.chapter}/{self.name} row {run.row}: book values for "
                                 f"unknown metric(s) {sorted(extra)}; metrics: {keys}")
            if set(run.show) - set(self.show_columns):
                raise ValueError(f"table {self.chapter}/{self.name} row {run.row}: show columns "
                                 f"{sorted(set(run.show) - set(self.show_columns))} not in show_columns")
        if self.reference is not None and self.reference not in rows:
            raise ValueError(f"table {self.chapter}/{self.name}: reference row {self.reference!r} not in {rows}")

    @property
    def id(self) -> str:
        """``"ch01/mlp"``."""
        return f"{self.chapter}/{self.name}"

    def run(self, row: str) -> Run:
        """The row ``row``.

        Raises:
            ValueError: no such row; the message lists the valid rows.
        """
        for r in self.runs:
            if r.row == str(row):
                return r
        raise ValueError(f"unknown row {row!r} in table {self.id}; valid rows: {', '.join(r.row for r in self.runs)}")

    def primary_metric(self) -> Metric:
        """The metric marked ``primary``, else the first one."""
        return next((m for m in self.metrics if m.primary), self.metrics[0])


@dataclass
class TaskResult:
    """What a task function returns for one seed.

    Attributes:
        metrics: named scalar metrics (keys of the table's :class:`Metric` columns, plus any others).
        history: per-epoch, per-step or per-episode curves by name.
        counts: integers that describe the run (``parameters``, ``train_samples``, ``steps``, ``epochs``).
        timing: ``seconds_per_epoch`` and the like; ``wall_seconds`` is added by the runner.
        extra: anything else JSON-able worth keeping in the result file.
    """

    metrics: dict[str, float]
    history: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timing: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def resolve(path: str) -> Callable[..., Any]:
    """Import ``"package.module:name"`` and return the object.

    Raises:
        ValueError: the path is malformed or names nothing.
    """
    module, sep, name = path.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"expected 'module:name', got {path!r}")
    try:
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot resolve {path!r}: {exc}") from exc
    return obj


def by_name(tables: tuple[Table, ...] | list[Table], name: str) -> Table:
    """The table called ``name`` among a chapter's ``tables`` (what each chapter's ``table(name)`` returns).

    Raises:
        ValueError: no such table; the message lists the valid names.
    """
    for t in tables:
        if t.name == name:
            return t
    raise ValueError(f"unknown table {name!r}; valid tables: {', '.join(t.name for t in tables)}")
