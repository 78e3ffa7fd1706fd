"""第 5 章页面上的说法，用提交的结果文件（docs/results/cpu/ch05/）核对。"""

from __future__ import annotations

import pytest

from adlk.ch05.experiments import TABLES
from tests.ch04.test_claims import RESULTS
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


def test_acgan_verdict_on_the_page_follows_the_recorded_rate():
    """5.3 节的结论句由记录生成，与记录的认对比例一致。"""
    from adlk.ch04.report import CHANCE, conditional_verdict
    from adlk.site.report import ReportContext, load_results
    from tests.conftest import DOCS

    table = TABLES[1]
    rate = check_gan_row(table, table.run("acgan"))["metrics"]["label_accuracy"]
    text = conditional_verdict(ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS), table.id, "acgan").text
    assert f"{100 * rate:.1f}%" in text
    assert ("相差无几" in text) == (rate < CHANCE)
    assert ("多数样本已经是所要的数字" in text) == (rate >= 0.5)


def test_acgan_draws_the_requested_digit_in_most_samples():
    """5.3 节：评判网络在多数 ACGAN 样本里认出所要的数字。"""
    table = TABLES[1]
    assert check_gan_row(table, table.run("acgan"))["metrics"]["label_accuracy"] > 0.5
