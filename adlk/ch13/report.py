"""第 13 章页面引入的生成片段：IIC 的准确率与混淆（由提交的簇分配重新算出）、各个头的比较、坍缩的一行、
MINE 在二元高斯上的估计与闭式解的比较、MINE 在 MNIST 上的线性评估。

这些数都来自结果文件（``docs/results/cpu/ch13/``）和它们的小文件，页面不手写任何结果。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adlk.ch13.experiments import BOOK_RHOS
from adlk.ch13.mi import cluster_accuracy, match_clusters
from adlk.site.report import ReportContext, Snippet

MINE_TOLERANCE = 0.10
"""MINE 的估计与闭式解的相对误差在这个范围内，就说“接近”。"""
TARGET = 0.90
"""IIC 在 CPU 预算下的目标：测试集聚类准确率至少 90 %。"""


def load_arrays(docs: Path, table_id: str, data: dict[str, Any], name: str) -> dict[str, np.ndarray] | None:
    """一行结果的某个 ``.npz`` 小文件里的全部数组，没有时为 ``None``。"""
    file = data.get("artifacts", {}).get(name)
    path = None if file is None else Path(docs) / "results" / "cpu" / table_id / file
    if path is None or not path.is_file():
        return None
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def _minutes(data: dict[str, Any]) -> str:
    """这一行记录的总用时（包括断点续跑之前的部分），以及分了几次运行完。"""
    timing = data.get("timing", {})
    text = f"{timing.get('wall_seconds', 0.0) / 60:.0f} 分钟"
    if timing.get("parts", 1) > 1:
        text += f"（分 {timing['parts']} 次运行完，中间从检查点续跑）"
    return text


IIC_LABELS = {"cpu": "λ = 1", "lamb-2": "λ = 2"}
"""结果表里两行正常训练的 IIC。"""


def merged_and_split(labels: np.ndarray, clusters: np.ndarray) -> tuple[list[tuple[int, int, int]], list[tuple[int, list[tuple[int, int]]]]]:
    """匹配之后的两种错误：装了两个数字的簇，和被拆进几个簇的数字。

    Returns:
        ``(merged, split)``：``merged`` 是 (簇, 主要数字, 第二个数字) 的列表，第二个数字在这个簇里的图像数至少是
        主要数字的一半；``split`` 是 (数字, [(簇, 这个数字在簇里的图像数), ...]) 的列表，只列在不止一个簇里
        占多数的数字。
    """
    _, counts = match_clusters(labels, clusters, 10, 10)
    merged = []
    for c in range(counts.shape[0]):
        order = np.argsort(-counts[c])
        if counts[c, order[0]] > 0 and counts[c, order[1]] >= 0.5 * counts[c, order[0]]:
            merged.append((c, int(order[0]), int(order[1])))
    majority = [int(np.argmax(counts[c])) if counts[c].sum() > 0 else -1 for c in range(counts.shape[0])]
    split = []
    for d in range(counts.shape[1]):
        own = [c for c, m in enumerate(majority) if m == d]
        if len(own) > 1:
            split.append((d, [(c, int(counts[c, d])) for c in own]))
    return merged, split


def iic_row_summary(ctx: ReportContext, row: str) -> Snippet:
    """一行 IIC：由提交的簇分配重新算出选中的头和每个头的准确率，是否达到 90 %，以及还剩下哪种错误。"""
    data = ctx.result("ch13/iic", row)
    if data is None:
        return Snippet(f"尚无记录：运行 `python -m adlk reproduce ch13/iic --only {row}` 之后重新生成。\n")
    arrays = load_arrays(ctx.docs, "ch13/iic", data, "assignments")
    clusters, labels, chosen = arrays["clusters"].astype(int), arrays["labels"].astype(int), int(arrays["chosen"])
    accs = [cluster_accuracy(labels, c, 10) for c in clusters]
    epochs = data["counts"]["epochs"]
    verdict = "达到了" if accs[chosen] >= TARGET else "没有达到"
    lines = [
        f"- {IIC_LABELS[row]}：{epochs} 轮（每轮 60,000 张训练图像，每张配 2 个增强视图），在这台 2 核 CPU 上用了约 "
        f"{_minutes(data)}。不看标签、按训练集上的 IIC 损失（λ = 1，即负的互信息）选出的是头 {chosen}，它在测试集 10,000 张图上的聚类准确率"
        f"（匈牙利匹配）是 **{100 * accs[chosen]:.2f} %**，{verdict} 90 %。",
        "- 5 个头各自的准确率：" + "、".join(f"头 {h} {100 * a:.2f} %" for h, a in enumerate(accs)) + "。",
    ]
    history = data.get("history", {})
    curve = history.get(f"acc_head{chosen}", [])
    if curve:
        reached = next((e + 1 for e, a in enumerate(curve) if a >= TARGET), None)
        mi_curve = history.get(f"mi_head{chosen}", [])
        text = (f"- 训练中，头 {chosen} 在测试集上的准确率第 1 轮结束时是 {100 * curve[0]:.2f} %"
                + (f"（两个视图的互信息 {mi_curve[0]:.3f} nats）" if mi_curve else ""))
        text += (f"，第 {reached} 轮第一次达到 90 %" if reached is not None else "，始终没有达到 90 %")
        text += f"，最高 {100 * max(curve):.2f} %（第 {int(np.argmax(curve)) + 1} 轮）。"
        lines.append(text)
    merged, split = merged_and_split(labels, clusters[chosen])
    if merged or split:
        parts = []
        if merged:
            parts.append("、".join(f"簇 {c} 同时装了大量的 {a} 和 {b}" for c, a, b in merged))
        if split:
            parts.append("、".join(f"数字 {d} 被拆进了" + "和".join(f"簇 {c}（{n:,} 张）" for c, n in where)
                                  for d, where in split))
        lines.append(f"- 选中的头剩下的主要错误：{'；'.join(parts)}。")
    else:
        lines.append("- 选中的头里，每个簇都以一个数字为主，每个数字都有自己的簇。")
    return Snippet("\n".join(lines) + "\n", [("ch13/iic", row)])


def joint_notes(ctx: ReportContext) -> Snippet:
    """由逐轮的联合分布矩阵（头 0）读出：第 1 轮最大的格子占多少，最后一轮对角线占多少、最大的格子占多少。"""
    lines, uses = [], []
    for row, label in IIC_LABELS.items():
        data = ctx.result("ch13/iic", row)
        arrays = None if data is None else load_arrays(ctx.docs, "ch13/iic", data, "joints")
        if arrays is None:
            continue
        uses.append(("ch13/iic", row))
        joints = arrays["joints"].astype("float64")
        joints = joints / joints.sum(axis=(1, 2), keepdims=True)
        first, last = joints[0], joints[-1]
        lines.append(f"- {label}：第 1 轮结束时，最大的一个格子占了 $P$ 的 {100 * first.max():.0f} %"
                     f"（10 个簇一样大时，对角线上每格是 10 %）；第 {len(joints)} 轮结束时，对角线合计占 "
                     f"{100 * np.trace(last):.0f} %，最大的格子占 {100 * last.max():.0f} %。")
    if not lines:
        return Snippet("尚无记录：运行 `python -m adlk reproduce ch13/iic` 之后重新生成。\n")
    return Snippet("\n".join(lines) + "\n", uses)


BOOK_IIC_HEADS = (99.49, 99.47, 99.54, 99.52, 99.53)
"""书中表 13.6.1：1 到 5 个头的 IIC 准确率 %。"""


def _book_mine_mnist() -> float:
    """书中 MINE 在 MNIST 上（潜在维数 10）的准确率 %，取自表的声明 ``Run.book``。"""
    from adlk.ch13.experiments import TABLES

    table = next(t for t in TABLES if t.name == "mine-mnist")
    return table.runs[0].book["book_protocol_accuracy"]


def first_epoch(ctx: ReportContext) -> Snippet:
    """第 1 轮：训练批上的主聚类头损失（训练模式）与同一轮结束时测试集上的评估（推理模式）并列。

    P 对称时 L_λ = H(z|z') - (2λ - 1) H(z)，H(z|z') ≥ 0，所以 λ > ½ 时训练批上的边缘熵平均至少是 -L / (2λ - 1)。
    """
    from adlk.ch13.experiments import TABLES

    table = next(t for t in TABLES if t.name == "iic")
    lines, uses = [], []
    for row, label in IIC_LABELS.items():
        data = ctx.result("ch13/iic", row)
        if data is None:
            continue
        uses.append(("ch13/iic", row))
        lamb = next(r for r in table.runs if r.row == row).params["lamb"]
        history = data["history"]
        loss = history["main_loss"][0]
        heads = sorted(k for k in history if k.startswith("mi_head"))
        mis = [history[k][0] for k in heads]
        accs = [history[k.replace("mi_", "acc_")][0] for k in heads]
        if lamb == 1:
            train = f"即训练批上两个视图的互信息平均 {-loss:.3f} nats"
        else:
            train = (f"由 $\\mathcal{{L}}_\\lambda = H(z \\mid z') - {2 * lamb - 1:g}H(z)$ 和 $H(z \\mid z') \\ge 0$，"
                     f"训练批上的边缘熵 $H(z)$ 平均至少 {-loss / (2 * lamb - 1):.3f} nats（10 个簇一样大时是 "
                     f"$\\log 10 \\approx {np.log(10):.3f}$）")
        lines.append(f"- {label}：第 1 轮主聚类头的训练损失平均是 {loss:.3f}，{train}；这一轮结束时在推理模式下，"
                     f"测试集上 {len(heads)} 个头两个视图的互信息是 {min(mis):.3f}～{max(mis):.3f} nats，"
                     f"准确率 {100 * min(accs):.2f} %～{100 * max(accs):.2f} %。")
    if not lines:
        return Snippet("尚无记录：运行 `python -m adlk reproduce ch13/iic` 之后重新生成。\n")
    return Snippet("\n".join(lines) + "\n", uses)


def iic_book(ctx: ReportContext) -> Snippet:
    """书中的数，单独一段。"""
    return Snippet("书中：1 到 5 个头分别是 " + "、".join(f"{a:.2f} %" for a in BOOK_IIC_HEADS) + "，是 1,200 轮、VGG 骨干、"
                   "批大小 512 的结果；书中也说明并不是每次运行都能到这个水平。书中的脚本（学习率每 400 轮乘以 0.8）每轮结束时"
                   "在测试集上评估每个头，指定 `--save-weights` 时，只要有一个头的测试集准确率超过此前最好的值就保存权重："
                   "它给出的准确率是用测试集标签挑出来的检查点上的。本站表中的数是最后一轮、按训练集上的损失选出的头，"
                   "选择时不看标签。\n")


def book_comparison_row(ctx: ReportContext) -> Snippet:
    """IIC 与 MINE 比较表里“书中的结果”一行：IIC 各个头的范围和 MINE 的准确率。"""
    return Snippet(f"| 书中 MNIST 上的结果 | {min(BOOK_IIC_HEADS):.2f} %～{max(BOOK_IIC_HEADS):.2f} %（1 到 5 个头） "
                   f"| {_book_mine_mnist():.2f} %（潜在维数 10） |\n")


def collapse_summary(ctx: ReportContext) -> Snippet:
    """坍缩的一行：用到几个簇，最大的簇占多少，准确率。"""
    data = ctx.result("ch13/iic", "collapse")
    if data is None:
        return Snippet("尚无记录：运行 `python -m adlk reproduce ch13/iic --only collapse` 之后重新生成。\n")
    arrays = load_arrays(ctx.docs, "ch13/iic", data, "assignments")
    clusters = arrays["clusters"][int(arrays["chosen"])].astype(int)
    sizes = np.bincount(clusters, minlength=10)
    acc = cluster_accuracy(arrays["labels"].astype(int), clusters, 10)
    text = (f"λ = 0.5 的这一行训练了 {data['counts']['epochs']} 轮（每轮 {data['counts']['train_samples']:,} 张图）。"
            f"最后测试集的 10,000 张图只用到了 {int((sizes > 0).sum())} 个簇，最大的一个簇装了 {sizes.max():,} 张，"
            f"聚类准确率 {100 * acc:.2f} %；测试集两个视图的互信息只有 {data['metrics']['test_mi']:.3f} nats。\n")
    return Snippet(text, [("ch13/iic", "collapse")])


def steps_to_reach(estimates, level: float, window: int = 20) -> int | None:
    """``window`` 步滑动平均第一次达到 ``level`` 的步数（从 1 数起，取窗口的最后一步），达不到时为 ``None``。"""
    smooth = np.convolve(np.asarray(estimates, dtype="float64"), np.ones(window) / window, mode="valid")
    hits = np.flatnonzero(smooth >= level)
    return None if len(hits) == 0 else int(hits[0]) + window


def gaussian_summary(ctx: ReportContext) -> Snippet:
    """每个相关系数：估计、闭式解、相对误差，书中运行过的相关系数是否在 10 % 之内。"""
    from adlk.ch13.experiments import TABLES

    table = next(t for t in TABLES if t.name == "mine-gaussian")
    lines, uses = [], []
    for run in table.runs:
        data = ctx.result(table.id, run.row)
        if data is None:
            continue
        uses.append((table.id, run.row))
        m = data["metrics"]
        rho = run.params["rho"]
        close = m["relative_error"] <= MINE_TOLERANCE
        text = (f"- ρ = {rho:g}：估计 {m['mine_estimate']:.3f} nats，闭式解 {m['true_mi']:.3f} nats，相对误差 "
                f"{100 * m['relative_error']:.1f} %，{'在' if close else '不在'} 10 % 之内")
        if rho in BOOK_RHOS:
            text = text.replace(f"ρ = {rho:g}：", f"ρ = {rho:g}（书中运行过的相关系数）：", 1)
        arrays = load_arrays(ctx.docs, table.id, data, "estimates")
        if arrays is not None:
            reached = steps_to_reach(arrays["estimates"], 0.9 * m["true_mi"])
            text += (f"；20 步滑动平均第一次达到闭式解的 90 % 是在第 {reached} 步" if reached is not None
                     else "；20 步滑动平均始终没有达到闭式解的 90 %")
            std = float(np.std(arrays["estimates"][-100:]))
            text += f"；最后 100 步每步估计的标准差 {std:.3f} nats，是估计的 {100 * std / m['mine_estimate']:.0f} %"
        lines.append(text + "。")
    if not lines:
        return Snippet("尚无记录：运行 `python -m adlk reproduce ch13/mine-gaussian` 之后重新生成。\n")
    return Snippet("\n".join(lines) + "\n", uses)


def mine_mnist_summary(ctx: ReportContext) -> Snippet:
    """MINE 在 MNIST 上的两种线性评估，与书中的准确率并列。"""
    data = ctx.result("ch13/mine-mnist", "latent-10")
    if data is None:
        return Snippet("尚无记录：运行 `python -m adlk reproduce ch13/mine-mnist` 之后重新生成。\n")
    m = data["metrics"]
    text = (f"本站训练了 {data['counts']['epochs']} 轮（约 {_minutes(data)}）。线性分类器在训练集的潜在向量上训练、"
            f"在测试集上评估，准确率是 **{100 * m['test_accuracy']:.2f} %**；按书中的做法（在测试集的潜在向量上训练 "
            f"20 轮，再在同一个测试集上评估）是 {100 * m['book_protocol_accuracy']:.2f} %。书中潜在维数 10 时报告 "
            f"{_book_mine_mnist():.2f} %。\n")
    return Snippet(text, [("ch13/mine-mnist", "latent-10")])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 13 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch13/iic-summary-cpu.md": iic_row_summary(ctx, "cpu"),
            "ch13/iic-summary-lamb-2.md": iic_row_summary(ctx, "lamb-2"), "ch13/iic-book.md": iic_book(ctx),
            "ch13/joint-notes.md": joint_notes(ctx), "ch13/first-epoch.md": first_epoch(ctx),
            "ch13/collapse-summary.md": collapse_summary(ctx), "ch13/book-comparison-row.md": book_comparison_row(ctx),
            "ch13/gaussian-summary.md": gaussian_summary(ctx), "ch13/mine-mnist-summary.md": mine_mnist_summary(ctx)}
