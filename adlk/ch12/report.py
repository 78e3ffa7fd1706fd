"""第 12 章页面经 ``--8<--`` 引入的片段：由结果文件生成，页面上不手写任何测得的数。

- ``ch12/fcn-budget.md``：每一行共同的预算（取自 :data:`adlk.ch12.experiments.BUDGET`）；
- ``ch12/fcn-iou.md``：各行的逐类 IoU 表（结果文件里由工件算出的 ``iou_<k>``）；
- ``ch12/fcn-summary.md``：已记录几行，mIoU 最高的是哪一行、是否达到 0.5，两行相差多少，以及短跑能说明什么；
- ``ch12/fcn-errors.md``：mIoU 最高那一行预测错的像素里，漏掉、多出与认错各占多少（由工件算出）。
"""

from __future__ import annotations

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"
TARGET = "ch12/fcn"


def fcn_budget(ctx: ReportContext) -> Snippet:
    from adlk.ch12.experiments import BUDGET

    b = BUDGET
    text = (f"每一行的预算相同：{b['size']}×{b['size']} 的画布，{b['train_scenes']:,} 张训练场景、"
            f"{b['test_scenes']:,} 张测试场景（测试场景只用 MNIST 测试集的数字）；骨干是 $n = {b['n']}$ 的 ResNet v2"
            f"（深度 {9 * b['n'] + 2}，书中 56），{b['n_layers']} 个金字塔层（与书中相同）；金字塔的卷积和两个转置卷积各 "
            f"{b['filters']} 个滤波器（书中 256）；批大小 {b['batch_size']}（{'与书中相同' if b['batch_size'] == 4 else '书中 4'}），"
            f"训练 {b['epochs']} 轮（书中 100，每轮 {b['train_scenes'] // b['batch_size']:,} 步），"
            "Adam 与书中的学习率表（节点按轮数比例缩放），分类交叉熵。\n")
    return Snippet(text)


def _recorded(ctx: ReportContext):
    from adlk.ch12.experiments import table

    runs = table("fcn").runs
    return runs, {r.row: d for r in runs if (d := ctx.result(TARGET, r.row)) is not None}


def fcn_iou(ctx: ReportContext) -> Snippet:
    from adlk.datasets.scenes import CLASS_NAMES

    runs, recorded = _recorded(ctx)
    if not recorded:
        return Snippet(MISSING.format(target=TARGET))
    rows = [r.row for r in runs if r.row in recorded]
    header = "| 类别 | " + " | ".join(f"`{row}`" for row in rows) + " |\n|---|" + "---:|" * len(rows) + "\n"
    lines = []
    for k, name in enumerate(CLASS_NAMES):
        label = "背景" if k == 0 else f"数字 {name}"
        cells = [f"{recorded[row]['metrics'][f'iou_{k}']:.3f}" if f"iou_{k}" in recorded[row]["metrics"] else "—"
                 for row in rows]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return Snippet(header + "\n".join(lines) + "\n", [(TARGET, row) for row in recorded])


def fcn_summary(ctx: ReportContext) -> Snippet:
    runs, recorded = _recorded(ctx)
    if not recorded:
        return Snippet(MISSING.format(target=TARGET))
    shown = {r.row: r.show["模型"] for r in runs}
    best = max(recorded, key=lambda row: recorded[row]["metrics"]["miou"])
    m = recorded[best]["metrics"]
    minutes = recorded[best]["timing"].get("wall_seconds", 0) / 60
    verdict = "达到了" if m["miou"] >= 0.5 else "没有达到"
    text = (f"已记录 {len(recorded)} / {len(runs)} 行。mIoU 最高的是“{shown[best]}”：11 个类别的 mIoU "
            f"{m['miou']:.3f}（本站给这份 CPU 预算定的目标是最好的一行不低于 0.5，{verdict}）；书中逐图平均的算法得 "
            f"{m['book_miou']:.3f}，像素准确率 {100 * m['pixel_accuracy']:.1f}%。这一行训练和评价共用了 {minutes:.1f} 分钟。")
    steps = "、".join(f"{shown[r.row]} {recorded[r.row]['timing']['train_seconds'] / recorded[r.row]['counts']['steps']:.2f} 秒"
                     for r in runs if r.row in recorded and "train_seconds" in recorded[r.row].get("timing", {}))
    if steps:
        text += f"每一步的训练用时（训练时间除以步数）：{steps}。"
    rates = recorded[best].get("history", {}).get("learning_rate")
    if rates:
        text += ("按比例缩放的学习率表在这 " + str(len(rates)) + " 轮里依次是 "
                 + "、".join(f"{x:.0e}".replace("e-0", "e-") for x in rates) + "。")
    digits = {k - 1: m[f"iou_{k}"] for k in range(1, 11) if f"iou_{k}" in m}
    if digits:
        worst, top = min(digits, key=digits.get), max(digits, key=digits.get)
        text += (f"这一行背景的 IoU 是 {m['iou_0']:.3f}；数字里 IoU 最低的是 {worst}（{digits[worst]:.3f}），"
                 f"最高的是 {top}（{digits[top]:.3f}）。")
    if {"fcn", "no-pyramid"} <= set(recorded):
        a, b = recorded["fcn"]["metrics"]["miou"], recorded["no-pyramid"]["metrics"]["miou"]
        more = "高" if a > b else "低"
        pa, pb = recorded["fcn"]["counts"]["parameters"], recorded["no-pyramid"]["counts"]["parameters"]
        text += (f"带金字塔的 FCN 的 mIoU 比只用步长 4 特征的对照{more} {abs(a - b):.3f}"
                 f"（{a:.3f} 对 {b:.3f}）；")
        ma, mb = recorded["fcn"]["metrics"], recorded["no-pyramid"]["metrics"]
        better = sum(ma[f"iou_{k}"] > mb[f"iou_{k}"] for k in range(1, 11) if f"iou_{k}" in ma and f"iou_{k}" in mb)
        text += (f"逐类看，10 个数字里有 {better} 个的 IoU 带金字塔时更高，背景的 IoU 两行相差 "
                 f"{abs(ma['iou_0'] - mb['iou_0']):.3f}。对照不只少了大范围的上下文：它的参数是 {pb:,} 个，"
                 f"FCN 是 {pa:,} 个（{pa / pb:.1f} 倍），骨干里两层 512 个滤波器的卷积也不在其中，所以这个差别是整个金字塔"
                 "分支（更深的层、更多的参数、更大的感受野）一起的作用，不能单独归于上下文。两行各只有一个随机种子、一次很短的 CPU 训练，这个差别只说明在这份预算下的"
                 "结果，没有测量种子之间的波动，也不能推断书中 100 轮的完整训练里金字塔带来多少。")
    else:
        text += "每一行只有一个随机种子、一次很短的 CPU 训练。"
    book = next(r.book["book_miou"] for r in runs if "book_miou" in r.book)
    text += f"书中的 {book:.2f} 出自另一个数据集（drinks，4 个类别）、另一种训练长度，只作对照。\n"
    return Snippet(text, [(TARGET, row) for row in recorded])


def error_kinds(truth, pred) -> dict[str, float]:
    """预测错的像素按三种错误分开的比例：漏掉（数字判成背景）、多出（背景判成数字）、认错（数字判成别的数字）。"""
    import numpy as np

    wrong = truth != pred
    n = max(int(wrong.sum()), 1)
    return {"missed": float(((truth > 0) & (pred == 0)).sum() / n),
            "extra": float(((truth == 0) & (pred > 0)).sum() / n),
            "confused": float(((truth > 0) & (pred > 0) & wrong).sum() / n),
            "wrong": float(np.mean(wrong))}


def fcn_errors(ctx: ReportContext) -> Snippet:
    from adlk.ch12.experiments import scores_from_artifact
    from adlk.site.figures import load_artifact

    _, recorded = _recorded(ctx)
    if not recorded:
        return Snippet(MISSING.format(target=TARGET))
    best = max(recorded, key=lambda row: recorded[row]["metrics"]["miou"])
    arrays = load_artifact(TARGET, best, "masks")
    if arrays is None:
        return Snippet(MISSING.format(target=TARGET))
    assert abs(scores_from_artifact(arrays)["miou"] - recorded[best]["metrics"]["miou"]) < 1e-9
    import numpy as np

    truth, pred = arrays["truth"], arrays["pred"]
    e = error_kinds(truth, pred)
    confused = ((truth > 0) & (pred > 0) & (truth != pred)).sum(axis=(1, 2))
    top = np.sort(confused)[::-1][:max(1, len(confused) // 10)]
    share = top.sum() / max(int(confused.sum()), 1)
    text = (f"在全部 {len(truth)} 张测试场景上，`{best}` 预测错的像素占 {e['wrong']:.1%}；其中 "
            f"{e['missed']:.0%} 是漏掉的数字像素，{e['extra']:.0%} 是多出的数字像素，{e['confused']:.0%} 是数字认错。"
            f"认错的像素很集中：认错最多的 {len(top)} 张场景（一成）占了其中的 {share:.0%}。\n")
    return Snippet(text, [(TARGET, best)])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 12 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch12/fcn-budget.md": fcn_budget(ctx), "ch12/fcn-iou.md": fcn_iou(ctx),
            "ch12/fcn-summary.md": fcn_summary(ctx), "ch12/fcn-errors.md": fcn_errors(ctx)}
