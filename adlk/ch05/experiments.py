"""第 5 章的运行记录：WGAN、LSGAN 与 ACGAN，按书中脚本的设置训练，步数按 CPU 预算缩短。

训练、样本网格与打分和第 4 章完全相同（:func:`adlk.ch04.experiments.train_and_score`），评判网络也是
第 4 章记录下来的那一个，所以两章的分数用的是同一把尺子（条件模型与无条件模型仍要分组比较）。LSGAN、ACGAN 的步数与第 4 章的 DCGAN、CGAN 相同；
WGAN 每一步训练判别器 5 次，步数减半（各模型每步的用时见 :mod:`adlk.ch05.bench`）。
"""

from __future__ import annotations

from adlk.ch04.experiments import (CONDITIONAL_METRICS, CPU_STEPS, SHOW, SOURCES, UNCONDITIONAL_METRICS, gan_row,
                                   train_and_score)
from adlk.runs.spec import Run, Table, TaskResult

WGAN_STEPS = 500
"""本站在 CPU 上记录的 WGAN 生成器步数（每步含 5 次判别器更新）。"""

_SOURCES = (*SOURCES, "adlk.ch05.models:WGAN", "adlk.ch05.models:LSGAN", "adlk.ch05.models:ACGAN",
            "adlk.ch05.models:build_model")

TABLES = (
    Table(chapter="ch05", name="unconditional",
          title=f"WGAN 与 LSGAN（书中 5.1、5.2 节的脚本；CPU 预算 {WGAN_STEPS} / {CPU_STEPS} 步）",
          task="adlk.ch05.experiments:run_gan", metrics=UNCONDITIONAL_METRICS, show_columns=SHOW, sources=_SOURCES,
          runs=(gan_row("wgan", "wgan", WGAN_STEPS, "Wasserstein（权重裁剪 0.01，5 次判别器更新）",
                        "RMSprop 5e-5 / 5e-5"),
                gan_row("lsgan", "lsgan", CPU_STEPS, "最小二乘", "RMSprop 2e-4 / 1e-4"))),
    Table(chapter="ch05", name="acgan", title=f"ACGAN（书中 5.3 节的脚本；CPU 预算 {CPU_STEPS} 步）",
          task="adlk.ch05.experiments:run_gan", metrics=CONDITIONAL_METRICS, show_columns=SHOW, sources=_SOURCES,
          runs=(gan_row("acgan", "acgan", CPU_STEPS, "二元交叉熵 + 分类交叉熵", "RMSprop 2e-4 / 1e-4"),)),
)
"""第 5 章的全部表。"""


def run_gan(run: Run, ctx) -> TaskResult:
    """第 5 章的 GAN 任务：``params["model"]`` 为 ``"wgan"``、``"lsgan"`` 或 ``"acgan"``。"""
    from adlk.ch05.models import build_model

    return train_and_score(run, ctx, build_model)
