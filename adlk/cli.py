"""命令行入口：``python -m adlk <command>``。

- ``figures``：重新生成文档用到的全部图片；
- ``tables``：由结果文件生成对比表（Markdown 片段）与对比图；
- ``generate``：以上两者，构建站点前运行；
- ``notebooks``：由章节 Markdown 生成 Jupyter 笔记本；
- ``reproduce``：训练对比表的各行，写出结果文件；
- ``bench``：速度基准，书中写法与运行器设置并排对比。
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DOCS = Path("docs")


def _setup_quiet_tf() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _cmd_figures(args: argparse.Namespace) -> int:
    from adlk.figures import generate_figures

    written = generate_figures(Path(args.out), only=args.only or None)
    print(f"[adlk] {len(written)} figure(s) written to {args.out}")
    return 0


def _cmd_tables(args: argparse.Namespace) -> int:
    from adlk.report import generate_tables

    written = generate_tables(Path(args.results), Path(args.out), Path(args.figures))
    print(f"[adlk] {len(written)} table file(s) written")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from adlk.figures import generate_figures
    from adlk.report import generate_tables

    figs = generate_figures(DOCS / "figures")
    tables = generate_tables(DOCS / "results", DOCS / "generated", DOCS / "figures")
    print(f"[adlk] {len(figs)} figure(s) and {len(tables)} table file(s) written under {DOCS}")
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from adlk.experiments import TABLES, RunOptions, reproduce
    from adlk.profiles import get_profile

    t0 = time.perf_counter()
    profile = get_profile(args.profile)
    options = RunOptions(mirrored=args.mirrored, mixed_precision=args.mixed_precision)
    tables = list(TABLES) if args.table == "all" else [args.table]
    if args.only and len(tables) > 1:
        raise ValueError("--only needs a single table, not 'all'")
    out = Path(args.out) if args.out else None
    for table in tables:
        if out is None:
            from adlk.experiments import provenance

            device = provenance(profile, 0)["device"]
            out = DOCS / "results" / device
        budget = None if args.budget_minutes is None else 60 * args.budget_minutes - (time.perf_counter() - t0)
        summary = reproduce(table, out, only=args.only, profile=profile, seed=args.seed, force=args.force,
                            options=options, budget_seconds=budget)
        left = f", {len(summary.left)} left for the next run (time budget)" if summary.left else ""
        print(f"[adlk] {table}: ran {len(summary.ran)}, skipped {len(summary.skipped)} current row(s){left}, "
              f"{summary.wall_seconds:.0f} s; results in {out}")
    return 0


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from adlk.notebooks import generate_notebooks

    written = generate_notebooks()
    print(f"[adlk] {len(written)} notebook(s) written to {DOCS / 'notebooks'}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from adlk.bench import run_benchmark
    from adlk.experiments import provenance
    from adlk.profiles import get_profile

    out = Path(args.out) if args.out else None
    if out is None and not args.no_save:
        out = DOCS / "results" / "bench" / f"{provenance(get_profile(args.profile), 0)['device']}.json"
    run_benchmark(args.models, args.epochs, out, profile=args.profile, variants=args.variants)
    if out:
        print(f"[adlk] benchmark written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """构造命令行解析器。"""
    parser = argparse.ArgumentParser(prog="python -m adlk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("figures", help="regenerate every figure the docs use")
    p.add_argument("--out", default=str(DOCS / "figures"), help="output folder (default docs/figures)")
    p.add_argument("--only", nargs="*", help="figure names to regenerate (default all)")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("tables", help="render comparison tables and figure from result files")
    p.add_argument("--results", default=str(DOCS / "results"), help="results folder")
    p.add_argument("--out", default=str(DOCS / "generated"), help="Markdown output folder")
    p.add_argument("--figures", default=str(DOCS / "figures"), help="figure output folder")
    p.set_defaults(func=_cmd_tables)

    p = sub.add_parser("generate", help="figures + tables: everything the site build needs")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("notebooks", help="generate one Jupyter notebook per chapter page")
    p.set_defaults(func=_cmd_notebooks)

    p = sub.add_parser("reproduce", help="train the rows of a comparison table")
    p.add_argument("table", help="mlp, cnn, rnn or all")
    p.add_argument("--profile", default=None, help="full or smoke (default: $ADLK_PROFILE or full)")
    p.add_argument("--only", nargs="*", help="row names to run (default all rows)")
    p.add_argument("--out", default=None, help="results folder (default docs/results/<cpu|gpu>)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--force", action="store_true", help="re-run rows even if their result is current")
    p.add_argument("--mirrored", action="store_true",
                   help="data-parallel training on all local GPUs (tf.distribute.MirroredStrategy)")
    p.add_argument("--mixed-precision", action="store_true", help="use the mixed_float16 policy")
    p.add_argument("--budget-minutes", type=float, default=None,
                   help="start no new row after this many minutes (finished rows are kept)")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("bench", help="book-style training vs the runner's settings, side by side")
    p.add_argument("--models", nargs="*", default=["mlp", "cnn", "rnn"], choices=["mlp", "cnn", "rnn"])
    p.add_argument("--epochs", type=int, default=3, help="epochs per variant (default 3)")
    p.add_argument("--profile", default=None, help="full or smoke (default: $ADLK_PROFILE or full)")
    p.add_argument("--out", default=None, help="result file (default docs/results/bench/<cpu|gpu>.json)")
    p.add_argument("--no-save", action="store_true", help="print only, write no result file")
    p.add_argument("--variants", nargs="*", default=None, help="book, spe16, spe16+xla (default all)")
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
