"""第 5 章页面引入的生成片段：三个模型在各个时刻的分数，以及第 4、5 章五个模型最后一步的分数。"""

from __future__ import annotations

from adlk.ch04.report import NAMES, conditional_verdict, progress_table
from adlk.runs.provenance import under_load
from adlk.runs.speed import bench_path, read_bench
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note

ROWS = [("ch04/dcgan", "dcgan"), ("ch04/cgan", "cgan"), ("ch05/unconditional", "wgan"),
        ("ch05/unconditional", "lsgan"), ("ch05/acgan", "acgan")]
"""五个模型的 (表, 行)。"""


def comparison(ctx: ReportContext) -> Snippet:
    """五个模型最后一步的分数、步数与用时。"""
    head = "| 模型 | 损失 | 步数 | Fréchet 距离 | 类别熵（nats） | 认出所要数字 | 用时（分钟） |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    uses, scores = [], []
    for table_id, row in ROWS:
        data = ctx.result(table_id, row)
        if data is None:
            lines.append(f"| {NAMES[row]} | — | — | 尚无记录 | — | — | — |")
            continue
        uses.append((table_id, row))
        m = data["metrics"]
        scores.append((NAMES[row], m["frechet"]))
        loss = data.get("run", {}).get("params", {}).get("model", row)
        kind = {"dcgan": "交叉熵", "cgan": "交叉熵", "wgan": "Wasserstein", "lsgan": "平方误差",
                "acgan": "交叉熵 + 分类"}[loss]
        acc = f"{100 * m['label_accuracy']:.1f}%" if "label_accuracy" in m else "—"
        lines.append(f"| {NAMES[row]} | {kind} | {data['counts']['steps']:,} | {m['frechet']:.1f} | "
                     f"{m['class_entropy']:.2f} | {acc} | {data['timing']['wall_seconds'] / 60:.1f}"
                     f"{LOADED_MARK if under_load(data) else ''} |")
    text = "\n".join(lines) + "\n\n“认出所要数字”只对两个条件模型有意义；WGAN 的一步含 5 次判别器更新。"
    text += ("“用时”是各行记录时花掉的时间（含每个时刻给样本打分），各行在不同时间记录，只说明这一行花了多久，"
             "快慢的比较见下文同一次测量的每步用时。")
    text += loaded_note([ctx.result(t, r) for t, r in uses])
    text += ranking(scores)
    real = ctx.result("ch04/judge", "cnn")
    if real is not None:
        uses.append(("ch04/judge", "cnn"))
        text += (f"作为参照，500 张真实测试图像的 Fréchet 距离是 {real['metrics']['real_frechet']:.2f}，"
                 f"类别熵是 {real['metrics']['real_class_entropy']:.2f} nats。")
    if len(uses) < len(ROWS):
        text += "\n\n还有模型尚无本站的运行记录：运行 `python -m adlk reproduce ch04` 与 `python -m adlk reproduce ch05`。"
    return Snippet(text + "\n", uses)


def ranking(scores: list[tuple[str, float]]) -> str:
    """按 Fréchet 距离从小到大排出的一句话（少于两个模型时为空）。"""
    if len(scores) < 2:
        return ""
    ranked = sorted(scores, key=lambda item: item[1])
    names = " < ".join(f"{name}（{value:.1f}）" for name, value in ranked)
    return f"按最后一步的 Fréchet 距离从小到大：{names}。"


SPEED_NAMES = {"dcgan": "DCGAN", "cgan": "条件 GAN", "wgan": "WGAN", "lsgan": "LSGAN", "acgan": "ACGAN"}


def speed(bench: dict | None) -> str:
    """五个模型的每步用时（同一次测量，:mod:`adlk.ch05.bench`）、WGAN 与 DCGAN 的比值，以及书中 40,000 步的推算。"""
    from adlk.ch05.bench import BOOK_STEPS
    from adlk.runs.speed import conditions, extrapolation_sentence, per_step, ranking_sentence, steps_table

    if bench is None:
        return "尚无速度测量：运行 `python -m adlk bench ch05` 之后重新生成。\n"
    names = {k: SPEED_NAMES[k] for k in bench["candidates"]}
    text = steps_table(bench, names, "dcgan") + "\n" + ranking_sentence(bench, names)
    if {"dcgan", "wgan"} <= bench["candidates"].keys():
        text += (f"WGAN 的一步（5 次判别器更新加 1 次生成器更新）用的 CPU 时间是 DCGAN 一步的 "
                 f"{per_step(bench, 'wgan') / per_step(bench, 'dcgan'):.1f} 倍。")
    if "dcgan" in bench["candidates"]:
        text += extrapolation_sentence(bench, "dcgan", "DCGAN", BOOK_STEPS, "书中的训练长度")
    return text + conditions(bench) + "\n"


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 5 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch05/comparison.md": comparison(ctx),
        "ch05/acgan-verdict.md": conditional_verdict(ctx, "ch05/acgan", "acgan"),
        "ch05/progress.md": progress_table(ctx, ROWS[2:], "python -m adlk reproduce ch05"),
        "ch05/speed.md": speed(read_bench(bench_path(ctx.docs, "cpu", "ch05-steps"))),
    }
