"""按书中的长度（或任意轮数）训练 IIC：``python -m adlk.ch13.train --backbone vgg --heads 5 --epochs 1200``。

与结果表 ``ch13/iic`` 的任务完全相同（同一个 :func:`adlk.ch13.experiments.run_iic`），只是设置由命令行给出；
结果（JSON）、测试集的簇分配与检查点写进 ``--out`` 目录，打断后用同样的命令再运行，从最后一个检查点接着训练。
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果；返回结果的内容。"""
    from adlk.runs.registry import table as find_table
    from adlk.runs.runner import run_standalone

    parser = argparse.ArgumentParser(prog="python -m adlk.ch13.train", description="train IIC on MNIST")
    parser.add_argument("--backbone", choices=("small", "vgg"), default="vgg", help="the book: vgg")
    parser.add_argument("--heads", type=int, default=5, help="main heads (the book: 1 to 5)")
    parser.add_argument("--over", type=int, default=50, help="clusters of each over-clustering head; 0: none")
    parser.add_argument("--epochs", type=int, default=1200, help="the book: 1200")
    parser.add_argument("--batch-size", type=int, default=512, help="the book: 512")
    parser.add_argument("--repeats", type=int, default=1, help="augmented views per image and step")
    parser.add_argument("--lamb", type=float, default=1.0, help="weight of the marginal entropy terms")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--out", default=None, help="output folder (default runs/iic-<backbone>-<epochs>)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.heads < 1:
        parser.error("--epochs and --heads must be at least 1")
    table = find_table("ch13/iic")
    run = table.run("cpu")
    params = {**run.params, "backbone": args.backbone, "heads": args.heads, "n_over": args.over,
              "epochs": args.epochs, "batch_size": args.batch_size, "repeats": args.repeats, "lamb": args.lamb,
              "learning_rate": args.learning_rate}
    run = dataclasses.replace(run, params=params)
    out = Path(args.out or f"runs/iic-{args.backbone}-{args.epochs}")
    data = run_standalone(table, run, out, "iic", seed=args.seed, label=None)
    print(f"iic: test_accuracy {data['metrics']['test_accuracy']:.4f} -> {out}")
    return data


if __name__ == "__main__":
    main()
