"""第 11 章页面经 ``--8<--`` 引入的片段：由结果文件与工件生成，页面上不手写任何测得的数。

- ``ch11/variants-budget.md``：每一行共同的预算（取自 :data:`adlk.ch11.experiments.BUDGET`）；
- ``ch11/variants-summary.md``：已记录几行，AP 最高的是哪一种组合、是否达到 0.5，以及短跑能说明什么；
- ``ch11/variants-breakdown.md``：每一行逐个数字的 AP，以及按真值框高度分组的找到率。
"""

from __future__ import annotations

import numpy as np

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"
TARGET = "ch11/variants"


def variants_budget(ctx: ReportContext) -> Snippet:
    from adlk.ch11.experiments import AP_SCORE_THRESHOLD, BUDGET, NMS_IOU, SCORE_THRESHOLD

    b = BUDGET
    text = (f"每一行的预算相同：{b['size']}×{b['size']} 的画布，{b['train_scenes']:,} 张训练场景、"
            f"{b['test_scenes']:,} 张测试场景（测试场景只用 MNIST 测试集的数字）；骨干是 $n = {b['n']}$ 的 ResNet v2"
            f"（深度 {9 * b['n'] + 2}），{b['n_layers']} 个特征层；批大小 {b['batch_size']}，训练 {b['epochs']} 轮，"
            f"Adam 与书中的学习率表（节点按轮数比例缩放）；额外锚框的 IoU 阈值 {b['threshold']}，"
            f"NMS 的 IoU 阈值 {NMS_IOU}。AP 用得分不低于 {AP_SCORE_THRESHOLD} 的全部检测计算，"
            f"书中的三个度量只用得分不低于 {SCORE_THRESHOLD} 的检测（书中的类别阈值）。\n")
    return Snippet(text)


def variants_summary(ctx: ReportContext) -> Snippet:
    from adlk.ch11.experiments import table

    runs = table("variants").runs
    found = {r.row: ctx.result(TARGET, r.row) for r in runs}
    recorded = {row: data for row, data in found.items() if data is not None}
    if not recorded:
        return Snippet(MISSING.format(target=TARGET))
    shown = {r.row: r.show["组合"] for r in runs}
    book = {r.row: r.book for r in runs}
    aps = {row: data["metrics"]["map50"] for row, data in recorded.items()}
    best, worst = max(aps, key=aps.get), min(aps, key=aps.get)
    minutes = recorded[best]["timing"].get("wall_seconds", 0) / 60
    verdict = "达到了" if aps[best] >= 0.5 else "没有达到"
    text = (f"已记录 {len(recorded)} / {len(runs)} 行。AP（IoU 0.5）最高的是“{shown[best]}”，{aps[best]:.3f}；"
            f"本站给这份 CPU 预算定的目标是最好的一行 AP 不低于 0.5，"
            f"{verdict}。这一行训练和评价共用了 {minutes:.1f} 分钟。")
    rates = recorded[best].get("history", {}).get("learning_rate")
    if rates:
        low = next((k for k, x in enumerate(rates) if x < 1e-5 * 1.0001), None)
        text += (f"按比例缩放的学习率表在这 {len(rates)} 轮里依次是 "
                 + "、".join(f"{x:.0e}".replace("e-0", "e-") for x in rates) + "；"
                 + (f"从第 {low + 1} 轮起学习率不超过 1e-5，只有开始时的百分之一或更少。" if low is not None else ""))
    if len(recorded) > 1:
        text += (f"各行的 AP 在 {aps[worst]:.3f}（“{shown[worst]}”）到 {aps[best]:.3f} 之间，"
                 f"相差 {aps[best] - aps[worst]:.3f}。")
        book_best = max(book, key=lambda row: book[row]["miou"])
        ours = {row: data["metrics"]["miou"] for row, data in recorded.items()}
        our_best = max(ours, key=ours.get)
        same = "也是它" if our_best == book_best else f"是“{shown[our_best]}”（{ours[our_best]:.2f}）"
        text += (f"书中 mIoU 最高的是“{shown[book_best]}”（书中 {book[book_best]['miou']:.2f}），"
                 f"本站按同一度量最高的{same}。")
    text += ("每一行只用一个随机种子训练，几个百分点以内的差别不足以给组合排序；这些数只说明在这份很小的 CPU 预算下"
             "各组合学到了多少，不能推断书中 200 轮的完整训练谁好谁坏。书中的数出自另一个数据集（drinks）与另一种"
             "训练长度，只作对照。\n")
    return Snippet(text, [(TARGET, row) for row in recorded])


SIZE_EDGES = (0, 20, 28, 10_000)
"""按真值框高度（像素）分组的边界：64×64 画布上数字的笔画高度在 13 到 38 像素之间。"""


def found_by_size(arrays: dict, edges=SIZE_EDGES) -> list[tuple[int, int]]:
    """按真值框的高度分组，每组 ``(找到的个数, 真值框数)``。

    一个真值框算“找到”，当且仅当有一个得分不低于书中类别阈值的同类检测与它的 IoU 不小于 0.5
    （只看召回：同一真值框上的重复检测不影响它）。
    """
    from adlk.ch11.boxes import iou
    from adlk.ch11.experiments import SCORE_THRESHOLD, _unflatten

    n = int(arrays["n_images"])
    counts = [[0, 0] for _ in range(len(edges) - 1)]
    for (gt_boxes, gt_classes), (boxes, classes, scores) in zip(_unflatten(arrays, "truth", n),
                                                                _unflatten(arrays, "pred", n), strict=True):
        keep = scores >= SCORE_THRESHOLD
        overlap = iou(gt_boxes, boxes[keep]) if keep.any() else np.zeros((len(gt_boxes), 0))
        for k, (box, cls) in enumerate(zip(gt_boxes, gt_classes)):
            height = box[3] - box[1]
            group = int(np.searchsorted(edges, height, side="right")) - 1
            hit = bool(np.any((overlap[k] >= 0.5) & (classes[keep] == cls))) if overlap.shape[1] else False
            counts[group][0] += hit
            counts[group][1] += 1
    return [tuple(c) for c in counts]


def per_class_ap(arrays: dict) -> dict[int, float]:
    """每个数字（类别编号减 1）在 IoU 0.5 下的 AP，读自工件。"""
    from adlk.ch11.evaluate import average_precision
    from adlk.ch11.experiments import _unflatten

    n = int(arrays["n_images"])
    ap = average_precision(_unflatten(arrays, "truth", n), _unflatten(arrays, "pred", n), 0.5)["ap"]
    return {cls - 1: value for cls, value in sorted(ap.items())}


def variants_breakdown(ctx: ReportContext) -> Snippet:
    from adlk.ch11.experiments import table
    from adlk.site.figures import load_artifact

    runs = table("variants").runs
    recorded = [(r, load_artifact(TARGET, r.row, "predictions")) for r in runs if ctx.result(TARGET, r.row)]
    recorded = [(r, a) for r, a in recorded if a is not None]
    if not recorded:
        return Snippet(MISSING.format(target=TARGET))
    digits = sorted({d for _, a in recorded for d in per_class_ap(a)})
    lines = ["逐个数字的 AP（IoU 0.5）：", "",
             "| 组合 | " + " | ".join(str(d) for d in digits) + " |",
             "|---|" + "---:|" * len(digits)]
    aps = {}
    for run, arrays in recorded:
        aps[run.row] = per_class_ap(arrays)
        lines.append(f"| {run.show['组合']} | " + " | ".join(f"{aps[run.row].get(d, float('nan')):.2f}"
                                                           for d in digits) + " |")
    groups = [f"{lo}–{hi} 像素" if hi < 10_000 else f"{lo} 像素以上"
              for lo, hi in zip(SIZE_EDGES[:-1], SIZE_EDGES[1:])]
    lines += ["", f"按真值框的高度分组，得分不低于 0.5 的同类检测以 IoU ≥ 0.5 找到的比例（找到数 / 真值框数）：", "",
              "| 组合 | " + " | ".join(groups) + " |", "|---|" + "---:|" * len(groups)]
    rates = {}
    for run, arrays in recorded:
        found = found_by_size(arrays)
        rates[run.row] = [h / t if t else float("nan") for h, t in found]
        lines.append(f"| {run.show['组合']} | " + " | ".join(f"{h / t:.1%}（{h}/{t}）" if t else "—"
                                                           for h, t in found) + " |")
    mean_ap = {d: float(np.mean([aps[r][d] for r in aps if d in aps[r]])) for d in digits}
    hardest, easiest = min(mean_ap, key=mean_ap.get), max(mean_ap, key=mean_ap.get)
    small_lower = all(r[0] < r[-1] for r in rates.values())
    lines += ["", f"{len(recorded)} 行平均，最难的数字是 {hardest}（AP {mean_ap[hardest]:.2f}），最容易的是 {easiest}"
              f"（{mean_ap[easiest]:.2f}）。"
              + ("每一行都是最小的一组找到得最少。" if small_lower else "并不是每一行都是最小的一组找到得最少。"), ""]
    return Snippet("\n".join(lines), [(TARGET, r.row) for r, _ in recorded])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 11 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch11/variants-budget.md": variants_budget(ctx), "ch11/variants-summary.md": variants_summary(ctx),
            "ch11/variants-breakdown.md": variants_breakdown(ctx)}
