"""按书中的完整长度训练第 7 章的一个 CycleGAN：``python -m adlk.ch07.train --experiment digits --steps 100000``。

与对比表的任务完全相同（同一个 :func:`adlk.ch07.experiments.train_and_score`），只是步数由命令行给出；
结果（JSON）、翻译结果与检查点写进 ``--out`` 目录，打断后用同样的命令再运行，从最后一个检查点接着训练。
打分要用本章的 MNIST-M 风格分类器（``python -m adlk reproduce ch07/judge``）和第 4 章的评判网络，两者的记录随仓库提交。
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

EXPERIMENTS = {"digits": "ch07/digits", "colour": "ch07/colour"}
"""实验名称 → 它所在的表（行名都是 ``cyclegan``）。"""


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。"""
    from adlk.runs.registry import table as find_table
    from adlk.runs.runner import run_standalone

    parser = argparse.ArgumentParser(prog="python -m adlk.ch07.train",
                                     description="train one CycleGAN of chapter 7 for the given number of steps")
    parser.add_argument("--experiment", required=True, choices=sorted(EXPERIMENTS),
                        help="digits: MNIST <-> MNIST-M-style; colour: grey <-> class-coloured digits")
    parser.add_argument("--steps", type=int, default=100_000, help="training steps (the book: 100000)")
    parser.add_argument("--out", default=None, help="output folder (default runs/cyclegan-<experiment>-<steps>)")
    parser.add_argument("--chunk", type=int, default=1000, help="checkpoint every this many steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    table = find_table(EXPERIMENTS[args.experiment])
    run = table.run("cyclegan")
    run = dataclasses.replace(run, params={**run.params, "steps": args.steps, "chunk": args.chunk})
    out = Path(args.out or f"runs/cyclegan-{args.experiment}-{args.steps}")
    stem = f"cyclegan-{args.experiment}"
    data = run_standalone(table, run, out, stem, seed=args.seed, label={"experiment": args.experiment})
    print(f"{stem}: {', '.join(f'{k} {v:.3f}' for k, v in data['metrics'].items())} -> {out}")
    return data


if __name__ == "__main__":
    main()
