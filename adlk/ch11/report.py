"""第 11 章页面经 ``--8<--`` 引入的片段：由结果文件与工件生成，页面上不手写任何测得的数。

- ``ch11/variants-budget.md``：每一行共同的预算（取自 :data:`adlk.ch11.experiments.BUDGET`）；
- ``ch11/variants-summary.md``：已记录几行，AP 最高的是哪一种组合、是否达到 0.5，以及短跑能说明什么。
"""

from __future__ import annotations

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"
TARGET = "ch11/variants"


def variants_budget(ctx: ReportContext) -> Snippet:
    from adlk.ch11.experiments import AP_SCORE_THRESHOLD, BUDGET, NMS_IOU, SCORE_THRESHOLD

    b = BUDGET
    text = (f"每一行的预算相同：{b['size']}×{b['size']} 的画布，{b['train_scenes']:,} 张训练场景、"
            f"{b['test_scenes']:,} 张测试场景（测试场景只用 MNIST 测试集的数字）；主干是 $n = {b['n']}$ 的 ResNet v2"
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
    best = max(recorded, key=lambda row: recorded[row]["metrics"]["map50"])
    ap = recorded[best]["metrics"]["map50"]
    minutes = recorded[best]["timing"].get("wall_seconds", 0) / 60
    verdict = "达到了" if ap >= 0.5 else "没有达到"
    text = (f"已记录 {len(recorded)} / {len(runs)} 行。AP（IoU 0.5）最高的是“{shown[best]}”，{ap:.3f}，"
            f"{verdict} 0.5；这一行训练和评价共用了 {minutes:.1f} 分钟。"
            "这些数只说明在这份很小的 CPU 预算下各组合学到了多少，不能推断书中 200 轮的完整训练谁好谁坏；"
            "书中的数出自另一个数据集（drinks）与另一种训练长度，只作对照。\n")
    return Snippet(text, [(TARGET, row) for row in recorded])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 11 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch11/variants-budget.md": variants_budget(ctx), "ch11/variants-summary.md": variants_summary(ctx)}
