"""第 7 章页面引入的生成片段：两个 CycleGAN 在各个时刻的分数，以及由记录得出的几句结论。"""

from __future__ import annotations

from adlk.runs.provenance import under_load
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note

DIGITS, COLOUR, JUDGE = ("ch07/digits", "cyclegan"), ("ch07/colour", "cyclegan"), ("ch07/judge", "mnistm")
COMMAND = "python -m adlk reproduce ch07"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def progress(ctx: ReportContext) -> Snippet:
    """两个实验在每个快照时刻的分数，末尾是步数与记录时花掉的时间。"""
    lines = ["| 实验 | 步 | 保住数字 / 涂对颜色（源域 → 目标域） | 保住数字（目标域 → 源域） | 源域循环 MAE | 目标域循环 MAE |",
             "|---|---|---|---|---|---|"]
    uses, tail = [], []
    for (table_id, row), name in ((DIGITS, "MNIST ↔ MNIST-M 风格"), (COLOUR, "灰度 ↔ 着色")):
        data = ctx.result(table_id, row)
        if data is None:
            lines.append(f"| {name} | — | 尚无记录 | — | — | — |")
            continue
        uses.append((table_id, row))
        h = data["history"]
        forward = h.get("snapshot_label_kept_target") or h.get("snapshot_colour_accuracy")
        backward = h.get("snapshot_label_kept_source")
        for i, step in enumerate(h["snapshot_step"]):
            back = "—" if backward is None else _pct(backward[i])
            lines.append(f"| {name} | {step:,} | {_pct(forward[i])} | {back} | {h['snapshot_cycle_mae_source'][i]:.3f} | "
                         f"{h['snapshot_cycle_mae_target'][i]:.3f} |")
        mark = LOADED_MARK if under_load(data) else ""
        tail.append(f"{name} {data['counts']['steps']:,} 步用了 {data['timing']['wall_seconds'] / 60:.1f} 分钟{mark}")
    text = "\n".join(lines) + "\n\n"
    text += ("每个时刻都把同一组测试图（每个域 500 张）翻译过去、再翻译回来。“保住数字”由分类器判断：MNIST-M 风格的图用本章的"
             "分类器，MNIST 的图用第 4 章的评判网络；“涂对颜色”看笔画上的平均颜色离哪个数字的颜色最近（第 3 章的方法）。"
             "这些都是本站的量，书中只给出图片。")
    if tail:
        text += ("记录时实际花掉的时间（含每个时刻的打分）：" + "；".join(tail) + "。两个实验的卷积核不同（5×5 与 3×3），"
                 "每步的计算量也不同。" + loaded_note([ctx.result(t, r) for t, r in uses]) + "\n")
    else:
        text += f"\n\n尚无本站的运行记录：运行 `{COMMAND}` 之后重新生成。\n"
    return Snippet(text, uses)


def digits_verdict(ctx: ReportContext) -> Snippet:
    """MNIST ↔ MNIST-M 风格：最后一步保住数字的比例，与训练前和“不翻译”的参照并列，说明记录支持什么。"""
    data, judge = ctx.result(*DIGITS), ctx.result(*JUDGE)
    if data is None:
        return Snippet(f"尚无本站的运行记录：运行 `{COMMAND}` 之后重新生成。\n")
    h, m = data["history"], data["metrics"]
    steps = data["counts"]["steps"]
    kept, back = m["label_kept_target"], m["label_kept_source"]
    text = (f"训练 {steps:,} 步之后，MNIST → MNIST-M 风格的 {data['counts']['eval_samples']} 张测试图里，"
            f"{_pct(kept)} 被本章的分类器认成原来的数字（训练前是 {_pct(h['snapshot_label_kept_target'][0])}）；"
            f"反方向 MNIST-M 风格 → MNIST 是 {_pct(back)}（训练前 {_pct(h['snapshot_label_kept_source'][0])}）。")
    if kept > 0.5:
        text += "在这次记录里，MNIST → MNIST-M 风格的翻译在大多数样本上保住了数字。"
    else:
        text += "在这次记录里，MNIST → MNIST-M 风格的翻译还没有在大多数样本上保住数字。"
    uses = [DIGITS]
    if judge is not None:
        uses.append(JUDGE)
        jm = judge["metrics"]
        text += (f"作为参照：这个分类器在真正的 MNIST-M 风格测试图上的准确率是 {_pct(jm['test_accuracy'])}，"
                 f"直接拿它判不翻译的 MNIST 测试图是 {_pct(jm['on_mnist_accuracy'])}；第 4 章的评判网络判 MNIST-M 风格测试图的"
                 f"灰度版是 {_pct(jm['ch04_judge_on_grey_accuracy'])}。")
        gap = kept - jm["on_mnist_accuracy"]
        if gap > 0:
            text += (f"MNIST → MNIST-M 风格的翻译结果比不翻译的 MNIST 多被认对 {100 * gap:.1f} 个百分点。")
        else:
            below_real = jm["test_accuracy"] - kept
            text += (f"MNIST → MNIST-M 风格的翻译结果被这个分类器认对的比例比不翻译的 MNIST 低 {-100 * gap:.1f} 个百分点"
                     "（这个分类器对没有背景的 MNIST 数字本来就认得很好），")
            if below_real > 0:
                text += (f"也比真正的 MNIST-M 风格测试图低 {100 * below_real:.1f} 个百分点：一部分翻译结果不再被认成原来的数字，"
                         "翻译不只是换了背景，有的改变或丢掉了数字（分类器自己也会认错，见上面的分类器表）。")
            else:
                text += "但不低于真正的 MNIST-M 风格测试图。"
        lift = back - jm["ch04_judge_on_grey_accuracy"]
        if lift > 0:
            text += (f"反方向更能说明问题：翻译成 MNIST 之后，第 4 章的评判网络比直接判灰度版多认对 {100 * lift:.1f} 个百分点，"
                     "生成器确实把照片纹理上的数字变成了只见过 MNIST 的评判网络认得的样子。")
        else:
            text += "反方向上，翻译成 MNIST 之后第 4 章的评判网络并不比直接判灰度版认得更好。"
    text += (f"这只是书中 100,000 步里的前 {steps:,} 步、一个随机种子的结果；替代数据的两个域差距比 MNIST ↔ SVHN 小得多，"
             "这个比例不能推广到书中的实验。")
    return Snippet(text + "\n", uses)


def colour_verdict(ctx: ReportContext) -> Snippet:
    """灰度 ↔ 着色：最后一步涂对颜色的比例与 MAE，说明记录支持什么。"""
    data = ctx.result(*COLOUR)
    if data is None:
        return Snippet(f"尚无本站的运行记录：运行 `{COMMAND}` 之后重新生成。\n")
    h, m = data["history"], data["metrics"]
    steps = data["counts"]["steps"]
    acc = m["colour_accuracy"]
    text = (f"训练 {steps:,} 步之后，{data['counts']['eval_samples']} 张灰度测试图里有 {_pct(acc)} 被涂成了这个数字的颜色"
            f"（训练前 {_pct(h['snapshot_colour_accuracy'][0])}，随机猜是 10%）。与真实彩色图相比，上色结果的平均绝对误差是 "
            f"{m['colour_mae']:.3f}，彩色 → 灰度的是 {m['grey_mae']:.3f}（像素在 [0, 1]）。")
    n = data["counts"]["eval_samples"]
    spread = (0.1 * 0.9 / n) ** 0.5  # 随机猜（10 种颜色）时这个比例的标准差
    if acc > 0.5:
        text += "生成器在大多数样本上从数字的形状选对了颜色，而训练时它从没见过成对的灰度图和彩色图。"
    elif acc > 0.1 + 3 * spread:
        text += (f"这个比例高于随机猜（{n} 张图时，随机猜的比例的标准差约 {100 * spread:.1f} 个百分点），"
                 "但离“在大多数样本上选对颜色”还很远。")
    else:
        text += f"这个比例与随机猜分不开（{n} 张图时，随机猜的比例的标准差约 {100 * spread:.1f} 个百分点）：生成器还没有学会按数字选颜色。"
    text += shape_sentence(ctx) + f"整段记录只是书中 100,000 步里的前 {steps:,} 步、一个随机种子的结果。"
    return Snippet(text + "\n", [COLOUR])


def shape_sentence(ctx: ReportContext) -> str:
    """存下来的 10 张固定灰度图：上色结果与翻译回来的灰度图里，第 4 章的评判网络还认得出原来数字的张数。"""
    from adlk.ch07.readings import readings
    from adlk.site.figures import load_artifact

    if ctx.result(*COLOUR) is None:
        return ""
    data = load_artifact(*COLOUR, "samples")
    r = readings(COLOUR[0], data)
    n, step = len(data["source"]), int(data["steps"][-1])
    fake, back = int(r["fake_target_kept"][-1].sum()), int(r["cycled_source_kept"][-1].sum())
    text = (f"数字的形状也不总是保住了：存下来的 {n} 张固定灰度图，第 {step:,} 步的上色结果里，第 4 章的评判网络"
            f"（转成灰度后）只认出 {fake} 张还是原来的数字，而把上色结果再翻译回灰度，认出的有 {back} 张。")
    if back > fake:
        text += ("翻译回来的图比中间的上色结果更像原图，说明上色结果里带着看不出来的、关于原来那个数字的信息："
                 "这正是 [7.1 节](principles.md#循环一致损失挡不住什么)说的情形，循环一致只要求信息能找回来，"
                 "不要求中间的翻译结果保持原来的数字。这只是 10 张图，只能当作例子看。")
    return text


def swaps(ctx: ReportContext) -> Snippet:
    """7.1 节的例子：灰度 ↔ 着色记录最后一步存下来的 10 张固定灰度图里，上色后读成别的数字、翻译回灰度又读回原数字的样本。"""
    from adlk.ch07.readings import readings
    from adlk.site.figures import load_artifact

    if ctx.result(*COLOUR) is None:
        return Snippet(f"尚无本站的运行记录：运行 `{COMMAND}` 之后重新生成。\n")
    data = load_artifact(*COLOUR, "samples")
    r = readings(COLOUR[0], data)
    labels, step = data["source_labels"], int(data["steps"][-1])
    fake, back = r["fake_target"][-1], r["cycled_source"][-1]
    changed = [i for i in range(len(labels)) if fake[i] != labels[i]]
    restored = [i for i in changed if back[i] == labels[i]]
    text = (f"[7.5 节](results.md)的灰度 ↔ 着色记录里，存下来的 {len(labels)} 张固定灰度图，"
            f"第 {step:,} 步的上色结果交给第 4 章的评判网络（转成灰度后）读，")
    if not changed:
        text += "都读成原来的数字。"
    else:
        pairs = "、".join(f"{labels[i]} → {fake[i]}" for i in changed)
        text += f"有 {len(changed)} 张读成了别的数字（{pairs}）；"
        text += (f"把这几张上色结果再翻译回灰度，有 {len(restored)} 张又读回原来的数字。" if restored
                 else "把它们再翻译回灰度，没有一张读回原来的数字。")
        if restored:
            text += ("中间的翻译换了数字，翻译回来却又是原来的数字：循环一致只看翻译回来的图，看不出中间换过数字。"
                     "关于原来形状的信息以看不出来的方式留在了上色结果里，这也是一种隐写，藏的是形状而不是颜色。")
    text += f"这只是 {len(labels)} 张图、书中 100,000 步里的前 {step:,} 步，只能当作例子看。"
    return Snippet(text + "\n", [COLOUR])


SPEED_NAMES = {"digits": "5×5 的 CycleGAN", "colour": "3×3 的 CycleGAN"}
"""两个实验在速度表里的名字：MNIST ↔ MNIST-M 风格用 5×5 卷积核，灰度 ↔ 着色用 3×3。"""


def speed(bench: dict | None) -> str:
    """两个 CycleGAN 的每步用时（同一次测量，:mod:`adlk.ch07.bench`），以及书中 100,000 步的推算。"""
    from adlk.ch07.bench import BOOK_STEPS
    from adlk.runs.speed import conditions, extrapolation_sentence, steps_table

    if bench is None:
        return "尚无速度测量：运行 `python -m adlk bench ch07` 之后重新生成。\n"
    names = {k: SPEED_NAMES[k] for k in bench["candidates"]}
    base = "colour" if "colour" in names else next(iter(names))
    text = steps_table(bench, names, base) + "\n" + ("5×5 的 CycleGAN 是 MNIST ↔ MNIST-M 风格实验（书中 MNIST ↔ SVHN），"
                                                     "3×3 的是灰度 ↔ 着色实验（书中 CIFAR-10）。")
    for key in bench["candidates"]:
        text += extrapolation_sentence(bench, key, names[key], BOOK_STEPS, "书中的训练长度")
    return text + conditions(bench) + "\n"


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 7 章页面经 ``--8<--`` 引入的特有片段。"""
    from adlk.runs.speed import bench_path, read_bench

    return {"ch07/progress.md": progress(ctx), "ch07/digits-verdict.md": digits_verdict(ctx),
            "ch07/colour-verdict.md": colour_verdict(ctx), "ch07/swaps.md": swaps(ctx),
            "ch07/speed.md": speed(read_bench(bench_path(ctx.docs, "cpu", "ch07-steps")))}
