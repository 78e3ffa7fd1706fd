"""按书中的完整长度（或任意步数）训练第 4 章的一个 GAN：``python -m adlk.ch04.train --model dcgan --steps 40000``。

与对比表的任务完全相同（同一个 :func:`adlk.ch04.experiments.train_and_score`），只是步数由命令行给出；
结果（JSON）、样本网格与检查点写进 ``--out`` 目录，打断后用同样的命令再运行，从最后一个检查点接着训练。
第 5 章的模型用 ``python -m adlk.ch05.train``（同一个 :func:`main`）。
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

MODELS = {"dcgan": "ch04/dcgan", "cgan": "ch04/cgan"}
"""模型名称 → 它所在的表（行名与模型名相同）。"""


def main(argv: list[str] | None = None, models: dict[str, str] | None = None,
         prog: str = "python -m adlk.ch04.train") -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。``models`` 是可选的模型（默认第 4 章的两个）。"""
    from adlk.runs.registry import table as find_table
    from adlk.runs.runner import run_standalone

    models = models or MODELS
    parser = argparse.ArgumentParser(prog=prog, description="train one GAN for the given number of steps")
    parser.add_argument("--model", required=True, choices=sorted(models))
    parser.add_argument("--steps", type=int, default=40_000, help="generator steps (the book: 40000)")
    parser.add_argument("--out", default=None, help="output folder (default runs/<model>-<steps>)")
    parser.add_argument("--chunk", type=int, default=500, help="checkpoint every this many steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    table = find_table(models[args.model])
    run = table.run(args.model)
    run = dataclasses.replace(run, params={**run.params, "steps": args.steps, "chunk": args.chunk})
    out = Path(args.out or f"runs/{args.model}-{args.steps}")
    data = run_standalone(table, run, out, args.model, seed=args.seed, label={"model": args.model})
    print(f"{args.model}: {', '.join(f'{k} {v:.3f}' for k, v in data['metrics'].items())} -> {out}")
    return data


if __name__ == "__main__":
    main()
