"""命令行入口：``python -m adlk <command>``。

- ``list [chNN]``：各章的表与行：current（有效）/ stale（过期）/ missing（缺失），上次用时与设备；
- ``reproduce all|chNN|chNN/table``：训练过期或缺失的行，写出结果文件；
- ``figures [chNN …]``：重新生成插图；``tables``：由结果文件生成表格片段与表格图；
- ``generate [chNN …]``：以上两者，构建站点前运行（只读记录的结果，不训练）；
- ``notebooks``：由章节 Markdown 生成 Jupyter 笔记本；
- ``bench chNN …``：某一章的速度基准。
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _setup_quiet_tf() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _chapters(names: list[str] | None) -> list[str | None]:
    from adlk.runs.registry import RegistryError, chapters

    if not names:
        return [None]
    unknown = [n for n in names if n not in chapters()]
    if unknown:
        raise RegistryError(f"unknown chapter(s) {', '.join(unknown)}; valid chapters: {', '.join(chapters())}")
    return list(names)


def _cmd_figures(args: argparse.Namespace) -> int:
    from adlk.site.figures import generate_figures

    written = []
    for chapter in _chapters(args.chapters):
        written += generate_figures(Path(args.out), only=args.only or None, chapter=chapter)
    print(f"[adlk] {len(written)} figure(s) written to {args.out}")
    return 0


def _cmd_tables(args: argparse.Namespace) -> int:
    from adlk.site.report import generate_tables

    written = []
    for chapter in _chapters(args.chapters):
        written += generate_tables(Path(args.results), Path(args.out), Path(args.figures), chapter=chapter)
    print(f"[adlk] {len(written)} table file(s) written")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from adlk.site.figures import generate_figures
    from adlk.site.report import generate_tables

    t0 = time.perf_counter()
    figs, tables = [], []
    for chapter in _chapters(args.chapters):
        tables += generate_tables(DOCS / "results", DOCS / "generated", DOCS / "figures", chapter=chapter)
        figs += generate_figures(DOCS / "figures", chapter=chapter)
    print(f"[adlk] {len(figs)} figure(s) and {len(tables)} table file(s) written under {DOCS} "
          f"in {time.perf_counter() - t0:.0f} s")
    return 0


def _target_tables(target: str):
    from adlk.runs.registry import RegistryError, select, tables

    try:
        return select(target)
    except RegistryError:
        same = [t.id for t in tables() if t.name == target]
        if same:
            raise RegistryError(f"tables are named by chapter now: did you mean {' or '.join(same)}?") from None
        raise


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from adlk.profiles import get_profile
    from adlk.runs.provenance import device
    from adlk.runs.runner import RunOptions, reproduce, snapshot_sources

    t0 = time.perf_counter()
    profile = get_profile(args.profile)
    policy = "mixed_float16" if args.mixed_precision else args.policy
    options = RunOptions(mirrored=args.mirrored, policy=policy)
    chosen = _target_tables(args.target)
    if args.only and len(chosen) > 1:
        raise ValueError("--only needs a single table such as ch01/mlp, not a whole chapter")
    out = Path(args.out) if args.out else DOCS / "results" / device()
    snapshot_sources(chosen)  # keys describe the code imported now, even if files change during the run
    for table in chosen:
        budget = None if args.budget_minutes is None else 60 * args.budget_minutes - (time.perf_counter() - t0)
        summary = reproduce(table, out, only=args.only, profile=profile, force=args.force, options=options,
                            budget_seconds=budget)
        left = f", {len(summary.left)} left for the next run (time budget)" if summary.left else ""
        print(f"[adlk] {table.id}: ran {len(summary.ran)}, skipped {len(summary.skipped)} current row(s){left}, "
              f"{summary.wall_seconds:.0f} s; results in {out}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from adlk.profiles import get_profile
    from adlk.runs.runner import row_table

    chosen = _target_tables(args.target)
    lines = row_table(chosen, DOCS / "results", get_profile(args.profile))

    def cell(state: tuple[str, float | None]) -> str:
        st, wall = state
        return st if wall is None else f"{st}, {wall / 60:.1f} min"

    width = max([len(f"{ln['table']}/{ln['row']}") for ln in lines] + [10])
    print(f"{'row':{width}}  {'cpu':28}  gpu")
    totals: dict[str, int] = {}
    for ln in lines:
        print(f"{ln['table'] + '/' + ln['row']:{width}}  {cell(ln['cpu']):28}  {cell(ln['gpu'])}")
        key = ln["cpu"][0].split(" ")[0]
        totals[key] = totals.get(key, 0) + 1
    print("[adlk] cpu: " + ", ".join(f"{n} {k}" for k, n in sorted(totals.items())) + f" of {len(lines)} row(s)")
    return 0


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from adlk.site.notebooks import OUT, generate_notebooks

    written = generate_notebooks()
    print(f"[adlk] {len(written)} notebook(s) written to {OUT}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from adlk.runs.registry import RegistryError, chapter_module

    _chapters([args.chapter])
    module = chapter_module(args.chapter, "bench")
    if module is None:
        raise RegistryError(f"{args.chapter} has no benchmark (adlk/{args.chapter}/bench.py)")
    return int(module.main(args.rest))


def build_parser() -> argparse.ArgumentParser:
    """构造命令行解析器。"""
    parser = argparse.ArgumentParser(prog="python -m adlk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="tables and rows of each chapter: current / stale / missing")
    p.add_argument("target", nargs="?", default="all", help="all (default), a chapter (ch01) or a table (ch01/mlp)")
    p.add_argument("--profile", default="full", help="profile the results are checked against (default full)")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("figures", help="regenerate the figures (of some chapters)")
    p.add_argument("chapters", nargs="*", help="chapters (default all)")
    p.add_argument("--out", default=str(DOCS / "figures"), help="output folder (default docs/figures)")
    p.add_argument("--only", nargs="*", help="figure names to regenerate (default all)")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("tables", help="render tables, their figures and snippets from result files")
    p.add_argument("chapters", nargs="*", help="chapters (default all)")
    p.add_argument("--results", default=str(DOCS / "results"), help="results folder")
    p.add_argument("--out", default=str(DOCS / "generated"), help="Markdown output folder")
    p.add_argument("--figures", default=str(DOCS / "figures"), help="figure output folder")
    p.set_defaults(func=_cmd_tables)

    p = sub.add_parser("generate", help="figures + tables: everything the site build needs (never trains)")
    p.add_argument("chapters", nargs="*", help="chapters (default all)")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("notebooks", help="generate one Jupyter notebook per chapter page")
    p.set_defaults(func=_cmd_notebooks)

    p = sub.add_parser("reproduce", help="train the missing or stale rows of tables")
    p.add_argument("target", help="all, a chapter (ch01) or a table (ch01/mlp)")
    p.add_argument("--profile", default=None, help="full or smoke (default: $ADLK_PROFILE or full)")
    p.add_argument("--only", nargs="*", help="row names to run (one table only)")
    p.add_argument("--out", default=None, help="results folder (default docs/results/<cpu|gpu>)")
    p.add_argument("--force", action="store_true", help="re-run rows even if their result is current")
    p.add_argument("--mirrored", action="store_true",
                   help="data-parallel training on all local GPUs (tf.distribute.MirroredStrategy)")
    p.add_argument("--policy", default="float32", help="dtype policy: float32 (default), mixed_bfloat16, mixed_float16")
    p.add_argument("--mixed-precision", action="store_true", help="same as --policy mixed_float16")
    p.add_argument("--budget-minutes", type=float, default=None,
                   help="start no new row after this many minutes; long rows checkpoint and stop (resumed next time)")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("bench", help="a chapter's speed benchmark (python -m adlk bench ch01 --help)")
    p.add_argument("chapter", help="chapter with a benchmark, e.g. ch01")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="the chapter benchmark's own options")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """运行命令行；出错时打印一行说明并返回非零值。"""
    _setup_quiet_tf()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
