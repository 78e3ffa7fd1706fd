"""第 6 章的插图。

原理部分的图（两种码的互信息损失）由公式直接算出；样本网格、遍历网格、码与数字的计数表和笔画形状的曲线
只读取记录下来的运行（``docs/results/cpu/ch06/``）。
"""

from __future__ import annotations

import json

import numpy as np
from matplotlib.figure import Figure

from adlk.ch04.figures import BLUE, GRAY, GREEN, ORANGE, RED, loss_axes, mosaic
from adlk.site.figures import figure, load_artifact, placeholder, plt, result_file

INFOGAN = ("ch06/infogan", "infogan")
STACKED = ("ch06/stackedgan", "stackedgan")


@figure("ch06/mi-losses.png")
def mi_losses() -> Figure:
    """左：高斯互信息损失 (c - μ)²/2 随 Q 的估计 μ 变化；右：书中的 -c·log q（q 在 (0, 1) 里）。"""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    mu = np.linspace(-1.5, 1.5, 301)
    for c, color in ((-0.5, BLUE), (0.3, ORANGE), (1.0, GREEN)):
        ax.plot(mu, (c - mu) ** 2 / 2, color=color, label=f"c = {c}")
        ax.plot([c], [0], "o", color=color)
    ax.set_xlabel("Q 给出的均值 μ(x)")
    ax.set_ylabel("损失")
    ax.set_title("高斯：-log Q(c|x) = (c - μ)² / 2 + 常数，最小值在 μ = c")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    q = np.linspace(0.005, 0.995, 300)
    for c, color in ((-0.5, BLUE), (0.3, ORANGE), (1.0, GREEN)):
        ax2.plot(q, -c * np.log(q), color=color, label=f"c = {c}")
    ax2.axhline(0, color=GRAY, lw=0.6)
    ax2.set_xlabel("sigmoid 输出 q(x)")
    ax2.set_title("书中：-c · log q，c > 0 时推向 q → 1，c < 0 时推向 q → 0")
    ax2.legend(fontsize=9)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("ch06/infogan-progress.png")
def infogan_progress() -> Figure:
    """InfoGAN 在各个时刻的样本：每一列是同一个类别码（0–9），同一组固定的 z 与连续码。"""
    data = load_artifact(*INFOGAN, "samples")
    title = "InfoGAN 的样本（每一列一个类别码）"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/infogan")
    from adlk.ch06.measures import matched_accuracy

    steps = data["steps"]
    fig, axes = plt.subplots(1, len(steps), figsize=(3.0 * len(steps), 3.5), squeeze=False)
    for ax, step, images, counts in zip(axes[0], steps, data["images"], data["counts"]):
        ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=255)
        ax.set_xticks(np.arange(10) * 30 + 14, [str(d) for d in range(10)], fontsize=8)
        ax.set_yticks([])
        ax.tick_params(length=0)
        ax.set_title(f"第 {int(step):,} 步\n最佳对应准确率 {100 * matched_accuracy(counts)[0]:.0f}%", fontsize=10)
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    return fig


@figure("ch06/infogan-counts.png")
def infogan_counts() -> Figure:
    """最后一步：类别码（行）与评判网络认出的数字（列）的计数表，最佳对应的格子加框。"""
    data = load_artifact(*INFOGAN, "samples")
    title = "InfoGAN 的类别码与数字"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/infogan")
    counts, mapping = data["counts"][-1], data["mapping"]
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    ax.imshow(counts, cmap="Blues")
    for k in range(10):
        for d in range(10):
            if counts[k, d]:
                ax.text(d, k, str(int(counts[k, d])), ha="center", va="center", fontsize=8,
                        color="white" if counts[k, d] > counts.max() / 2 else "black")
        ax.add_patch(plt.Rectangle((mapping[k] - 0.5, k - 0.5), 1, 1, fill=False, color=RED, lw=1.5))
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("评判网络认出的数字")
    ax.set_ylabel("类别码")
    ax.set_title(f"第 {int(data['steps'][-1]):,} 步，每个码 {int(counts[0].sum())} 张；红框为最佳一一对应", fontsize=10)
    fig.tight_layout()
    return fig


@figure("ch06/infogan-walks.png")
def infogan_walks() -> Figure:
    """一次只变一个码：行是类别码，列是连续码 1（左）或连续码 2（右）从 -2 到 2，z 与另一个码固定。"""
    data = load_artifact(*INFOGAN, "walks")
    title = "InfoGAN 沿连续码的遍历"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/infogan")
    images, values = data["images"], data["values"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.4))
    for which, ax in enumerate(axes):
        ax.imshow(mosaic(images[:, which].reshape(-1, 28, 28), cols=len(values)), cmap="gray", vmin=0, vmax=255)
        ax.set_xticks(np.arange(len(values)) * 30 + 14, [f"{v:g}" for v in values], fontsize=8)
        ax.set_yticks(np.arange(10) * 30 + 14, [str(k) for k in range(10)], fontsize=8)
        ax.tick_params(length=0)
        ax.set_xlabel(f"连续码 {which + 1} 的值（另一个码为 0）")
        ax.set_ylabel("类别码")
        ax.set_title(f"只变连续码 {which + 1}")
    fig.tight_layout()
    return fig


@figure("ch06/infogan-shapes.png")
def infogan_shapes() -> Figure:
    """沿每个连续码走时，笔画的倾斜与宽窄（对 10 个类别码、每个码 5 个 z 取平均）。"""
    data = load_artifact(*INFOGAN, "walks")
    title = "笔画形状随连续码的变化"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/infogan")
    m, values = data["measures"], data["values"]  # 轴：码、z、连续码、步、属性
    mean = np.nanmean(m, axis=(0, 1))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for a, (ax, name) in enumerate(zip(axes, ("倾斜（−μ11/μ02）", "宽窄（水平标准差，像素）"))):
        for which, color in ((0, BLUE), (1, ORANGE)):
            ax.plot(values, mean[which, :, a], "o-", color=color, label=f"沿连续码 {which + 1}")
        ax.set_xlabel("连续码的值")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


@figure("ch06/infogan-losses.png")
def infogan_losses() -> Figure:
    """InfoGAN 的损失：对抗部分（总损失）与互信息部分。"""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    if not loss_axes(ax, *INFOGAN, "总损失"):
        plt.close(fig)
        return placeholder("InfoGAN 的损失", "python -m adlk reproduce ch06/infogan")
    h = json.loads(result_file(*INFOGAN).read_text(encoding="utf-8"))["history"]
    for key, color, name in (("d_class_loss", BLUE, "判别器：类别码（含真图的标签）"),
                             ("g_class_loss", ORANGE, "生成器：类别码"),
                             ("d_mi_loss", GREEN, "连续码的互信息损失（加权和）")):
        ax2.plot(h["step"], h[key], color=color, label=name, lw=1.3)
    ax2.set_xlabel("步")
    ax2.set_title("类别码与连续码的损失")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=9)
    fig.tight_layout()
    return fig


@figure("ch06/stackedgan-samples.png")
def stackedgan_samples() -> Figure:
    """StackedGAN：左，各个时刻的样本（每一列一个数字）；右两幅，最后一步每一行一个数字，只变 z1 或只变 z0。"""
    data = load_artifact(*STACKED, "samples")
    title = "StackedGAN 的样本"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/stackedgan")
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.8))
    panels = ((data["images"][-1], f"第 {int(data['steps'][-1]):,} 步：每一列一个数字", True),
              (data["vary_z1"], "每一行一个数字，只变 z1（z0 固定）", False),
              (data["vary_z0"], "每一行一个数字，只变 z0（z1 固定）", False))
    for ax, (images, name, columns) in zip(axes, panels):
        ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=255)
        ticks = [str(d) for d in range(10)]
        if columns:
            ax.set_xticks(np.arange(10) * 30 + 14, ticks, fontsize=8)
            ax.set_yticks([])
        else:
            ax.set_yticks(np.arange(10) * 30 + 14, ticks, fontsize=8)
            ax.set_xticks([])
        ax.tick_params(length=0)
        ax.set_title(name, fontsize=10)
    fig.tight_layout()
    return fig


@figure("ch06/stackedgan-progress.png")
def stackedgan_progress() -> Figure:
    """StackedGAN 在各个时刻的样本（每一列一个数字）与评判网络认对的比例。"""
    data = load_artifact(*STACKED, "samples")
    title = "StackedGAN 的训练过程"
    if data is None:
        return placeholder(title, "python -m adlk reproduce ch06/stackedgan")
    path = result_file(*STACKED)
    history = json.loads(path.read_text(encoding="utf-8"))["history"] if path.is_file() else {}
    rates = history.get("snapshot_label_accuracy", [np.nan] * len(data["steps"]))
    steps = data["steps"]
    fig, axes = plt.subplots(1, len(steps), figsize=(3.0 * len(steps), 3.5), squeeze=False)
    for ax, step, images, rate in zip(axes[0], steps, data["images"], rates):
        ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=255)
        ax.set_xticks(np.arange(10) * 30 + 14, [str(d) for d in range(10)], fontsize=8)
        ax.set_yticks([])
        ax.tick_params(length=0)
        ax.set_title(f"第 {int(step):,} 步\n评判网络认对 {100 * rate:.0f}%", fontsize=10)
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    return fig
