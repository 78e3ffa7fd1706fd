"""按书中的长度（或任意设置）训练第 11 章的一种组合：``python -m adlk.ch11.train --variant normalized --epochs 200``。

与对比表的任务完全相同（同一个 :func:`adlk.ch11.experiments.run_variant`），只是轮数、批大小、骨干深度、
特征层数、画布与场景数由命令行给出（默认是对比表的预算，``--book`` 换成书中的 200 轮、批大小 4、ResNet56v2、
4 个特征层），``--drinks DIR`` 把数字场景换成书中的 drinks 数据；
结果（JSON）、检测结果的工件与检查点写进 ``--out`` 目录，打断后用同样的命令再运行，从最后一个检查点接着训练。
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

BOOK = {"epochs": 200, "batch_size": 4, "n": 6, "n_layers": 4}
"""书中的设置：200 轮、批大小 4、ResNet56v2（``n = 6``）、4 个特征层。"""


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。"""
    from adlk.ch11.experiments import BUDGET, table
    from adlk.profiles import get_profile
    from adlk.runs.context import RunContext
    from adlk.runs.spec import resolve

    variants_table = table("variants")
    rows = sorted(r.row for r in variants_table.runs)
    parser = argparse.ArgumentParser(prog="python -m adlk.ch11.train",
                                     description="train one SSD variant of chapter 11 on the digit scenes")
    parser.add_argument("--variant", required=True, choices=rows)
    parser.add_argument("--book", action="store_true", help="the book's 200 epochs, batch 4, ResNet56v2 and 4 feature layers")
    for key in ("epochs", "batch_size", "n", "n_layers", "size", "train_scenes", "test_scenes"):
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=None, help=f"default {BUDGET[key]}")
    parser.add_argument("--drinks", default=None, metavar="DIR",
                        help="train on the book's drinks data in DIR (images + labels_train.csv / labels_test.csv) "
                             "instead of the digit scenes")
    parser.add_argument("--out", default=None, help="output folder (default runs/ch11-<variant>-<epochs>)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    params = {**variants_table.run(args.variant).params, **(BOOK if args.book else {})}
    for key in ("epochs", "batch_size", "n", "n_layers", "size", "train_scenes", "test_scenes"):
        value = getattr(args, key)
        if value is not None:
            if value < 1:
                parser.error(f"--{key.replace('_', '-')} must be at least 1, got {value}")
            params[key] = value
    if args.drinks:
        params["drinks"] = str(Path(args.drinks).expanduser())
    run = dataclasses.replace(variants_table.run(args.variant), params=params)
    data_name = "drinks-" if args.drinks else ""
    out = Path(args.out or f"runs/ch11-{data_name}{args.variant}-{params['epochs']}")
    ctx = RunContext(profile=get_profile(), seed=args.seed, artifact_dir=out, stem=args.variant,
                     key=json.dumps(run.params, sort_keys=True), checkpoint_dir=out / "checkpoint")
    start = time.perf_counter()
    result = resolve(variants_table.task)(run, ctx)
    data = {"variant": args.variant, "params": run.params, "seed": args.seed, "metrics": result.metrics,
            "counts": result.counts, "history": result.history, "artifacts": ctx.artifacts,
            "wall_seconds": round(time.perf_counter() - start, 1)}
    (out / f"{args.variant}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    ctx.clear_checkpoint()
    print(f"{args.variant}: {', '.join(f'{k} {v:.3f}' for k, v in result.metrics.items())} -> {out}")
    return data


if __name__ == "__main__":
    main()
