"""第 9 章页面经 ``--8<--`` 引入的片段：由结果文件生成，页面上不手写任何测得的数。

- ``ch09/gridworld-seeds.md``：网格世界每个种子的 Q 表与 Q* 的比较；
- ``ch09/frozenlake-summary.md``：打滑、不打滑与书中写法三行的对比（走偏概率、成功率）；
- ``ch09/cartpole-seeds.md``：CartPole 上 DQN、DDQN 每个种子解决时的回合与环境步数；
- ``ch09/ddqn-summary.md``：DQN 与 DDQN 解决所需回合数的比较。
"""

from __future__ import annotations

from typing import Any

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def gridworld_seeds(ctx: ReportContext) -> Snippet:
    """每个种子：回合数、等于 Q* 的 Q 值个数、最大误差、贪心策略是否最优。"""
    data = ctx.result("ch09/gridworld", "q-learning")
    if data is None:
        return Snippet(MISSING.format(target="ch09/gridworld"))
    lines = ["| 种子 | 回合数 | 等于 $Q^*$ 的 Q 值（共 16 个） | 与 $Q^*$ 的最大差 | 贪心策略是最优策略 |",
             "|---|---|---|---|---|"]
    for seed, m in sorted(data["per_seed"].items()):
        lines.append(f"| {seed} | {m['episodes']:.0f} | {m['pairs_exact']:.0f} | {m['max_error']:.1f} | "
                     f"{'是' if m['greedy_is_optimal'] else '否'} |")
    return Snippet("\n".join(lines) + "\n", [("ch09/gridworld", "q-learning")])


def frozenlake_summary(ctx: ReportContext) -> Snippet:
    """三行的走偏概率与成功率，写成两句话。"""
    rows = {r: ctx.result("ch09/frozenlake", r) for r in ("slippery", "not-slippery", "book-attribute")}
    if any(v is None for v in rows.values()):
        return Snippet(MISSING.format(target="ch09/frozenlake"))
    m = {r: d["metrics"] for r, d in rows.items()}
    s = {r: d["spread"] for r, d in rows.items()}
    text = (f"从起点向下走 2000 次，实际没有向下走的比例：`is_slippery=False` 传给 `make` 时为 "
            f"{_pct(m['not-slippery']['slip_probability'])}，默认的打滑冰面为 {_pct(m['slippery']['slip_probability'])}，"
            f"书中“先 `make`、再赋值 `env.is_slippery = False`”的写法为 {_pct(m['book-attribute']['slip_probability'])}"
            f"（理论值 2/3 ≈ 66.7%）。训练 40,000 个回合后，贪心策略在 1000 个回合里到达目标的比例（3 个种子的"
            f"平均 ± 标准差）分别是 {_pct(m['not-slippery']['greedy_success'])} ± "
            f"{_pct(s['not-slippery']['greedy_success'])}、{_pct(m['slippery']['greedy_success'])} ± "
            f"{_pct(s['slippery']['greedy_success'])} 和 {_pct(m['book-attribute']['greedy_success'])} ± "
            f"{_pct(s['book-attribute']['greedy_success'])}。\n")
    return Snippet(text, [("ch09/frozenlake", r) for r in rows])


def cartpole_seeds(ctx: ReportContext) -> Snippet:
    """DQN、DDQN 每个种子：是否解决、解决时的回合、环境步数、回放次数、训练用时。"""
    uses: list[tuple[str, str]] = []
    lines = ["| 方法 | 种子 | 解决时的回合 | 环境步数 | 最后 100 个回合的平均总奖励 |", "|---|---|---|---|---|"]
    extra: dict[str, Any] = {}
    for row, label in (("dqn", "DQN"), ("ddqn", "DDQN")):
        data = ctx.result("ch09/cartpole", row)
        if data is None:
            lines.append(f"| {label} | — | — | — | — |")
            continue
        uses.append(("ch09/cartpole", row))
        extra = data["extra"]
        for seed, m in sorted(data["per_seed"].items()):
            solved = f"{m['episodes_to_solve']:.0f}" if m["solved"] else f"未解决（跑完 {m['episodes_to_solve']:.0f} 个）"
            lines.append(f"| {label} | {seed} | {solved} | {m['env_steps']:,.0f} | {m['final_mean_return']:.1f} |")
    if not uses:
        return Snippet(MISSING.format(target="ch09/cartpole"))
    note = (f"\n环境是 `CartPole-v0`：每个回合最多 {extra['max_episode_steps']} 步，Gymnasium 登记的解决标准是 "
            f"{extra['reward_threshold']:g} 分。“解决时的回合”与书中打印的 `Solved in episode` 一样从 0 数起："
            "这一回合结束时，最近 100 个回合的平均总奖励第一次达到 195。\n")
    return Snippet("\n".join(lines) + "\n" + note, uses)


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 9 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch09/gridworld-seeds.md": gridworld_seeds(ctx), "ch09/frozenlake-summary.md": frozenlake_summary(ctx),
            "ch09/cartpole-seeds.md": cartpole_seeds(ctx), "ch09/ddqn-summary.md": ddqn_summary(ctx)}


def ddqn_summary(ctx: ReportContext) -> Snippet:
    """DQN 与 DDQN 解决所需回合数的平均与标准差，以及差值与种子间标准差的比较。"""
    dqn, ddqn = ctx.result("ch09/cartpole", "dqn"), ctx.result("ch09/cartpole", "ddqn")
    if dqn is None or ddqn is None:
        return Snippet(MISSING.format(target="ch09/cartpole"))
    key = "episodes_to_solve"
    a, b = dqn["metrics"][key], ddqn["metrics"][key]
    sa, sb = dqn["spread"][key], ddqn["spread"][key]
    solved = (f"DQN 的 3 个种子中有 {dqn['metrics']['solved'] * 3:.0f} 个、DDQN 有 {ddqn['metrics']['solved'] * 3:.0f} 个"
              f"在 3000 个回合内解决了 CartPole-v0。")
    faster = "DDQN" if b < a else "DQN"
    text = (f"{solved}解决时的回合：DQN 平均 {a:.0f} ± {sa:.0f}，DDQN 平均 {b:.0f} ± {sb:.0f}；"
            f"平均而言 {faster} 少用 {abs(a - b):.0f} 个回合，"
            + ("这个差值小于两者种子间标准差中较大的那个。" if abs(a - b) < max(sa, sb)
               else "这个差值大于两者种子间的标准差。") + "\n")
    return Snippet(text, [("ch09/cartpole", "dqn"), ("ch09/cartpole", "ddqn")])
