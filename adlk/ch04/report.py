"""第 4 章页面引入的生成片段：评判网络的记录，以及每个 GAN 在各个时刻的分数。

这些数都来自结果文件（``docs/results/cpu/ch04/``）；第 5 章的片段也用这里的 :func:`progress_table`。
"""

from __future__ import annotations

from adlk.runs.provenance import under_load
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note, spaced

NAMES = {"dcgan": "DCGAN", "cgan": "条件 GAN", "wgan": "WGAN", "lsgan": "LSGAN", "acgan": "ACGAN"}


def judge_summary(ctx: ReportContext) -> Snippet:
    """评判网络的测试准确率与参照值（500 张真实测试图像的 Fréchet 距离和类别熵）。"""
    data = ctx.result("ch04/judge", "cnn")
    if data is None:
        return Snippet("尚无评判网络的运行记录：运行 `python -m adlk reproduce ch04/judge` 之后重新生成。\n")
    m = data["metrics"]
    text = (f"本站的评判网络（{int(m['parameters']):,} 个参数，Adam，{data['counts']['epochs']} 轮，"
            f"{data['timing']['wall_seconds'] / 60:.1f} 分钟）在 10,000 张测试图像上的准确率是 "
            f"**{100 * m['test_accuracy']:.2f}%**。作为参照，500 张真实测试图像（与给 GAN 打分的样本数相同）"
            f"与整个测试集之间的 Fréchet 距离是 **{m['real_frechet']:.2f}**，它们的类别熵是 "
            f"{m['real_class_entropy']:.2f} nats（10 类均匀时为 2.30）：GAN 的分数越接近这两个数越好。\n")
    return Snippet(text, [("ch04/judge", "cnn")])


def progress_table(ctx: ReportContext, rows: list[tuple[str, str]], command: str) -> Snippet:
    """各行在每个快照时刻的分数：Fréchet 距离、类别熵，条件模型再加认对的比例；末尾是步数与用时。"""
    lines = ["| 模型 | 步 | Fréchet 距离 | 类别熵（nats） | 认出所要数字 |", "|---|---|---|---|---|"]
    uses, tail = [], []
    for table_id, row in rows:
        data = ctx.result(table_id, row)
        if data is None:
            lines.append(f"| {NAMES[row]} | — | 尚无记录 | — | — |")
            continue
        uses.append((table_id, row))
        h = data["history"]
        accuracy = h.get("snapshot_label_accuracy")
        for i, step in enumerate(h["snapshot_step"]):
            acc = "—" if accuracy is None else f"{100 * accuracy[i]:.1f}%"
            lines.append(f"| {NAMES[row]} | {step:,} | {h['snapshot_frechet'][i]:.1f} | "
                         f"{h['snapshot_class_entropy'][i] + 0.0:.2f} | {acc} |")
        steps = data["counts"]["steps"]
        wall = data["timing"]["wall_seconds"]
        mark = LOADED_MARK if under_load(data) else ""
        tail.append(f"{NAMES[row]} {steps:,} 步用了 {wall / 60:.1f} 分钟{mark}")
    text = "\n".join(lines) + "\n"
    text += ("\n每个时刻都用同一组 500 个固定的 z（条件模型每个数字 50 个）；“步”是生成器的训练步数。"
             "Fréchet 距离和类别熵是本站评判网络的分数，书中没有这些数。")
    if tail:
        text += ("记录时实际花掉的时间（含每个时刻的打分）：" + "；".join(tail) + "。各行在不同时间记录，"
                 "这些时间不能用来比较快慢；同一次测量的每步用时见 [5.4 节](../ch05/results.md#各模型的速度)。"
                 + loaded_note([ctx.result(t, r) for t, r in uses]) + "\n")
    else:
        text += f"\n\n尚无本站的运行记录：运行 `{command}` 之后重新生成。\n"
    return Snippet(text, uses)


CHANCE = 0.2
"""认对的比例低于它，就说生成器还没有学会遵守标签（随机猜为 0.1）。"""


def conditional_verdict(ctx: ReportContext, table_id: str, row: str) -> Snippet:
    """条件模型最后一步认对所要数字的比例，以及由它得出的一句结论。"""
    data = ctx.result(table_id, row)
    name = NAMES[row]
    if data is None:
        return Snippet(spaced("尚无", name, "的运行记录") + f"：运行 `python -m adlk reproduce {table_id}` 之后重新生成。\n")
    m, steps = data["metrics"], data["counts"]["steps"]
    rate = f"{100 * m['label_accuracy']:.1f}%"
    if m["label_accuracy"] < CHANCE:
        text = (spaced("本站的", name, "只训练了") + f" {steps:,} 步，评判网络认出所要数字的比例是 **{rate}**，与随机猜（10%）"
                "相差无几：到这一步，生成器画出的笔画还不像任何一个确定的数字，也还没有学会遵守标签。"
                "书中训练 40,000 步之后，每一列都是所要的数字；要在本站的代码上看到这一点，需要更长的运行"
                "（见[在 GPU 上运行](../gpu.md)）。")
    elif m["label_accuracy"] < 0.5:
        text = (spaced("本站的", name, "训练了") + f" {steps:,} 步，评判网络认出所要数字的比例是 **{rate}**：生成器已经开始遵守标签，"
                "但多数样本还认不出是所要的数字。")
    else:
        text = (spaced("本站的", name, "训练了") + f" {steps:,} 步，评判网络认出所要数字的比例是 **{rate}**：多数样本已经是所要的数字。")
    return Snippet(text + "\n", [(table_id, row)])


def book_length(ctx: ReportContext) -> str:
    """书中 40,000 步的 DCGAN 在这台 CPU 上要多久：由五个 GAN 并排测得的每步用时推算（``python -m adlk bench ch05``）。"""
    from adlk.runs.speed import bench_path, conditions, extrapolation_sentence, read_bench

    bench = read_bench(bench_path(ctx.docs, "cpu", "ch05-steps"))
    if bench is None or "dcgan" not in bench["candidates"]:
        return "尚无速度测量：运行 `python -m adlk bench ch05` 之后重新生成。\n"
    return (extrapolation_sentence(bench, "dcgan", "DCGAN", bench["book_steps"], "书中的训练长度")
            + conditions(bench) + "五个模型的每步用时见 [5.4 节](../ch05/results.md#各模型的速度)。\n")


def final_losses(ctx: ReportContext, table_id: str, row: str) -> Snippet:
    """本站记录的最后 100 步（10 个记录点）的平均损失，放在书中 40,000 步的损失旁边。"""
    data = ctx.result(table_id, row)
    name = NAMES[row]
    if data is None:
        return Snippet(spaced("尚无", name, "的运行记录") + f"：运行 `python -m adlk reproduce {table_id}` 之后重新生成。\n")
    m, steps = data["metrics"], data["counts"]["steps"]
    text = (spaced("本站的", name, "只训练了") + f" {steps:,} 步（书中的 {steps / 40_000:.1%}），最后 100 步的平均损失是判别器 "
            f"{m['d_loss']:.2f}、生成器 {m['g_loss']:.2f}。GAN 的两个损失此消彼长，数值与书中的相近与否都说明不了样本"
            "是否已经达到书中的质量：样本好坏要看图和分数（[4.5 节](results.md)）。\n")
    return Snippet(text, [(table_id, row)])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 4 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch04/judge.md": judge_summary(ctx),
        "ch04/cgan-verdict.md": conditional_verdict(ctx, "ch04/cgan", "cgan"),
        "ch04/book-length.md": book_length(ctx),
        "ch04/dcgan-losses.md": final_losses(ctx, "ch04/dcgan", "dcgan"),
        "ch04/progress.md": progress_table(ctx, [("ch04/dcgan", "dcgan"), ("ch04/cgan", "cgan")],
                                           "python -m adlk reproduce ch04"),
    }
