"""第 4 章的插图。

原理部分的图（最优判别器与 JS 散度、生成器的两种损失）由公式直接算出；其余的图只读取记录下来的运行
（``docs/results/cpu/ch04/``）保存的小文件：训练前后几个时刻的样本网格、每 10 步的平均损失和评判网络的分数。
生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。第 5 章的插图也用这里的 :func:`sample_progress`
和 :func:`loss_axes`。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.site.figures import figure, load_artifact, placeholder, plt, result_file

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"


def mosaic(images: np.ndarray, cols: int = 10, gap: int = 2) -> np.ndarray:
    """(n, 28, 28) 的图像按 ``cols`` 列拼成一张大图（白色间隔）。"""
    n, h, w = images.shape
    rows = int(np.ceil(n / cols))
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), 255, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = 255 - images[i]
    return out


def sample_progress(table_id: str, row: str, title: str, conditional: bool = False) -> Figure:
    """一行记录的样本网格：训练前和训练中的几个时刻，同一组固定的 z（条件模型每一列是同一个数字）。

    条件模型的每张图下方标出评判网络认出的数字，认错的标红。
    """
    data = load_artifact(table_id, row, "samples")
    if data is None:
        return placeholder(title, f"python -m adlk reproduce {table_id}")
    steps = data["steps"]
    fig, axes = plt.subplots(1, len(steps), figsize=(3.3 * len(steps), 3.7), squeeze=False)
    for ax, step, images, predicted in zip(axes[0], steps, data["images"], data["predicted"]):
        ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
        if conditional:
            wrong = np.mean(predicted != data["labels"])
            ax.set_title(f"第 {int(step):,} 步\n评判网络认对 {100 * (1 - wrong):.0f}%", fontsize=10)
            ax.set_xticks(np.arange(10) * 30 + 14, [str(d) for d in range(10)], fontsize=8)
            ax.tick_params(length=0)
        else:
            ax.set_title(f"第 {int(step):,} 步", fontsize=10)
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    return fig


def _history(table_id: str, row: str) -> dict | None:
    from adlk.runs.results import read_result

    path = result_file(table_id, row)
    if not path.is_file():
        return None
    return read_result(path).get("history")


def loss_axes(ax, table_id: str, row: str, label: str, keys: tuple[str, ...] = ("d_loss", "g_loss")) -> bool:
    """在 ``ax`` 上画一行记录的损失曲线（每 10 步的平均）；没有记录时返回 ``False``。"""
    h = _history(table_id, row)
    if h is None:
        return False
    colors = {"d_loss": BLUE, "g_loss": ORANGE, "wasserstein": GREEN}
    names = {"d_loss": "判别器损失", "g_loss": "生成器损失", "wasserstein": "Wasserstein 距离的估计"}
    for k in keys:
        ax.plot(h["step"], h[k], color=colors.get(k, GRAY), label=names.get(k, k), lw=1.3)
    ax.set_xlabel("步")
    ax.set_title(label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return True


def quality_axes(ax_fd, ax_acc, rows: list[tuple[str, str, str, str]]) -> bool:
    """各行在各个时刻的 Fréchet 距离（左）与条件模型认对的比例（右）。rows: (表, 行, 标签, 颜色)。"""
    drawn = False
    for table_id, row, label, color in rows:
        h = _history(table_id, row)
        if h is None:
            continue
        drawn = True
        ax_fd.plot(h["snapshot_step"], h["snapshot_frechet"], "o-", color=color, label=label)
        if "snapshot_label_accuracy" in h and ax_acc is not None:
            ax_acc.plot(h["snapshot_step"], 100 * np.array(h["snapshot_label_accuracy"]), "o-", color=color,
                        label=label)
    if not drawn:
        return False
    ax_fd.set_yscale("log")
    ax_fd.set_xlabel("步")
    ax_fd.set_ylabel("Fréchet 距离（越小越好）")
    ax_fd.set_title("与真实测试图像的 Fréchet 距离（本站的评判网络）")
    ax_fd.grid(alpha=0.3)
    ax_fd.legend(fontsize=9)
    if ax_acc is not None:
        ax_acc.axhline(10, color=GRAY, ls=":", lw=1)
        ax_acc.text(0, 11, "随机猜 10%", color=GRAY, fontsize=8)
        ax_acc.set_ylim(0, 100)
        ax_acc.set_xlabel("步")
        ax_acc.set_ylabel("%")
        ax_acc.set_title("评判网络认出所要数字的比例（条件模型）")
        ax_acc.grid(alpha=0.3)
        ax_acc.legend(fontsize=9)
    return drawn


# ---------------------------------------------------------------- 4.1 原理


@figure("ch04/optimal-discriminator.png")
def optimal_discriminator() -> Figure:
    """左：真实分布、生成分布与最优判别器；右：两个分布平移分开时 JS 散度趋于 log 2、不再变化。"""
    x = np.linspace(-4, 8, 1201)

    def normal(m, s=1.0):
        return np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))

    p_data, p_g = normal(0.0), normal(2.0, 1.3)
    d_star = p_data / (p_data + p_g)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    ax.plot(x, p_data, color=BLUE, label="$p_{data}(x)$")
    ax.plot(x, p_g, color=ORANGE, label="$p_g(x)$")
    ax.plot(x, d_star, color=RED, ls="--", label="$D^*(x) = p_{data} / (p_{data} + p_g)$")
    ax.axhline(0.5, color=GRAY, lw=0.8, ls=":")
    ax.set_xlabel("x")
    ax.set_title("最优判别器：真实数据更密的地方 D* 接近 1")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    shifts = np.linspace(0, 10, 101)
    grid = np.linspace(-8, 18, 5201)
    dx = grid[1] - grid[0]
    p0 = np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi)
    js = []
    for d in shifts:
        q = np.exp(-0.5 * (grid - d) ** 2) / np.sqrt(2 * np.pi)
        m = 0.5 * (p0 + q)
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            kl1 = np.where(p0 > 0, p0 * np.log(p0 / m), 0)
            kl2 = np.where(q > 0, q * np.log(q / m), 0)
        js.append(0.5 * np.nansum(kl1) * dx + 0.5 * np.nansum(kl2) * dx)
    ax2.plot(shifts, js, color=PURPLE, label="$JS(p_{data} \\| p_g)$")
    ax2.axhline(np.log(2), color=GRAY, ls=":", lw=1)
    ax2.text(6.5, np.log(2) - 0.06, "log 2 ≈ 0.693", color=GRAY)
    ax2.set_xlabel("生成分布的平移量（两个单位方差的高斯）")
    ax2.set_ylabel("nats")
    ax2.set_title("分布不重叠时 JS 散度是常数，梯度消失")
    ax2.legend(fontsize=9)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("ch04/generator-loss.png")
def generator_loss() -> Figure:
    """生成器的两种损失随 D(G(z)) 的变化：训练初期 D(G(z)) 接近 0，log(1 - D) 几乎是平的。"""
    d = np.linspace(0.001, 0.999, 999)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    ax.plot(d, np.log(1 - d), color=BLUE, label="饱和：$\\log(1 - D(G(z)))$（要最小化）")
    ax.plot(d, -np.log(d), color=ORANGE, label="不饱和：$-\\log D(G(z))$（要最小化）")
    ax.axvspan(0, 0.1, color=RED, alpha=0.08)
    ax.text(0.012, 3.8, "训练初期\n判别器轻易\n认出生成的图", color=RED, fontsize=9)
    ax.set_xlabel("$D(G(z))$：判别器认为生成图像是真图的概率")
    ax.set_ylabel("损失")
    ax.set_ylim(-5, 5)
    ax.legend(fontsize=9, loc="upper right")
    ax.grid(alpha=0.3)
    ax.set_title("生成器的两种损失")
    # 对判别器 logit 的梯度：sigmoid 之后，饱和版为 -D，不饱和版为 -(1 - D)
    ax2.plot(d, d, color=BLUE, label="饱和：|∂/∂logit| = D")
    ax2.plot(d, 1 - d, color=ORANGE, label="不饱和：|∂/∂logit| = 1 − D")
    ax2.axvspan(0, 0.1, color=RED, alpha=0.08)
    ax2.set_xlabel("$D(G(z))$")
    ax2.set_ylabel("梯度的大小")
    ax2.set_title("传回生成器的梯度（对判别器输出的 logit）")
    ax2.legend(fontsize=9)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 4.2、4.4 记录的运行


@figure("ch04/dcgan-samples.png")
def dcgan_samples() -> Figure:
    """DCGAN：同一组 100 个固定 z 在训练前和训练中几个时刻生成的数字。"""
    return sample_progress("ch04/dcgan", "dcgan", "DCGAN 的样本（本站的运行）")


@figure("ch04/cgan-samples.png")
def cgan_samples() -> Figure:
    """条件 GAN：每一列要求同一个数字（0～9），评判网络认出的数字不对时计为错。"""
    return sample_progress("ch04/cgan", "cgan", "条件 GAN 的样本（本站的运行；每一列要求同一个数字）",
                           conditional=True)


@figure("ch04/losses.png")
def losses() -> Figure:
    """DCGAN 与条件 GAN 的损失曲线（每 10 步的平均）。"""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), squeeze=False)
    ok = [loss_axes(axes[0][0], "ch04/dcgan", "dcgan", "DCGAN"),
          loss_axes(axes[0][1], "ch04/cgan", "cgan", "条件 GAN")]
    if not any(ok):
        plt.close(fig)
        return placeholder("DCGAN 与条件 GAN 的损失曲线", "python -m adlk reproduce ch04")
    fig.tight_layout()
    return fig


@figure("ch04/quality.png")
def quality() -> Figure:
    """训练过程中评判网络的分数：Fréchet 距离（两个模型）与条件 GAN 认对的比例。"""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    rows = [("ch04/dcgan", "dcgan", "DCGAN", BLUE), ("ch04/cgan", "cgan", "条件 GAN", ORANGE)]
    if not quality_axes(ax, ax2, rows):
        plt.close(fig)
        return placeholder("评判网络的分数", "python -m adlk reproduce ch04")
    fig.tight_layout()
    return fig
