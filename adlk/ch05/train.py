"""按书中的完整长度训练第 5 章的一个 GAN：``python -m adlk.ch05.train --model wgan --steps 40000``。

命令行与第 4 章的 :func:`adlk.ch04.train.main` 相同，只是模型换成 ``wgan``、``lsgan``、``acgan``。
"""

from __future__ import annotations

from adlk.ch04.train import main as _main

MODELS = {"wgan": "ch05/unconditional", "lsgan": "ch05/unconditional", "acgan": "ch05/acgan"}
"""模型名称 → 它所在的表。"""


def main(argv: list[str] | None = None) -> dict:
    """解析命令行、训练、写出结果（见 :func:`adlk.ch04.train.main`）。"""
    return _main(argv, models=MODELS, prog="python -m adlk.ch05.train")


if __name__ == "__main__":
    main()
