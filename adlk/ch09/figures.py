"""第 9 章的插图。

原理部分的图（折扣权重、网格世界的最优 Q 表）由公式直接算出；其余的图只读记录下来的运行
（``docs/results/cpu/ch09/``）：网格世界与 FrozenLake 的 Q 表、FrozenLake 的训练曲线、CartPole 每个回合的
总奖励。生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.site.figures import bold, figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C"
SEEDS = (0, 1, 2)
# 动作 0 左、1 下、2 右、3 上 → 箭头方向（x, y），y 向上为正
ARROWS = {0: (-1, 0), 1: (0, -1), 2: (1, 0), 3: (0, 1)}
ACTION_NAMES = ("左", "下", "右", "上")
LAKE = ["SFFF", "FHFH", "FFFH", "HFFG"]


def _command(table: str) -> str:
    return f"python -m adlk reproduce ch09/{table}"


def _result(table: str, row: str):
    from adlk.runs.results import read_result
    from adlk.site.figures import result_file

    path = result_file(f"ch09/{table}", row)
    return read_result(path) if path.is_file() else None


def _histories(data) -> list[dict]:
    from adlk.runs.runner import histories

    return [histories(data)[str(s)] for s in data["run"]["seeds"]]


@figure("ch09/discount.png")
def discount() -> Figure:
    """折扣因子 γ 决定未来第 k 步的奖励在回报里占多大权重：γ^k。"""
    k = np.arange(0, 60)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    for gamma, color in ((0.5, ORANGE), (0.9, BLUE), (0.99, GREEN)):
        ax.plot(k, gamma**k, color=color, label=f"γ = {gamma:g}")
        ax2.plot(k, np.cumsum(gamma**k), color=color, label=f"γ = {gamma:g}：上限 {1 / (1 - gamma):g}")
    ax.set_xlabel("未来的第 k 步")
    ax.set_ylabel("权重 $\\gamma^k$")
    ax.set_title("每一步奖励的权重")
    ax2.set_xlabel("步数 k")
    ax2.set_ylabel("$\\sum_{i \\leq k} \\gamma^i$")
    ax2.set_title("每步奖励都是 1 时回报的累积")
    for a in (ax, ax2):
        a.grid(alpha=0.3)
        a.legend()
    fig.tight_layout()
    return fig


def _grid_panel(ax, q: np.ndarray, title: str) -> None:
    """2 × 3 的网格世界：每格里四个方向写出 Q 值，最大的那个加粗。"""
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 2)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in range(6):
        r, c = divmod(s, 3)
        x0, y0 = c, 1 - r
        face = {2: "#eaf5ec", 5: "#fbeaea"}.get(s, "white")
        ax.add_patch(plt.Rectangle((x0, y0), 1, 1, facecolor=face, edgecolor="black"))
        label = {0: "0 起点", 2: "2 目标 +100", 5: "5 陷阱 −100"}.get(s, str(s))
        ax.text(x0 + 0.5, y0 + 0.5, label, ha="center", va="center", fontsize=9, color=GRAY)
        if s in (2, 5):
            continue
        best = q[s].max()
        for a, (dx, dy) in ARROWS.items():
            weight = bold() if q[s, a] == best else {}
            color = BLUE if q[s, a] == best else "black"
            ax.text(x0 + 0.5 + 0.33 * dx, y0 + 0.5 + 0.33 * dy, f"{q[s, a]:.1f}", ha="center", va="center",
                    fontsize=9, **weight, color=color)
    ax.set_title(title)


@figure("ch09/gridworld-q.png")
def gridworld_q() -> Figure:
    """网格世界：值迭代得到的 Q*（左）与 Q 学习学到的 Q 表（右，种子 0 与种子 1）。"""
    from adlk.ch09.qlearning import QWorld, optimal_q

    best = optimal_q(QWorld())
    found = [(s, load_artifact("ch09/gridworld", "q-learning", "q_table", seed=s)) for s in (0, 1)]
    found = [(s, d) for s, d in found if d is not None]
    fig, axes = plt.subplots(1, 1 + len(found), figsize=(4.6 * (1 + len(found)), 3.6), squeeze=False)
    _grid_panel(axes[0, 0], best, "值迭代得到的 $Q^*$（γ = 0.9）")
    for ax, (seed, data) in zip(axes[0, 1:], found):
        _grid_panel(ax, data["q_table"], f"Q 学习赢满 2000 次后（本站，种子 {seed}）")
    fig.tight_layout()
    return fig


def _lake_panel(ax, q: np.ndarray, title: str) -> None:
    """FrozenLake 4 × 4 地图上的贪心策略：箭头是 Q 值最大的动作，底色是 max_a Q(s, a)。"""
    v = q.max(axis=1).reshape(4, 4)
    ax.imshow(v, cmap="Blues", vmin=0, vmax=max(1e-9, float(v.max())))
    for s in range(16):
        r, c = divmod(s, 4)
        tile = LAKE[r][c]
        if tile in "HG":
            ax.text(c, r, "冰洞" if tile == "H" else "目标", ha="center", va="center", fontsize=10,
                    color=RED if tile == "H" else GREEN, **bold())
            continue
        a = int(np.argmax(q[s]))
        dx, dy = ARROWS[a]
        ax.annotate("", (c + 0.3 * dx, r - 0.3 * dy), (c - 0.3 * dx, r + 0.3 * dy),
                    arrowprops={"arrowstyle": "->", "lw": 2, "color": "black"})
        ax.text(c + 0.42, r + 0.42, f"{v[r, c]:.2f}", ha="right", va="bottom", fontsize=7, color=GRAY)
        if tile == "S":
            ax.text(c - 0.42, r - 0.3, "起点", fontsize=7, color=ORANGE)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)


@figure("ch09/frozenlake-policy.png")
def frozenlake_policy() -> Figure:
    """FrozenLake：三行记录（种子 0）学到的贪心策略与每格的 max_a Q。"""
    rows = (("not-slippery", "不打滑（is_slippery=False 传给 make）"), ("slippery", "打滑（默认）"),
            ("book-attribute", "书中的“不打滑”（make 之后赋值）"))
    found = [(label, load_artifact("ch09/frozenlake", row, "q_table", seed=0)) for row, label in rows]
    found = [(label, d) for label, d in found if d is not None]
    if not found:
        return placeholder("FrozenLake 的贪心策略", _command("frozenlake"))
    fig, axes = plt.subplots(1, len(found), figsize=(4.2 * len(found), 4.4), squeeze=False)
    for ax, (label, data) in zip(axes[0], found):
        _lake_panel(ax, data["q_table"], label)
    fig.suptitle("40,000 个回合之后的贪心策略（本站，种子 0；数字是 $\\max_a Q(s, a)$）", y=1.0)
    fig.tight_layout()
    return fig


def _band(ax, x, curves, color, label, ls="-"):
    arr = np.array(curves, dtype=float)
    ax.plot(x, arr.mean(axis=0), color=color, label=label, ls=ls)
    ax.fill_between(x, arr.min(axis=0), arr.max(axis=0), color=color, alpha=0.2, lw=0)


@figure("ch09/frozenlake-curve.png")
def frozenlake_curve() -> Figure:
    """FrozenLake：训练期间每 1000 个回合里到达目标的比例（三个种子的平均，阴影是最小到最大）。"""
    rows = (("not-slippery", "不打滑", GREEN), ("slippery", "打滑", BLUE), ("book-attribute", "书中的“不打滑”", ORANGE))
    fig, ax = plt.subplots(figsize=(8, 4))
    drawn = 0
    for row, label, color in rows:
        data = _result("frozenlake", row)
        if data is None:
            continue
        curves = [h["goal_rate_per_1000"] for h in _histories(data)]
        x = (np.arange(len(curves[0])) + 1) * 1000
        # 书中写法那一行与打滑那一行完全相同：画成虚线，免得盖住
        _band(ax, x, 100 * np.array(curves), color, label, ls="--" if row == "book-attribute" else "-")
        drawn += 1
    if not drawn:
        plt.close(fig)
        return placeholder("FrozenLake 的训练曲线", _command("frozenlake"))
    ax.set_xlabel("回合")
    ax.set_ylabel("到达目标的比例 %（每 1000 个回合）")
    ax.set_title("训练期间（含 ε-贪心的探索）到达目标的比例（本站，3 个种子）")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def moving_average(x, n=100):
    """前 n 个回合（不足 n 个时取已有的）的滑动平均，与书中判断“解决”的窗口相同。"""
    x = np.asarray(x, dtype=float)
    c = np.cumsum(np.insert(x, 0, 0.0))
    idx = np.arange(1, len(x) + 1)
    lo = np.maximum(0, idx - n)
    return (c[idx] - c[lo]) / (idx - lo)


@figure("ch09/cartpole-returns.png")
def cartpole_returns() -> Figure:
    """CartPole-v0：DQN 与 DDQN 每个回合的总奖励（最近 100 个回合的平均），每个种子一条线。"""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    drawn = 0
    for ax, (row, label, color) in zip(axes, (("dqn", "DQN", BLUE), ("ddqn", "DDQN", ORANGE))):
        data = _result("cartpole", row)
        ax.set_title(f"{label}（本站）")
        ax.axhline(195, color=RED, ls="--", lw=1)
        ax.text(0, 198, "解决：最近 100 个回合平均 ≥ 195", color=RED, fontsize=8)
        ax.set_xlabel("回合")
        ax.grid(alpha=0.3)
        if data is None:
            continue
        drawn += 1
        for seed, h, shade in zip(data["run"]["seeds"], _histories(data), (1.0, 0.7, 0.45)):
            r = np.array(h["return"])
            ax.plot(r, color=color, alpha=0.12 * shade, lw=0.6)
            ax.plot(moving_average(r), color=color, alpha=shade, label=f"种子 {seed}：第 {len(r) - 1} 个回合解决"
                    if data["per_seed"][str(seed)]["solved"] else f"种子 {seed}：未解决")
        ax.legend(fontsize=8, loc="lower right")
    if not drawn:
        plt.close(fig)
        return placeholder("CartPole 的回报曲线", _command("cartpole"))
    axes[0].set_ylabel("每回合总奖励（粗线：最近 100 个回合的平均）")
    fig.tight_layout()
    return fig
