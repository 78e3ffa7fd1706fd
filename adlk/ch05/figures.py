"""第 5 章的插图。

原理部分的图（两条平行线上的分布与几种距离、两种生成器损失的梯度）由公式直接算出；样本网格、损失曲线
和分数只读取记录下来的运行（``docs/results/cpu/ch05/`` 与第 4 章的 ``ch04/``），画法与第 4 章相同。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.ch04.figures import BLUE, GRAY, GREEN, ORANGE, PURPLE, RED, loss_axes, quality_axes, sample_progress
from adlk.site.figures import figure, placeholder, plt


@figure("ch05/parallel.png")
def parallel() -> Figure:
    """左：x = 0 与 x = θ 两条竖线上的均匀分布；右：KL、JS、总变差与推土机距离随 θ 的变化。"""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    theta = 0.6
    ax.plot([0, 0], [0, 1], color=BLUE, lw=4, label="$p$：x = 0")
    ax.plot([theta, theta], [0, 1], color=ORANGE, lw=4, label=f"$q$：x = θ（θ = {theta}）")
    for y in np.linspace(0.1, 0.9, 5):
        ax.annotate("", (theta - 0.02, y), (0.02, y), arrowprops={"arrowstyle": "->", "color": GRAY})
    ax.text(theta / 2, 1.05, "每一点平移 θ", ha="center", color=GRAY)
    ax.set_xlim(-0.4, 1.0)
    ax.set_ylim(-0.1, 1.2)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("两条平行线上的均匀分布")
    ax.legend(fontsize=9, loc="lower right")
    t = np.linspace(-1, 1, 401)
    off = t != 0
    ax2.plot(t, np.abs(t), color=GREEN, lw=2, label="推土机距离 $W = |θ|$")
    ax2.plot(t[off], np.full(off.sum(), np.log(2)), color=PURPLE, lw=2, label="JS 散度 = log 2（θ ≠ 0）")
    ax2.plot(t[off], np.full(off.sum(), 1.0), color=RED, lw=1.5, ls="--", label="总变差距离 = 1（θ ≠ 0）")
    ax2.plot([0], [0], "ko", ms=5)
    ax2.text(0.03, 0.03, "θ = 0 时三者都为 0", fontsize=8)
    ax2.text(-0.95, 1.1, "KL 散度 = +∞（θ ≠ 0）", color=GRAY, fontsize=9)
    ax2.set_ylim(-0.05, 1.25)
    ax2.set_xlabel("θ")
    ax2.set_title("只有推土机距离随 θ 连续变化")
    ax2.legend(fontsize=9, loc="upper right")
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("ch05/lsgan-loss.png")
def lsgan_loss() -> Figure:
    """生成器损失对判别器输出的梯度：交叉熵（对 logit）与平方误差（对线性输出）。"""
    s = np.linspace(-4, 4, 401)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    sig = 1 / (1 + np.exp(-s))
    ax.plot(s, -(1 - sig), color=BLUE, label="交叉熵 $-\\log\\sigma(s)$ 的梯度：$-(1 - \\sigma(s))$")
    ax.plot(s, 2 * (s - 1), color=ORANGE, label="平方误差 $(s - 1)^2$ 的梯度：$2(s - 1)$")
    ax.axvline(1, color=GRAY, ls=":", lw=1)
    ax.text(1.1, -9, "LSGAN 的目标 s = 1", color=GRAY, fontsize=9)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("判别器对生成图像的输出 s（交叉熵：sigmoid 之前的 logit）")
    ax.set_ylabel("生成器损失对 s 的梯度")
    ax.set_title("s 已经很大（判为“很真”）时，交叉熵的梯度消失")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    ax2.plot(s, -np.log(sig), color=BLUE, label="交叉熵 $-\\log\\sigma(s)$")
    ax2.plot(s, (s - 1) ** 2, color=ORANGE, label="平方误差 $(s - 1)^2$")
    ax2.set_ylim(0, 10)
    ax2.set_xlabel("s")
    ax2.set_ylabel("生成器损失")
    ax2.set_title("两种生成器损失")
    ax2.legend(fontsize=9)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("ch05/wgan-samples.png")
def wgan_samples() -> Figure:
    """WGAN：同一组 100 个固定 z 在训练前和训练中几个时刻生成的数字。"""
    return sample_progress("ch05/unconditional", "wgan", "WGAN 的样本（本站的运行）")


@figure("ch05/lsgan-samples.png")
def lsgan_samples() -> Figure:
    """LSGAN：同一组 100 个固定 z 在训练前和训练中几个时刻生成的数字。"""
    return sample_progress("ch05/unconditional", "lsgan", "LSGAN 的样本（本站的运行）")


@figure("ch05/acgan-samples.png")
def acgan_samples() -> Figure:
    """ACGAN：每一列要求同一个数字，评判网络认出的数字不对时计为错。"""
    return sample_progress("ch05/acgan", "acgan", "ACGAN 的样本（本站的运行；每一列要求同一个数字）",
                           conditional=True)


@figure("ch05/losses.png")
def losses() -> Figure:
    """WGAN（含 Wasserstein 估计）、LSGAN 与 ACGAN 的损失曲线（每 10 步的平均）。"""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), squeeze=False)
    ok = [loss_axes(axes[0][0], "ch05/unconditional", "wgan", "WGAN", ("d_loss", "g_loss")),
          loss_axes(axes[0][1], "ch05/unconditional", "wgan", "WGAN：Wasserstein 距离的估计", ("wasserstein",)),
          loss_axes(axes[1][0], "ch05/unconditional", "lsgan", "LSGAN"),
          loss_axes(axes[1][1], "ch05/acgan", "acgan", "ACGAN（两个损失都含分类项）")]
    if not any(ok):
        plt.close(fig)
        return placeholder("第 5 章的损失曲线", "python -m adlk reproduce ch05")
    fig.tight_layout()
    return fig


@figure("ch05/quality.png")
def quality() -> Figure:
    """五个模型在各个时刻的 Fréchet 距离，以及两个条件模型认对所要数字的比例。"""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    rows = [("ch04/dcgan", "dcgan", "DCGAN", BLUE), ("ch04/cgan", "cgan", "条件 GAN", ORANGE),
            ("ch05/unconditional", "wgan", "WGAN", GREEN), ("ch05/unconditional", "lsgan", "LSGAN", PURPLE),
            ("ch05/acgan", "acgan", "ACGAN", RED)]
    if not quality_axes(ax, ax2, rows):
        plt.close(fig)
        return placeholder("五种 GAN 的分数", "python -m adlk reproduce ch04 ch05")
    fig.tight_layout()
    return fig


@figure("ch05/cgan-acgan-digits.png")
def cgan_acgan_digits() -> Figure:
    """条件 GAN 与 ACGAN 最后一步的样本并排：同一组固定的 z 与标签，每一列要求同一个数字，认错的框成红色。"""
    from matplotlib.patches import Rectangle

    from adlk.ch04.figures import mosaic
    from adlk.site.figures import load_artifact

    rows = (("ch04/cgan", "cgan", "条件 GAN"), ("ch05/acgan", "acgan", "ACGAN"))
    found = [(label, load_artifact(table_id, row, "samples")) for table_id, row, label in rows]
    if any(data is None for _, data in found):
        return placeholder("条件 GAN 与 ACGAN 逐个数字比较", "python -m adlk reproduce ch04/cgan ch05/acgan")
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.4))
    for ax, (label, data) in zip(axes, found):
        images, predicted, labels = data["images"][-1], data["predicted"][-1], data["labels"]
        ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=255)
        for i in np.flatnonzero(predicted != labels):
            r, c = divmod(int(i), 10)
            ax.add_patch(Rectangle((c * 30 - 1, r * 30 - 1), 29, 29, fill=False, edgecolor=RED, lw=1.5))
        right = np.mean(predicted == labels)
        ax.set_title(f"{label}，第 {int(data['steps'][-1]):,} 步：评判网络认对 {100 * right:.0f}%", fontsize=10)
        ax.set_xticks(np.arange(10) * 30 + 14, [str(d) for d in range(10)], fontsize=8)
        ax.set_yticks([])
        ax.tick_params(length=0)
    fig.suptitle("同一组固定的 z 与标签（每一列要求同一个数字；红框：评判网络认出的不是所要的数字）", y=1.0)
    fig.tight_layout()
    return fig
