"""第 5 章页面引入的生成片段：三个模型在各个时刻的分数，以及第 4、5 章五个模型最后一步的分数。"""

from __future__ import annotations

from adlk.ch04.experiments import EVAL_SAMPLES
from adlk.ch04.report import NAMES, conditional_verdict, progress_table
from adlk.runs.provenance import under_load
from adlk.runs.speed import bench_path, read_bench
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note

ROWS = [("ch04/dcgan", "dcgan"), ("ch04/cgan", "cgan"), ("ch05/unconditional", "wgan"),
        ("ch05/unconditional", "lsgan"), ("ch05/acgan", "acgan")]
"""五个模型的 (表, 行)。"""
CONDITIONAL = ("cgan", "acgan")
"""条件模型：每个数字恰好生成同样多的样本，类别比例天然正确，只与条件模型放在一组里比较。"""


def comparison(ctx: ReportContext) -> Snippet:
    """五个模型最后一步的分数、步数与用时。"""
    head = "| 模型 | 损失 | 步数 | Fréchet 距离 | 类别熵（nats） | 认出所要数字 | 用时（分钟） |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    uses, scores, groups = [], [], {True: [], False: []}
    for table_id, row in ROWS:
        data = ctx.result(table_id, row)
        if data is None:
            lines.append(f"| {NAMES[row]} | — | — | 尚无记录 | — | — | — |")
            continue
        uses.append((table_id, row))
        m = data["metrics"]
        scores.append((NAMES[row], m["frechet"]))
        steps = data["counts"]["steps"]
        note = "" if steps == max_steps(ctx) else f"，{steps:,} 步"
        groups[row in CONDITIONAL].append((NAMES[row], m["frechet"], note))
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
    text += grouped_ranking(groups[True], groups[False])
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


def max_steps(ctx: ReportContext) -> int:
    """五个模型里最长的步数（其余模型在排序句里注明自己的步数）。"""
    steps = [d["counts"]["steps"] for d in (ctx.result(t, r) for t, r in ROWS) if d is not None]
    return max(steps, default=0)


def grouped_ranking(conditional: list[tuple[str, float, str]], unconditional: list[tuple[str, float, str]]) -> str:
    """条件模型与无条件模型分组，各自按 Fréchet 距离从小到大排列，并说明为什么不跨组比较。

    每一项是（名字，Fréchet 距离，括号里的附注，如步数较少的模型的步数）。
    """
    parts = [f"{label}：{' < '.join(f'{n}（{v:.1f}{note}）' for n, v, note in sorted(group, key=lambda i: i[1]))}"
             for label, group in (("条件模型", conditional), ("无条件模型", unconditional)) if len(group) >= 2]
    if not parts:
        return ""
    text = "按最后一步的 Fréchet 距离从小到大，" + "；".join(parts) + "。"
    if conditional and unconditional:
        text += (f"两组之间不直接比较：条件模型每个数字恰好生成 {EVAL_SAMPLES // 10} 张，只要遵守标签，类别比例就是对的，类别熵接近满分，"
                 "Fréchet 距离也因类别比例正确而占便宜；无条件模型得不到这份帮助。")
    return text


def wasserstein_curve(ctx: ReportContext) -> Snippet:
    """WGAN 的 Wasserstein 估计在哪一步最高、最后是多少，与同期的 Fréchet 距离并列。"""
    data = ctx.result("ch05/unconditional", "wgan")
    if data is None:
        return Snippet("尚无 WGAN 的运行记录：运行 `python -m adlk reproduce ch05/unconditional` 之后重新生成。\n")
    h = data["history"]
    w, steps = h["wasserstein"], h["step"]
    top = max(range(len(w)), key=w.__getitem__)
    f, marks = h["snapshot_frechet"], h["snapshot_step"]
    if 0 < top < len(w) - 1:
        shape = (f"本站的记录里，这条曲线先升后降：每 10 步的平均值在第 {steps[top]:,} 步最高（{w[top]:.1f}），"
                 f"第一个记录点是 {w[0]:.1f}，最后一步降到 {w[-1]:.1f}。开头的上升是判别器还在学着逼近那个上确界，"
                 "估计值起初远小于它要估计的量；此后它才随生成分布靠近真实分布而下降。")
    elif top == len(w) - 1:
        shape = f"本站的记录里，这条曲线一直在上升（第一个记录点 {w[0]:.1f}，最后一步 {w[-1]:.1f}），判别器还没有逼近上确界。"
    else:
        shape = f"本站的记录里，这条曲线从第一个记录点（{w[0]:.1f}）起下降到最后一步的 {w[-1]:.1f}。"
    together = f"同期的 Fréchet 距离从第 {marks[0]:,} 步的 {f[0]:.1f} 降到第 {marks[-1]:,} 步的 {f[-1]:.1f}（见上表）。"
    return Snippet(shape + together + "\n", [("ch05/unconditional", "wgan")])


def per_digit(ctx: ReportContext) -> Snippet:
    """条件 GAN 与 ACGAN 最后一步的样本网格里，每个数字被评判网络认对了几张（每个数字 10 张）。"""
    from adlk.site.figures import load_artifact

    rows = (("ch04/cgan", "cgan"), ("ch05/acgan", "acgan"))
    counts, uses = {}, []
    for table_id, row in rows:
        samples = load_artifact(table_id, row, "samples")
        if samples is None:
            continue
        uses.append((table_id, row))
        labels, predicted = samples["labels"], samples["predicted"][-1]
        counts[row] = [(int(((labels == d) & (predicted == d)).sum()), int((labels == d).sum())) for d in range(10)]
    if len(counts) < 2:
        return Snippet("尚无条件 GAN 与 ACGAN 两者的运行记录：运行 `python -m adlk reproduce ch04/cgan ch05/acgan`。\n")
    n = counts["cgan"][0][1]
    lines = ["| 数字 | " + " | ".join(str(d) for d in range(10)) + " |", "|---" * 11 + "|"]
    for row in ("cgan", "acgan"):
        lines.append(f"| {NAMES[row]} | " + " | ".join(str(c) for c, _ in counts[row]) + " |")
    better = [d for d in range(10) if counts["acgan"][d][0] > counts["cgan"][d][0]]
    worse = [d for d in range(10) if counts["acgan"][d][0] < counts["cgan"][d][0]]
    text = "\n".join(lines) + "\n\n"
    text += (f"表中是最后一步的样本网格里每个数字被评判网络认对的张数（每个数字只有 {n} 张，差一两张说明不了什么）。"
             f"ACGAN 多认对的数字：{'、'.join(map(str, better)) or '无'}；少认对的数字：{'、'.join(map(str, worse)) or '无'}。\n")
    return Snippet(text, uses)


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 5 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch05/comparison.md": comparison(ctx),
        "ch05/acgan-verdict.md": conditional_verdict(ctx, "ch05/acgan", "acgan"),
        "ch05/wasserstein-curve.md": wasserstein_curve(ctx),
        "ch05/per-digit.md": per_digit(ctx),
        "ch05/progress.md": progress_table(ctx, ROWS[2:], "python -m adlk reproduce ch05"),
        "ch05/speed.md": speed(read_bench(bench_path(ctx.docs, "cpu", "ch05-steps"))),
    }
