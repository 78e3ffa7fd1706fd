"""按书中的长度（或任意设置）训练第 12 章的 FCN：``python -m adlk.ch12.train --book``。

与对比表 ``ch12/fcn`` 的任务完全相同（同一个 :func:`adlk.ch12.experiments.run_fcn`），只是轮数、批大小、骨干深度、
头部滤波器数、画布与场景数由命令行给出（默认是对比表的预算，``--book`` 换成书中的 100 轮、批大小 4、
ResNet56v2 与 256 个滤波器）；结果（JSON）、预测类别图的工件与检查点写进 ``--out`` 目录，
打断后用同样的命令再运行，从最后一个检查点接着训练。
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

BOOK = {"epochs": 100, "batch_size": 4, "n": 6, "filters": 256}
"""书中的设置：100 轮、批大小 4、ResNet56v2（``n = 6``）、头部 256 个滤波器。"""
KEYS = ("epochs", "batch_size", "n", "n_layers", "filters", "size", "train_scenes", "test_scenes")


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。"""
    from adlk.ch12.experiments import BUDGET, table
    from adlk.runs.runner import run_standalone

    fcn_table = table("fcn")
    parser = argparse.ArgumentParser(prog="python -m adlk.ch12.train",
                                     description="train the chapter 12 FCN on the digit scenes")
    parser.add_argument("--no-pyramid", action="store_true", help="only the stride-4 feature (the table's control)")
    parser.add_argument("--book", action="store_true", help="the book's 100 epochs, batch 4, ResNet56v2, 256 filters")
    for key in KEYS:
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=None, help=f"default {BUDGET[key]}")
    parser.add_argument("--out", default=None, help="output folder (default runs/ch12-<row>-<epochs>)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    row = "no-pyramid" if args.no_pyramid else "fcn"
    run = fcn_table.run(row)
    params = {**run.params, **(BOOK if args.book else {})}
    for key in KEYS:
        value = getattr(args, key)
        if value is not None:
            if value < 1:
                parser.error(f"--{key.replace('_', '-')} must be at least 1, got {value}")
            params[key] = value
    if params["size"] % 2 ** (params["n_layers"] + 2):
        parser.error(f"--size must be a multiple of {2 ** (params['n_layers'] + 2)} for {params['n_layers']} layers")
    run = dataclasses.replace(run, params=params)
    out = Path(args.out or f"runs/ch12-{row}-{params['epochs']}")
    data = run_standalone(fcn_table, run, out, row, seed=args.seed, label={"row": row})
    m = data["metrics"]
    print(f"{row}: miou {m['miou']:.3f}, book_miou {m['book_miou']:.3f}, pixel_accuracy {m['pixel_accuracy']:.3f}"
          f" -> {out}")
    return data


if __name__ == "__main__":
    main()
