"""One renderer for any table: Markdown table, bar figure and provenance line, from the declarations.

``generate_tables`` reads ``docs/results/<device>/<chapter>/<table>/*.json`` for every discovered table and
writes ``docs/generated/<chapter>/table-<name>.md`` (CPU results), ``docs/generated/gpu/<chapter>/table-<name>.md``
(GPU results) and ``docs/figures/<chapter>/table-<name>.png``. A chapter adds its own snippets through
``snippets(ctx)`` in ``adlk/chNN/report.py``. It also writes ``docs/generated/runs-index.json``: for every
snippet, the result files it used (the run card under each page title reads it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from adlk.runs.provenance import LOADED_SHARE, provenance_line, timed_epochs, under_load
from adlk.runs.registry import chapter_module, chapters, tables
from adlk.runs.results import read_result, result_path
from adlk.runs.spec import Metric, Table

DEVICES = ("cpu", "gpu")

Results = dict[str, dict[str, dict[str, Any]]]
"""``{table id: {row: result}}`` of one device; rows without a result file are absent."""


def spaced(before: str, name: str, after: str) -> str:
    """Join ``before + name + after`` with a space wherever Chinese text meets a Latin name.

    ``spaced("本站的", "ACGAN", "训练了")`` gives ``"本站的 ACGAN 训练了"``; ``spaced("本站的", "条件 GAN", "训练了")``
    gives ``"本站的条件 GAN 训练了"``. Generated sentences use it so that they follow the site's typesetting rule.
    """
    left = " " if before and name[:1].isascii() and not before[-1].isascii() else ""
    right = " " if after and name[-1:].isascii() and not after[:1].isascii() else ""
    return f"{before}{left}{name}{right}{after}"


@dataclass
class Snippet:
    """A generated Markdown snippet and the result rows it was made from (``(table id, row)`` pairs)."""

    text: str
    uses: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ReportContext:
    """What a chapter's ``snippets(ctx)`` gets: the CPU and GPU results and the docs folder."""

    cpu: Results
    gpu: Results
    docs: Path

    def result(self, table_id: str, row: str, device: str = "cpu") -> dict[str, Any] | None:
        """One row's result, or ``None`` when it has not been recorded."""
        return (self.cpu if device == "cpu" else self.gpu).get(table_id, {}).get(row)


def load_results(device_root: Path, chosen: list[Table] | None = None) -> Results:
    """Read every recorded row of ``chosen`` (default: all tables) under one device folder."""
    found: Results = {}
    for table in chosen if chosen is not None else tables():
        for run in table.runs:
            path = result_path(device_root, table, run)
            if path.is_file():
                found.setdefault(table.id, {})[run.row] = read_result(path)
    return found


def metric_cell(metric: Metric, data: dict[str, Any]) -> str:
    """``98.52`` or ``98.52 ± 0.11`` (several seeds) for one metric of one result."""
    value = data["metrics"].get(metric.key)
    text = metric.show(value)
    spread = data.get("spread", {}).get(metric.key)
    if spread is not None and value is not None:
        text += f" ± {metric.scale * spread:.{metric.digits}f}"
    return text


def _has_book(table: Table, metric: Metric) -> bool:
    return any(metric.key in r.book for r in table.runs)


LOADED_MARK = "†"
"""Marks a time recorded while other programs competed for the CPU (:func:`adlk.runs.provenance.under_load`)."""


def _timing_cell(table: Table, data: dict[str, Any]) -> str:
    timing = data.get("timing", {})
    mark = LOADED_MARK if under_load(data) else ""
    if table.timing == "epoch" and "steady_seconds_per_epoch" in timing:
        return f"{timing['steady_seconds_per_epoch']:.1f}{mark}"
    if "wall_seconds" in timing:
        part = timed_epochs(data)
        return f"{timing['wall_seconds'] / 60:.1f}{mark}" + ("" if part is None else f"（只含最后 {part} 轮）")
    return "—"


def loaded_note(rows: list[dict[str, Any]]) -> str:
    """The sentence that explains the † mark, when some of ``rows`` were recorded under load (else ``""``)."""
    if not any(under_load(d) for d in rows):
        return ""
    return (f"带 {LOADED_MARK} 的用时是在机器上还有别的程序争用 CPU 时记录的（其他程序占用了这台机器超过 "
            f"{LOADED_SHARE:.0%} 的 CPU 时间，或者较早的记录里行结束时 1 分钟平均负载超过核数的两倍），"
            "比机器空闲时测得的要长，不能和别的行比较快慢。")


def _metric_header(label: str, has_book: bool) -> str:
    """A metric's column header: ``label<br>本站 / 书中`` (skipped when the label already names both) or
    ``label（本站）``, merged into the label's own closing parenthesis (``参数（百万，本站）``)."""
    if has_book:
        return label if "本站" in label and "书中" in label else f"{label}<br>本站 / 书中"
    return f"{label[:-1]}，本站）" if label.endswith("）") else f"{label}（本站）"


def table_layout(table: Table) -> tuple[bool, list[str], list[tuple[str, str]]]:
    """Which columns a table shows, so that its headline columns fit the page.

    Numbered rows keep the book's layout. Tables of named rows (``wgan``, ``mlp`` …) show the row id under the
    first column's value instead of in a column of its own, and say the settings that all rows share once above
    the table instead of repeating them in a column.

    Returns:
        Whether to show the row-id column, the display columns to show, and the ``(column, value)`` pairs that
        every row shares.
    """
    numbered = all(run.row.isdigit() for run in table.runs) or not table.show_columns
    columns, same = [], []
    for c in table.show_columns:
        values = {run.show.get(c, "") for run in table.runs}
        if not numbered and len(table.runs) > 1 and len(values) == 1 and "" not in values:
            same.append((c, values.pop()))
        else:
            columns.append(c)
    return numbered, columns, same


def render_table(table: Table, rows: dict[str, dict[str, Any]]) -> str:
    """The Markdown of one table: row id, display columns, each metric (本站 / 书中), difference, time."""
    flagged = [m for m in table.metrics if m.tolerance is not None and _has_book(table, m)]
    numbered, columns, same = table_layout(table)
    head = ["#"] * numbered + columns
    for m in table.metrics:
        head.append(_metric_header(m.label, _has_book(table, m)))
    head += [("差值" if len(flagged) == 1 else f"{m.label} 差值") for m in flagged]
    if table.timing:
        head.append("秒/轮" if table.timing == "epoch" else "用时（分钟）")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in table.runs:
        data = rows.get(run.row)
        cells = [run.row] * numbered + [run.show.get(c, "") for c in columns]
        if not numbered and columns:
            cells[0] += f"<br>`{run.row}`"  # the row id (pages and `--only` refer to it), under the model's name
        for m in table.metrics:
            ours = metric_cell(m, data) if data else "—"
            if m.primary and data:
                ours = f"**{ours}**"
            if _has_book(table, m):
                book = run.book.get(m.key)
                ours += f" / {book:.{m.digits}f}" if book is not None else " / —"
            cells.append(ours)
        for m in flagged:
            book, value = run.book.get(m.key), data["metrics"].get(m.key) if data else None
            if book is None or value is None:
                cells.append("—")
                continue
            diff = m.scale * value - book
            cells.append(f"{diff:+.{m.digits}f}" + (" ⚠" if abs(diff) > m.tolerance else ""))
        if table.timing:
            cells.append(_timing_cell(table, data) if data else "—")
        lines.append("| " + " | ".join(cells) + " |")
    body = ("各行相同的设置：" + "，".join(f"{c} = {v}" for c, v in same) + "。\n\n" if same else "") + "\n".join(lines) + "\n"
    if not rows:
        return body + "\n尚无本站的运行记录" + ("：表中只有书中数值。" if any(r.book for r in table.runs) else "。") + "\n"
    missing = len(table.runs) - len(rows)
    note = f"\n共 {len(rows)} 行有记录" + (f"，{missing} 行尚未运行（显示为 —）" if missing else "") + "。"
    if table.timing == "wall" and any(timed_epochs(d) for d in rows.values()):
        note += "用时写着“只含最后几轮”的行是从检查点续跑完成的，续跑之前各轮的用时没有记下。"
    if table.timing:
        note += loaded_note(list(rows.values()))
    if any(len(d.get("run", {}).get("seeds", [0])) > 1 for d in rows.values()):
        note += "多个种子的行写作“平均值 ± 标准差”。"
    for m in flagged:
        what = "" if len(flagged) == 1 else f"（{m.label}）"
        note += f"“差值”{what}为本站减去书中数值，⚠ 表示相差超过 {m.tolerance:g}。"
    # 来历（硬件、平台、版本、代码提交）放进一个默认收起的框：随时可查，但不夹在正文里
    details = provenance_line(list(rows.values())).replace("\n", "\n    ")
    return body + note + "\n\n??? info \"数据来源：硬件、版本、日期与代码提交\"\n\n    " + details + "\n"


def plot_table(table: Table, rows: dict[str, dict[str, Any]], path: Path) -> None:
    """Bars of the primary metric per row: ours, and the book's where the book gives it."""
    from adlk.site.figures import plt, save, setup_style

    setup_style()
    metric = table.primary_metric()
    runs = table.runs
    x = np.arange(len(runs))
    ours = [metric.scale * rows[r.row]["metrics"][metric.key] if r.row in rows else np.nan for r in runs]
    book = [r.book.get(metric.key, np.nan) for r in runs]
    fig, ax = plt.subplots(figsize=(max(5, 0.5 * len(runs) + 2), 3.2))
    with_book = _has_book(table, metric)
    width = 0.4 if with_book else 0.6
    if with_book:
        ax.bar(x - 0.2, book, width=width, label="书中数值", color="#9fa8da")
    ax.bar(x + (0.2 if with_book else 0.0), ours, width=width, label="本站记录", color="#3949ab")
    ax.set_xticks(x, [r.row for r in runs])
    ax.set_xlabel("行")
    ax.set_ylabel(metric.label)
    values = [v for v in [*book, *ours] if not np.isnan(v)]
    if values and metric.scale == 100 and metric.higher_is_better:
        ax.set_ylim(max(0, np.floor(min(values)) - 1), 100)
    ax.set_title(table.title + ("" if rows else "（尚无记录）"))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    save(fig, path)


def table_figures(chapter: str | None = None) -> list[str]:
    """Names (under ``docs/figures``) of the table figures this pipeline writes."""
    return [f"{t.chapter}/table-{t.name}.png" for t in tables(chapter)]


def generate_tables(results_root: Path, out_dir: Path, figures_dir: Path, chapter: str | None = None) -> list[Path]:
    """Write every table snippet, table figure, chapter snippet and the runs index; return the files written."""
    written: list[Path] = []
    index: dict[str, list[str]] = {}
    docs = Path(results_root).parent

    def write(path: Path, text: str, uses: list[tuple[str, str]] | None = None, device: str = "cpu") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
        if uses is not None:
            files = []
            for table_id, row in uses:
                t = next(t for t in chosen_all if t.id == table_id)
                files.append(str(result_path(Path("results") / device, t, t.run(row))))
            index[str(path.relative_to(out_dir))] = files

    chosen_all = tables()
    chosen = tables(chapter) if chapter else chosen_all
    cpu = load_results(Path(results_root) / "cpu", chosen_all)
    gpu = load_results(Path(results_root) / "gpu", chosen_all)
    for table in chosen:
        rows, grows = cpu.get(table.id, {}), gpu.get(table.id, {})
        write(out_dir / table.chapter / f"table-{table.name}.md", render_table(table, rows),
              [(table.id, r) for r in rows])
        write(out_dir / "gpu" / table.chapter / f"table-{table.name}.md", render_table(table, grows),
              [(table.id, r) for r in grows], device="gpu")
        fig = figures_dir / table.chapter / f"table-{table.name}.png"
        plot_table(table, rows, fig)
        written.append(fig)
    ctx = ReportContext(cpu=cpu, gpu=gpu, docs=docs)
    for ch in [chapter] if chapter else chapters():
        module = chapter_module(ch, "report")
        if module is None or not hasattr(module, "snippets"):
            continue
        for name, snippet in module.snippets(ctx).items():
            if isinstance(snippet, str):
                snippet = Snippet(snippet)
            device = "gpu" if name.startswith("gpu/") else "cpu"
            write(out_dir / name, snippet.text, snippet.uses, device=device)
    index_file = out_dir / "runs-index.json"
    old = json.loads(index_file.read_text(encoding="utf-8")) if chapter and index_file.is_file() else {}
    write(index_file, json.dumps({**old, **index}, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return written
