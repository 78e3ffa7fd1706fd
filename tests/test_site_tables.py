"""Results tables fit the page: no column that repeats the model name, shared settings said once."""

from __future__ import annotations

from adlk.runs.registry import tables
from adlk.site.report import render_table


def header(md: str) -> list[str]:
    line = next(line for line in md.splitlines() if line.startswith("| "))
    return [c.strip() for c in line.strip("|").split("|")]


def test_named_rows_put_their_id_under_the_first_column():
    named = [t for t in tables() if t.show_columns and not all(r.row.isdigit() for r in t.runs)]
    assert named
    for t in named:
        md = render_table(t, {})
        assert header(md)[0] != "#", t.id
        for run in t.runs:
            assert f"<br>`{run.row}` |" in md, (t.id, run.row)


def test_numbered_rows_keep_the_book_layout():
    numbered = [t for t in tables() if t.show_columns and all(r.row.isdigit() for r in t.runs)]
    assert numbered
    for t in numbered:
        assert header(render_table(t, {}))[:1 + len(t.show_columns)] == ["#", *t.show_columns], t.id


def test_settings_shared_by_every_row_are_said_once():
    for t in tables():
        if not t.show_columns or all(r.row.isdigit() for r in t.runs) or len(t.runs) < 2:
            continue
        md = render_table(t, {})
        for column in t.show_columns:
            values = {r.show.get(column, "") for r in t.runs}
            if len(values) == 1 and "" not in values:
                assert column not in header(md) and f"{column} = {values.pop()}" in md.split("\n| ")[0], (t.id, column)
            else:
                assert column in header(md), (t.id, column)
