"""第 6 章页面引入的生成片段：InfoGAN 类别码与数字的对应、连续码与笔画形状、StackedGAN 认对的比例与两层噪声，
以及两次记录的预算（每步用时、按它推算的书中长度）。每句话只说记录支持的内容。"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adlk.ch04.quality import DOMINANCE, roles
from adlk.runs.provenance import under_load
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note

INFOGAN = ("ch06/infogan", "infogan")
STACKED = ("ch06/stackedgan", "stackedgan")
BOOK_STEPS = {"infogan": 40_000, "stackedgan": 10_000}
"""书中的训练步数。"""
SHAPES = ("倾斜", "宽窄")


def _arrays(ctx: ReportContext, table_id: str, data: dict[str, Any] | None, name: str) -> dict[str, np.ndarray] | None:
    """一行结果的某个 ``.npz`` 文件里的全部数组，没有时为 ``None``。"""
    file = None if data is None else data.get("artifacts", {}).get(name)
    path = None if file is None else Path(ctx.docs) / "results" / "cpu" / table_id / file
    if path is None or not path.is_file():
        return None
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def _missing(table_id: str) -> Snippet:
    return Snippet(f"尚无本站的运行记录：运行 `python -m adlk reproduce {table_id}` 之后重新生成。\n")


def chance_matched(per_code: int, trials: int = 200, seed: int = 0) -> float:
    """类别码与数字无关时（每张图的数字均匀随机）的最佳对应准确率的平均：最佳对应会挑出偶然多出来的格子，所以高于 10%。"""
    from adlk.ch06.measures import code_digit_counts, matched_accuracy

    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(10), per_code)
    return float(np.mean([matched_accuracy(code_digit_counts(codes, rng.integers(0, 10, codes.size)))[0]
                          for _ in range(trials)]))


def budget(ctx: ReportContext) -> Snippet:
    """两次记录的步数、用时、每步平均用时，以及按它推算的书中长度。"""
    lines = ["| 模型 | 本站步数 | 用时（分钟） | 每步（秒，含打分） | 书中步数 | 按此推算书中长度（小时） |",
             "|---|---|---|---|---|---|"]
    uses = []
    for table_id, row in (INFOGAN, STACKED):
        data = ctx.result(table_id, row)
        if data is None:
            lines.append(f"| {row} | 尚无记录 | — | — | {BOOK_STEPS[row]:,} | — |")
            continue
        uses.append((table_id, row))
        steps, wall = data["counts"]["steps"], data["timing"]["wall_seconds"]
        per = wall / steps
        name = {"infogan": "InfoGAN", "stackedgan": "StackedGAN（含编码器预训练）"}[row]
        lines.append(f"| {name} | {steps:,} | {wall / 60:.1f}{LOADED_MARK if under_load(data) else ''} | {per:.2f} | "
                     f"{BOOK_STEPS[row]:,} | {per * BOOK_STEPS[row] / 3600:.1f} |")
    text = "\n".join(lines) + "\n\n“每步”是整次记录的用时除以步数，包含各个时刻生成样本、评判网络打分的时间（StackedGAN 还包含编码器的预训练），所以比单纯的一步训练略长；推算只是按同样的速度外推。"
    text += loaded_note([ctx.result(t, r) for t, r in uses])
    return Snippet(text + "\n", uses)


def infogan_verdict(ctx: ReportContext) -> Snippet:
    """类别码与数字：最佳对应准确率、码 k 被认成数字 k 的比例、各个时刻的变化。"""
    data = ctx.result(*INFOGAN)
    if data is None:
        return _missing(INFOGAN[0])
    m, h, steps = data["metrics"], data["history"], data["counts"]["steps"]
    mapping = data["extra"]["mapping"]
    same = sum(int(k == d) for k, d in enumerate(mapping))
    progress = "、".join(f"第 {s:,} 步 {100 * a:.1f}%" for s, a in zip(h["snapshot_step"], h["snapshot_matched_accuracy"]))
    per_code = data["counts"]["eval_samples"] // 10
    chance = chance_matched(per_code)
    text = (f"本站的 InfoGAN 训练了 {steps:,} 步（书中 40,000 步）。最后一步用 {data['counts']['eval_samples']} 组固定输入"
            f"（每个类别码 {per_code} 张）生成图像，"
            f"评判网络认出的数字与类别码的最佳一一对应准确率是 **{100 * m['matched_accuracy']:.1f}%**"
            f"（类别码与数字无关时，最佳对应会挑出偶然多出来的格子，它不是 10%：每个码 {per_code} 张、数字随机抽 200 次，"
            f"平均是 {100 * chance:.1f}%）；各个时刻：{progress}。")
    text += f"最佳对应里有 {same} 个码恰好配上与自己同号的数字，码 k 被认成数字 k 的比例是 {100 * m['code_accuracy']:.1f}%"
    if same >= 8:
        text += "：书中的判别器用真实图像的标签训练类别输出（6.2 节），所以码与数字的编号也对齐了。"
    else:
        text += "：码与数字的编号还没有对齐。"
    if m["matched_accuracy"] >= 0.5:
        text += "在这个预算下，类别码已经主要决定画哪个数字。"
    else:
        text += f"在 {steps:,} 步时，类别码还没有主要决定画哪个数字；更长的训练能否改善，本站没有记录。"
    return Snippet(text + "\n", [INFOGAN])


def shape_table(measures: np.ndarray, values: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """``measures`` 的五个轴依次是类别码、z、连续码、步、属性。返回表格、每个连续码每个属性的变化幅度与从 -2 到 2 的平均变化。"""
    ranges = np.nanmean(np.nanmax(measures, axis=3) - np.nanmin(measures, axis=3), axis=(0, 1))
    change = np.nanmean(measures[:, :, :, -1] - measures[:, :, :, 0], axis=(0, 1))
    lines = ["| 沿哪个码走 | 倾斜的变化幅度 | 倾斜从 -2 到 2 的平均变化 | 宽窄的变化幅度（像素） | 宽窄从 -2 到 2 的平均变化（像素） |",
             "|---|---|---|---|---|"]
    for c in range(measures.shape[2]):
        lines.append(f"| 连续码 {c + 1} | {ranges[c, 0]:.3f} | {change[c, 0]:+.3f} | {ranges[c, 1]:.2f} | "
                     f"{change[c, 1]:+.2f} |")
    return "\n".join(lines), ranges, change


def infogan_shapes(ctx: ReportContext) -> Snippet:
    """沿两个连续码走时笔画的倾斜与宽窄怎样变，哪个属性主要随哪个码变。"""
    data = ctx.result(*INFOGAN)
    walks = _arrays(ctx, INFOGAN[0], data, "walks")
    if data is None or walks is None:
        return _missing(INFOGAN[0])
    lo, hi = float(walks["values"][0]), float(walks["values"][-1])
    table, ranges, change = shape_table(walks["measures"], walks["values"])
    text = (table + f"\n\n“变化幅度”是沿一个码从 {lo:g} 走到 {hi:g}（9 步，另一个码为 0）时，量出的最大值减最小值，"
            f"对 10 个类别码、每个码 {walks['measures'].shape[1]} 个 z 取平均；倾斜是二阶矩 −μ11/μ02（竖直为 0，向右倾为正），"
            "宽窄是笔画在水平方向的标准差（与第 8 章 8.6 节的量相同）。")
    found = roles(ranges)
    parts = []
    for a, name in enumerate(SHAPES):
        if found[a] is None:
            parts.append(f"{name}沿两个码的变化相差不到 {DOMINANCE:g} 倍")
        else:
            parts.append(f"{name}主要随连续码 {found[a] + 1} 变（幅度是另一个码的 "
                         f"{ranges[found[a], a] / max(ranges[1 - found[a], a], 1e-12):.1f} 倍）")
    text += "本站的记录里，" + "；".join(parts) + "。"
    if found[0] is not None and found[1] is not None and found[0] != found[1]:
        text += "两个连续码分别管倾斜和宽窄：这正是书中图里看到的分工，这里是量出来的。"
    elif found[0] is not None and found[0] == found[1]:
        text += "两个属性都主要随同一个码变：在这个预算下，两个连续码还没有分工。"
    else:
        text += "两个连续码还没有清楚的分工。"
    text += "书中只给了训练 40,000 步后的图，没有量；这里只是一个种子、一次短程训练的结果。"
    return Snippet(text + "\n", [INFOGAN])


def stackedgan_verdict(ctx: ReportContext) -> Snippet:
    """评判网络认出所要数字的比例（各个时刻）与编码器的准确率。"""
    data = ctx.result(*STACKED)
    if data is None:
        return _missing(STACKED[0])
    m, h, c = data["metrics"], data["history"], data["counts"]
    progress = "、".join(f"第 {s:,} 步 {100 * a:.1f}%" for s, a in zip(h["snapshot_step"], h["snapshot_label_accuracy"]))
    if data["timing"].get("parts", 1) == 1:
        frozen = "编码器的参数自始至终没有变（任务在训练开始时记下编码器的参数，结束时逐个比对）"
    else:
        frozen = (f"这次记录分 {data['timing']['parts']} 段运行，任务在最后一段从检查点恢复之后记下编码器的参数，"
                  "结束时逐个比对，没有变化（更早几段之间没有比对）")
    text = (f"本站的编码器预训练了 {c['encoder_epochs']} 轮（书中 10 轮），测试准确率 {100 * m['encoder_accuracy']:.2f}%；"
            f"之后 StackedGAN 训练了 {c['steps']:,} 步（书中 10,000 步），{frozen}。"
            f"每个数字用 {c['eval_samples'] // 10} 组固定的 z1、z0 生成，评判网络认出所要数字的比例是 "
            f"**{100 * m['label_accuracy']:.1f}%**；各个时刻：{progress}。")
    text += (f"训练末尾，编码器 $E_1$ 认出 $G_1$ 生成的特征属于所要数字的比例是 {100 * m['g1_class_accuracy']:.1f}%"
             "（训练中最后 10 次记录的平均）")
    if m["g1_class_accuracy"] - m["label_accuracy"] > 0.2:
        text += ("，远高于最终图像被认对的比例：$E_1$ 认可的特征，经 $G_0$ 画成图像后多数不再被认成所要的数字。"
                 "$G_0$ 训练时只接编码器从真实图像算出的特征，两层串起来生成时才第一次接到 $G_1$ 生成的特征。")
    else:
        text += "。"
    if m["label_accuracy"] > 0.9:
        text += "绝大多数样本是所要的数字。"
    elif m["label_accuracy"] > 0.5:
        text += "多数样本是所要的数字。"
    else:
        text += f"在 {c['steps']:,} 步时多数样本还不是所要的数字；更长的训练能否改善，本站没有记录。"
    return Snippet(text + "\n", [STACKED])


def noise_levels(ctx: ReportContext) -> Snippet:
    """只变 z1 与只变 z0 时图像变化多大：每一行（同一数字的 10 张）逐像素标准差的平均。"""
    data = ctx.result(*STACKED)
    grids = _arrays(ctx, STACKED[0], data, "samples")
    if data is None or grids is None:
        return _missing(STACKED[0])
    grid = {k: grids[k].reshape(10, 10, -1).astype(np.float64) / 255 for k in ("vary_z1", "vary_z0")}
    spread = {k: float(np.mean(g.std(axis=1))) for k, g in grid.items()}
    across = float(np.mean(grid["vary_z1"].std(axis=0)))
    s1, s0 = spread["vary_z1"], spread["vary_z0"]
    steps, good = data["counts"]["steps"], data["metrics"]["label_accuracy"] > 0.5
    text = (f"同一个数字的 10 张图之间逐像素的标准差（对像素和数字取平均，像素取 0–1）：只变 z1 时是 "
            f"{s1:.3f}，只变 z0 时是 {s0:.3f}。")
    if s0 < 0.25 * s1:
        text += (f"只变 z0 时图像几乎不变：在 {steps:,} 步时 $G_0$ 几乎不理会 z0，"
                 "这正是第 0 层的熵损失要防止的情形。")
    elif s1 > 1.5 * s0:
        text += "z1 带来的图像上的差别比 z0 多"
        text += "，z0 只做较小的改动。" if not good else "：多数样本是所要的数字，所以这是同一个数字写法上的差别，z0 只做较小的改动。"
    elif s0 > 1.5 * s1:
        text += "z0 带来的图像上的差别比 z1 多"
        text += "。" if not good else "：多数样本是所要的数字，所以这是同一个数字写法上的差别。"
    else:
        text += "两层噪声改变的幅度相近"
        text += "。" if not good else "：多数样本是所要的数字，两层噪声都在改变同一个数字的写法。"
    text += f"在只变 z1 的网格里，z1 相同、数字不同的 10 张图之间的标准差是 {across:.3f}"
    if across < s1:
        text += "，比换 z1 带来的还小：在这个预算下，图像更多地由 z1 决定，所要的数字只起较小的作用。"
    elif across > 1.5 * s1:
        text += f"，是换 z1 带来的 {across / s1:.1f} 倍：换数字改变的比换 z1 多得多，图像首先由所要的数字决定。"
    else:
        text += "，与换 z1 带来的相近：所要的数字与 z1 对图像的影响差不多。"
    return Snippet(text + "\n", [STACKED])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 6 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch06/budget.md": budget(ctx),
        "ch06/infogan-verdict.md": infogan_verdict(ctx),
        "ch06/infogan-shapes.md": infogan_shapes(ctx),
        "ch06/stackedgan-verdict.md": stackedgan_verdict(ctx),
        "ch06/noise-levels.md": noise_levels(ctx),
    }
