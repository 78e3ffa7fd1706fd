"""第 4 章页面引入的生成片段：评判网络的记录，以及每个 GAN 在各个时刻的分数。

这些数都来自结果文件（``docs/results/cpu/ch04/``）；第 5 章的片段也用这里的 :func:`progress_table`。
"""

from __future__ import annotations

from adlk.site.report import ReportContext, Snippet

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
    """各行在每个样本时刻的分数：Fréchet 距离、类别熵，条件模型再加认对的比例；末尾是步数与用时。"""
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
        tail.append(f"{NAMES[row]} {steps:,} 步用了 {wall / 60:.1f} 分钟（每步约 {wall / steps:.1f} 秒，含打分）")
    text = "\n".join(lines) + "\n"
    text += ("\n每个时刻都用同一组 500 个固定的 z（条件模型每个数字 50 个）；“步”是生成器的训练步数。"
             "Fréchet 距离和类别熵是本站评判网络的分数，书中没有这些数。")
    if tail:
        text += "用时：" + "；".join(tail) + "（记录时这台双核机器同时运行着别的训练）。\n"
    else:
        text += f"\n\n尚无本站的运行记录：运行 `{command}` 之后重新生成。\n"
    return Snippet(text, uses)


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 4 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch04/judge.md": judge_summary(ctx),
        "ch04/progress.md": progress_table(ctx, [("ch04/dcgan", "dcgan"), ("ch04/cgan", "cgan")],
                                           "python -m adlk reproduce ch04"),
    }
