"""按书中的完整长度训练第 6 章的一个模型：

``python -m adlk.ch06.train --model infogan --steps 40000``，
``python -m adlk.ch06.train --model stackedgan --steps 10000 --encoder-epochs 10``。

与对比表的任务完全相同（:func:`adlk.ch06.experiments.run_infogan`、:func:`adlk.ch06.experiments.run_stackedgan`），
只是步数（和 StackedGAN 编码器的预训练轮数）由命令行给出；结果（JSON）、样本与检查点写进 ``--out`` 目录，
打断后用同样的命令再运行，从最后一个检查点接着训练。其余与第 4 章的 :func:`adlk.ch04.train.main` 相同。
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

MODELS = {"infogan": "ch06/infogan", "stackedgan": "ch06/stackedgan"}
"""模型名称 → 它所在的表（行名与模型名相同）。"""
BOOK = {"infogan": {"steps": 40_000}, "stackedgan": {"steps": 10_000, "encoder_epochs": 10}}
"""书中的长度（命令行的默认值）。"""


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。"""
    from adlk.runs.registry import table as find_table
    from adlk.runs.runner import run_standalone

    parser = argparse.ArgumentParser(prog="python -m adlk.ch06.train", description="train InfoGAN or StackedGAN")
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--steps", type=int, default=None, help="training steps (the book: 40000 / 10000)")
    parser.add_argument("--encoder-epochs", type=int, default=None, help="StackedGAN encoder epochs (the book: 10)")
    parser.add_argument("--out", default=None, help="output folder (default runs/<model>-<steps>)")
    parser.add_argument("--chunk", type=int, default=500, help="checkpoint every this many steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    params = {**BOOK[args.model], "chunk": args.chunk}
    if args.steps is not None:
        params["steps"] = args.steps
    if args.encoder_epochs is not None:
        if args.model != "stackedgan":
            parser.error("--encoder-epochs applies to stackedgan only")
        params["encoder_epochs"] = args.encoder_epochs
    if params["steps"] < 1:
        parser.error(f"--steps must be at least 1, got {params['steps']}")
    table = find_table(MODELS[args.model])
    run = table.run(args.model)
    run = dataclasses.replace(run, params={**run.params, **params})
    out = Path(args.out or f"runs/{args.model}-{params['steps']}")
    data = run_standalone(table, run, out, args.model, seed=args.seed, label={"model": args.model})
    print(f"{args.model}: {', '.join(f'{k} {v:.3f}' for k, v in data['metrics'].items())} -> {out}")
    return data


if __name__ == "__main__":
    main()
