"""第 5 章页面上的说法，用提交的结果文件（docs/results/cpu/ch05/）核对。"""

from __future__ import annotations

import numpy as np
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
    assert steps["wgan"] == steps["lsgan"] // 2  # 5.4 节：“WGAN 的生成器步数只有一半”
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


def test_comparison_ranks_conditional_and_unconditional_models_separately():
    """5.4 节表后的排序句由记录生成：条件模型与无条件模型分两组，每组按 Fréchet 距离从小到大，不跨组排名。"""
    from adlk.ch05.report import CONDITIONAL, comparison, grouped_ranking, ranking
    from adlk.ch05.report import ROWS as FIVE
    from adlk.site.report import ReportContext, load_results
    from tests.conftest import DOCS

    assert ranking([("A", 2.0)]) == ""
    assert ranking([("A", 2.0), ("B", 1.0)]) == "按最后一步的 Fréchet 距离从小到大：B（1.0） < A（2.0）。"
    assert grouped_ranking([("C", 3.0, ""), ("D", 1.0, "")], [("U", 9.0, "，5 步"), ("V", 2.0, "")]).startswith(
        "按最后一步的 Fréchet 距离从小到大，条件模型：D（1.0） < C（3.0）；无条件模型：V（2.0） < U（9.0，5 步）。两组之间不直接比较")
    ctx = ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS)
    text = comparison(ctx).text
    sentence = text[text.index("按最后一步"):].split("。")[0]
    conditional, unconditional = sentence.split("；")
    for part, wanted in ((conditional, True), (unconditional, False)):
        scores = sorted(ctx.result(t, row)["metrics"]["frechet"] for t, row in FIVE if (row in CONDITIONAL) == wanted)
        assert [float(v.split("）")[0].split("，")[0]) for v in part.split("（")[1:]] == pytest.approx(scores, abs=0.05)


def test_wasserstein_sentence_follows_the_recorded_curve():
    """5.4 节：Wasserstein 估计“先升后降”的句子与它的最高点都由记录得出。"""
    from adlk.ch05.report import wasserstein_curve
    from adlk.site.report import ReportContext, load_results
    from tests.conftest import DOCS

    h = check_gan_row(TABLES[0], TABLES[0].run("wgan"))["history"]
    w = h["wasserstein"]
    top = max(range(len(w)), key=w.__getitem__)
    text = wasserstein_curve(ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS)).text
    assert ("先升后降" in text) == (0 < top < len(w) - 1)
    assert f"第 {h['step'][top]:,} 步最高（{w[top]:.1f}）" in text or not 0 < top < len(w) - 1


def test_per_digit_table_counts_the_recorded_grids():
    """5.3 节逐个数字的比较：每个数字 10 张样本，表里的张数由最后一步的样本网格与评判网络的预测算出。"""
    from adlk.ch04.experiments import TABLES as CH04
    from adlk.ch05.report import per_digit
    from adlk.site.figures import load_artifact
    from adlk.site.report import ReportContext, load_results
    from tests.conftest import DOCS

    text = per_digit(ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS)).text
    for table, row, name in ((CH04[2], "cgan", "条件 GAN"), (TABLES[1], "acgan", "ACGAN")):
        s = load_artifact(table.id, row, "samples")
        assert (s["labels"].reshape(-1, 10) == np.arange(10)).all() or sorted(np.bincount(s["labels"])) == [10] * 10
        counts = [int(((s["labels"] == d) & (s["predicted"][-1] == d)).sum()) for d in range(10)]
        assert f"| {name} | " + " | ".join(map(str, counts)) + " |" in text


def test_wgan_is_behind_the_others_at_its_shorter_budget():
    """5.4 节：“早期落后”——WGAN 最后一步的 Fréchet 距离是五个模型里最大的。"""
    from adlk.ch05.report import ROWS as FIVE
    from adlk.site.report import ReportContext, load_results
    from tests.conftest import DOCS

    ctx = ReportContext(cpu=load_results(RESULTS), gpu={}, docs=DOCS)
    frechet = {row: ctx.result(t, row)["metrics"]["frechet"] for t, row in FIVE}
    assert max(frechet, key=frechet.get) == "wgan"


def test_wgan_step_cost_comes_from_the_side_by_side_measurement():
    """5.4 节：WGAN 每一步的代价只引用同一次测量的速度表（tests/test_speed_claims.py 核对表中每个数），
    不再用各行在不同负载下记录的墙钟时间相比。"""
    from tests.conftest import DOCS

    page = (DOCS / "ch05" / "results.md").read_text(encoding="utf-8")
    assert '--8<-- "ch05/speed.md"' in page and "用时比其他模型长得多" not in page
