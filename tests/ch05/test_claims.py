"""第 5 章页面上的说法，用提交的结果文件（docs/results/cpu/ch05/）核对。"""

from __future__ import annotations

import pytest

from adlk.ch05.experiments import TABLES
from tests.ch04.test_claims import check_gan_row

ROWS = [(t, r) for t in TABLES for r in t.runs]


@pytest.mark.parametrize("table, run", ROWS, ids=[r.row for _, r in ROWS])
def test_every_row_is_recorded_at_its_settings(table, run):
    check_gan_row(table, run)


def test_lsgan_and_acgan_train_as_long_as_the_chapter_4_models_and_wgan_does_five_critic_updates():
    """5.4 节：LSGAN、ACGAN 与 DCGAN、CGAN 的步数相同；WGAN 每步 5 次判别器更新。"""
    from adlk.ch04.experiments import TABLES as CH04

    steps = {r.row: r.params["steps"] for t in (*CH04, *TABLES) for r in t.runs if "steps" in r.params}
    assert steps["lsgan"] == steps["acgan"] == steps["dcgan"] == steps["cgan"]
    data = check_gan_row(TABLES[0], TABLES[0].run("wgan"))
    assert data["extra"]["n_critic"] == 5
