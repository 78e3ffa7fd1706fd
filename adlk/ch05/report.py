"""第 5 章页面引入的生成片段：三个模型在各个时刻的分数，以及第 4、5 章五个模型最后一步的分数。"""

from __future__ import annotations

from adlk.ch04.report import NAMES, conditional_verdict, progress_table
from adlk.site.report import ReportContext, Snippet

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
                     f"{m['class_entropy']:.2f} | {acc} | {data['timing']['wall_seconds'] / 60:.1f} |")
    text = "\n".join(lines) + "\n\n“认出所要数字”只对两个条件模型有意义；WGAN 的一步含 5 次判别器更新。"
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


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 5 章页面经 ``--8<--`` 引入的特有片段。"""
    return {
        "ch05/comparison.md": comparison(ctx),
        "ch05/acgan-verdict.md": conditional_verdict(ctx, "ch05/acgan", "acgan"),
        "ch05/progress.md": progress_table(ctx, ROWS[2:], "python -m adlk reproduce ch05"),
    }
