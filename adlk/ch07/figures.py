"""第 7 章的插图。

两对域的样例由数据加载函数直接取出；翻译结果、损失曲线和分数只读取记录下来的运行（``docs/results/cpu/ch07/``）
保存的小文件，生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.ch04.figures import BLUE, GRAY, GREEN, ORANGE, PURPLE, RED, _history
from adlk.site.figures import figure, load_artifact, placeholder, plt

EXPERIMENTS = (("ch07/digits", "MNIST ↔ MNIST-M 风格"), ("ch07/colour", "灰度 ↔ 着色数字"))
"""两个实验的表与名称。"""


def strip(images: np.ndarray, gap: int = 2) -> np.ndarray:
    """(n, 32, 32, c) 的 uint8 图像排成一行（白色间隔），返回 RGB。"""
    images = np.asarray(images)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    n, h, w, _ = images.shape
    out = np.full((h, n * (w + gap) - gap, 3), 255, dtype=np.uint8)
    for i in range(n):
        out[:, i * (w + gap): i * (w + gap) + w] = images[i]
    return out


def one_per_digit(images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """每个数字取第一张（0–9 的顺序）。"""
    return np.stack([images[np.flatnonzero(labels == c)[0]] for c in range(10)])


@figure("ch07/domains.png")
def domains() -> Figure:
    """本站的四个域：每个数字一张测试图（两对域的源域与目标域取自测试集不相交的两半）。"""
    from adlk.ch07.data import load_grey_colour, load_mnist_mnistm

    rows = []
    for load in (load_mnist_mnistm, load_grey_colour):
        d = load()
        rows.append((d.names[0], one_per_digit(d.test_source, d.test_source_labels)))
        rows.append((d.names[1], one_per_digit(d.test_target, d.test_target_labels)))
    fig, axes = plt.subplots(len(rows), 1, figsize=(8, 4.4))
    for ax, (name, images) in zip(axes, rows):
        ax.imshow(strip(images))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
    axes[0].set_title("上两行：MNIST ↔ MNIST-M 风格（代替 MNIST ↔ SVHN）；下两行：灰度 ↔ 着色数字（代替 CIFAR-10）",
                      fontsize=10)
    fig.tight_layout()
    return fig


def translations(table_id: str, title: str) -> Figure:
    """一个实验的固定测试图在各个快照时刻的翻译结果，以及最后一步翻译回来的重建。"""
    data = load_artifact(table_id, "cyclegan", "samples")
    if data is None:
        return placeholder(title, f"python -m adlk reproduce {table_id}")
    from adlk.ch07.readings import readings

    read = readings(table_id, data)
    steps = [int(s) for s in data["steps"]]
    panels = (("source", "fake_target", "cycled_source", "源域 → 目标域"),
              ("target", "fake_source", "cycled_target", "目标域 → 源域"))
    fig, axes = plt.subplots(len(steps) + 2, 2, figsize=(13, 0.95 * (len(steps) + 2) + 0.8))
    for col, (inp, fake, back, label) in enumerate(panels):
        n = len(data[inp])
        rows = [("输入", data[inp])] + [(f"第 {s:,} 步\n认出 {read[f'{fake}_kept'][i].sum()}/{n}", data[fake][i])
                                       for i, s in enumerate(steps)]
        rows.append((f"第 {steps[-1]:,} 步翻译回来\n认出 {read[f'{back}_kept'][-1].sum()}/{n}", data[back][-1]))
        for r, (name, images) in enumerate(rows):
            ax = axes[r, col]
            ax.imshow(strip(images))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
        axes[0, col].set_title(label, fontsize=11)
    fig.suptitle(f"{title}（本站的运行；每一行是同一组固定的测试图；“认出”：打分用的分类器读出原来数字的张数）", y=1.0)
    fig.tight_layout()
    return fig


@figure("ch07/digits-translations.png")
def digits_translations() -> Figure:
    """MNIST ↔ MNIST-M 风格：各时刻的翻译与最后一步的循环重建。"""
    return translations("ch07/digits", "MNIST ↔ MNIST-M 风格")


@figure("ch07/colour-translations.png")
def colour_translations() -> Figure:
    """灰度 ↔ 着色数字：各时刻的翻译与最后一步的循环重建。"""
    return translations("ch07/colour", "灰度 ↔ 着色数字")


@figure("ch07/losses.png")
def losses() -> Figure:
    """两个实验的损失曲线：两个判别器的损失（左），生成器的对抗项与循环一致项（右）。"""
    fig, axes = plt.subplots(2, 2, figsize=(12, 7))
    drawn = False
    for (table_id, name), (ax_d, ax_g) in zip(EXPERIMENTS, axes):
        h = _history(table_id, "cyclegan")
        if h is None:
            ax_d.text(0.5, 0.5, f"{name}：尚无记录", ha="center", transform=ax_d.transAxes)
            continue
        drawn = True
        ax_d.plot(h["step"], h["d_target_loss"], color=BLUE, lw=1.2, label="目标域判别器")
        ax_d.plot(h["step"], h["d_source_loss"], color=ORANGE, lw=1.2, label="源域判别器")
        ax_d.axhline(0.25, color=GRAY, ls=":", lw=1)
        ax_d.text(h["step"][0], 0.26, "都输出 0.5 时为 0.25", color=GRAY, fontsize=8)
        ax_g.plot(h["step"], h["adv_loss"], color=GREEN, lw=1.2, label="两个对抗项之和")
        ax_g.plot(h["step"], h["cycle_loss"], color=PURPLE, lw=1.2, label="两个循环一致项之和（未乘权重）")
        for ax, what in ((ax_d, "判别器的损失"), (ax_g, "生成器的损失")):
            ax.set_title(f"{name}：{what}", fontsize=10)
            ax.set_xlabel("步")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    if not drawn:
        plt.close(fig)
        return placeholder("CycleGAN 的损失曲线", "python -m adlk reproduce ch07")
    fig.tight_layout()
    return fig


@figure("ch07/progress.png")
def progress() -> Figure:
    """各快照时刻的分数：保住数字 / 涂对颜色的比例（左），循环重建的 MAE（右）。"""
    digits, colour = _history("ch07/digits", "cyclegan"), _history("ch07/colour", "cyclegan")
    if digits is None and colour is None:
        return placeholder("CycleGAN 的分数", "python -m adlk reproduce ch07")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    curves = []
    if digits is not None:
        curves += [(digits, "snapshot_label_kept_target", "MNIST → MNIST-M 风格：保住数字", BLUE),
                   (digits, "snapshot_label_kept_source", "MNIST-M 风格 → MNIST：保住数字", ORANGE)]
    if colour is not None:
        curves.append((colour, "snapshot_colour_accuracy", "灰度 → 彩色：涂对颜色", GREEN))
    for h, key, label, color in curves:
        ax.plot(h["snapshot_step"], 100 * np.array(h[key]), "o-", color=color, label=label)
    ax.axhline(10, color=GRAY, ls=":", lw=1)
    ax.text(0, 11.5, "随机猜 10%", color=GRAY, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_xlabel("步")
    ax.set_ylabel("%")
    ax.set_title("翻译后仍是原来的数字、涂对了颜色（本站的量）", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    for h, name, (c1, c2) in ((digits, "MNIST ↔ MNIST-M 风格", (BLUE, ORANGE)), (colour, "灰度 ↔ 着色", (GREEN, RED))):
        if h is None:
            continue
        ax2.plot(h["snapshot_step"], h["snapshot_cycle_mae_source"], "o-", color=c1, label=f"{name}：源域")
        ax2.plot(h["snapshot_step"], h["snapshot_cycle_mae_target"], "s--", color=c2, label=f"{name}：目标域")
    ax2.set_xlabel("步")
    ax2.set_ylabel("平均绝对误差（像素在 [0, 1]）")
    ax2.set_title("翻译过去再翻译回来，与原图的误差", fontsize=10)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig
