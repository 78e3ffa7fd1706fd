"""第 10 章的插图。

原理部分的图（高斯策略的密度与对数概率、山地车的地形）由公式直接算出；其余的图只读记录下来的运行
（``docs/results/cpu/ch10/``）：每个回合的总奖励、策略标准差的变化，以及训练结束时策略在状态平面上的均值。
生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.site.figures import figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"
METHODS = (("reinforce", "REINFORCE", BLUE), ("reinforce-baseline", "带基线的 REINFORCE", ORANGE),
           ("actor-critic", "演员–评论家", GREEN), ("a2c", "A2C", RED))
COMMAND = "python -m adlk reproduce ch10/pg"


def _result(row: str):
    from adlk.runs.results import read_result
    from adlk.site.figures import result_file

    path = result_file("ch10/pg", row)
    return read_result(path) if path.is_file() else None


def _seed_histories(data) -> list[dict]:
    from adlk.runs.runner import histories

    return [histories(data)[str(s)] for s in data["run"]["seeds"]]


@figure("ch10/gaussian.png")
def gaussian() -> Figure:
    """高斯策略：σ 不同时的密度、在动作 a 处的对数概率，以及熵随 σ 的变化。"""
    a = np.linspace(-3, 3, 601)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for sigma, color in ((0.3, ORANGE), (0.69, BLUE), (1.5, GREEN)):
        logp = -0.5 * (a / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
        axes[0].plot(a, np.exp(logp), color=color, label=f"σ = {sigma:g}")
        axes[1].plot(a, logp, color=color, label=f"σ = {sigma:g}")
    axes[0].axvspan(-3, -1, color=GRAY, alpha=0.15)
    axes[0].axvspan(1, 3, color=GRAY, alpha=0.15)
    axes[0].text(1.1, 1.1, "超出 [-1, 1]：裁剪", fontsize=8, color=GRAY)
    axes[0].set_title("策略的密度 $\\pi(a \\mid s) = \\mathcal{N}(a; 0, \\sigma^2)$")
    axes[1].set_title("对数概率 $\\log \\pi(a \\mid s)$")
    axes[1].set_ylim(-12, 1.5)
    sig = np.linspace(0.02, 3, 300)
    axes[2].plot(sig, 0.5 + 0.5 * np.log(2 * np.pi) + np.log(sig), color=PURPLE)
    axes[2].axvline(np.log(2), color=BLUE, ls=":", lw=1)
    axes[2].text(np.log(2) + 0.05, -2.5, "初始 σ = softplus(0) ≈ 0.69", fontsize=8, color=BLUE)
    axes[2].set_title("熵 $H = \\frac{1}{2} + \\frac{1}{2}\\log 2\\pi + \\log \\sigma$")
    for ax, xl in zip(axes, ("动作 a", "动作 a", "标准差 σ")):
        ax.set_xlabel(xl)
        ax.grid(alpha=0.3)
    axes[0].legend()
    axes[1].legend()
    fig.tight_layout()
    return fig


@figure("ch10/mountain-car.png")
def mountain_car() -> Figure:
    """MountainCarContinuous 的地形 y = 0.45 sin(3x) + 0.55：小车从谷底出发，要到 x ≥ 0.45 的山顶。"""
    x = np.linspace(-1.2, 0.6, 400)
    y = 0.45 * np.sin(3 * x) + 0.55
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(x, y, color="black")
    ax.fill_between(x, 0, y, color=GRAY, alpha=0.15)
    ax.plot([0.45, 0.45], [0.45 * np.sin(1.35) + 0.55, 1.15], color=GREEN, lw=2)
    ax.text(0.47, 1.12, "目标：x ≥ 0.45，奖励 +100", color=GREEN, fontsize=9, va="top")
    ax.axvspan(-0.6, -0.4, color=ORANGE, alpha=0.2)
    ax.text(-0.5, 0.02, "起点：x ∈ [-0.6, -0.4]，速度 0", ha="center", color=ORANGE, fontsize=9)
    ax.annotate("只靠推力 |a| ≤ 1 爬不上去：\n先向左冲上坡，再借势向右", (-1.0, 0.45 * np.sin(-3.0) + 0.55),
                (-1.15, 0.95), fontsize=9, arrowprops={"arrowstyle": "->", "color": BLUE}, color=BLUE)
    ax.set_xlabel("位置 x")
    ax.set_ylabel("高度")
    ax.set_title("MountainCarContinuous-v0：每一步奖励 $-0.1 a^2$，最多 999 步")
    ax.set_ylim(0, 1.2)
    fig.tight_layout()
    return fig


def moving_average(x, n=10):
    """前 n 个回合（不足 n 个时取已有的）的滑动平均。"""
    x = np.asarray(x, dtype=float)
    c = np.cumsum(np.insert(x, 0, 0.0))
    idx = np.arange(1, len(x) + 1)
    lo = np.maximum(0, idx - n)
    return (c[idx] - c[lo]) / (idx - lo)


def _method_grid(key: str, ylabel: str, title: str, smooth: int = 10, reference=None) -> Figure:
    found = [(row, label, color, _result(row)) for row, label, color in METHODS]
    found = [f for f in found if f[3] is not None]
    if not found:
        return placeholder(title, COMMAND)
    fig, axes = plt.subplots(1, len(found), figsize=(4.2 * len(found), 3.8), sharey=True, squeeze=False)
    for ax, (row, label, color, data) in zip(axes[0], found):
        for seed, h, shade in zip(data["run"]["seeds"], _seed_histories(data), (1.0, 0.7, 0.45)):
            values = np.array(h[key], dtype=float)
            goals = int(np.sum(h["goal"]))
            ax.plot(moving_average(values, smooth) if smooth > 1 else values, color=color, alpha=shade,
                    label=f"种子 {seed}（到达山顶 {goals} 次）")
        if reference is not None:
            ax.axhline(reference[0], color=GRAY, ls="--", lw=1)
            ax.text(0, reference[0], reference[1], fontsize=8, color=GRAY, va="bottom")
        ax.set_title(label)
        ax.set_xlabel("回合")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    axes[0, 0].set_ylabel(ylabel)
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    return fig


@figure("ch10/returns.png")
def returns() -> Figure:
    """四种方法每个回合的总奖励（最近 10 个回合的滑动平均），每个种子一条线。"""
    return _method_grid("return", "每回合总奖励（最近 10 个回合的平均）",
                        "MountainCarContinuous-v0 上每个回合的总奖励（本站，3 个种子）", reference=(90, "解决的标准 90"))


@figure("ch10/stddev.png")
def stddev() -> Figure:
    """四种方法每个回合结束、更新之后，谷底状态 (-0.5, 0) 处策略的标准差。"""
    return _method_grid("stddev", "谷底处策略的标准差 σ", "策略标准差的变化（谷底状态 (-0.5, 0)，每回合更新后）",
                        smooth=1)


@figure("ch10/policy-map.png")
def policy_map() -> Figure:
    """训练结束时策略的均值 μ(s) 在状态平面（位置 × 速度）上的分布（种子 0）。"""
    found = [(label, load_artifact("ch10/pg", row, "policy", seed=0)) for row, label, _ in METHODS]
    found = [(label, d) for label, d in found if d is not None]
    title = "训练结束时策略的均值 μ(s)（本站，种子 0）"
    if not found:
        return placeholder(title, COMMAND)
    fig, axes = plt.subplots(1, len(found), figsize=(4.0 * len(found) + 1, 3.6), squeeze=False)
    for ax, (label, d) in zip(axes[0], found):
        pos, vel = d["position"].astype(float), d["velocity"].astype(float)
        image = ax.imshow(d["mean"].astype(float), origin="lower", aspect="auto", cmap="coolwarm", vmin=-1, vmax=1,
                          extent=(pos[0], pos[-1], vel[0], vel[-1]))
        ax.set_title(f"{label}\nσ 在 {float(d['stddev'].min()):.2f}～{float(d['stddev'].max()):.2f} 之间", fontsize=10)
        ax.set_xlabel("位置")
    axes[0, 0].set_ylabel("速度")
    bar = fig.colorbar(image, ax=axes[0].tolist(), fraction=0.02, pad=0.02)
    bar.set_label("μ(s)：负为向左推，正为向右推")
    fig.suptitle(title, y=1.04)
    return fig
