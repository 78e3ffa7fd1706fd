"""第 9 章页面经 ``--8<--`` 引入的片段：由结果文件生成，页面上不手写任何测得的数。

- ``ch09/gridworld-seeds.md``：网格世界每个种子的 Q 表与 Q* 的比较；
- ``ch09/frozenlake-summary.md``：打滑、不打滑与书中写法三行的对比（走偏概率、成功率）；
- ``ch09/frozenlake-optimal.md``：打滑冰面上每个种子学到的贪心策略与最优策略比较（100 步内的精确成功率）；
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
    return Snippet(text + "\n" + _frozenlake_book(m), [("ch09/frozenlake", r) for r in rows])


def _frozenlake_book(m: dict[str, dict[str, float]]) -> str:
    """书中表 9.5.1 与本站的对照：书中两行训练期间的百分比相同，正说明书中的“不打滑”其实打滑。"""
    from adlk.ch09.experiments import BOOK_RANDOM_SUCCESS, TABLES

    table = next(t for t in TABLES if t.name == "frozenlake")
    book = {r.row: r.book for r in table.runs}
    firm, slip, attr = book["not-slippery"], book["slippery"], book["book-attribute"]
    assert not firm, "the book has no truly non-slippery row"
    same = attr["train_success"] == slip["train_success"]
    near = all(abs(b["train_success"] - 100 * m["slippery"]["train_success"]) < 3 for b in (attr, slip))
    return (f"书中的表 9.5.1 报告（书中的数）：“不打滑”训练期间 {attr['train_success']:g}%、测试 "
            f"{attr['greedy_success']:g}%，打滑训练期间 {slip['train_success']:g}%、测试 {slip['greedy_success']:g}%，"
            f"纯随机动作 {BOOK_RANDOM_SUCCESS:g}%。书中两行训练期间的百分比"
            + ("相同" if same else "不同") + "，"
            + ("都接近" if near else "对照") + f"本站打滑冰面上的 {_pct(m['slippery']['train_success'])}，"
            f"而本站真正不打滑的冰面上训练期间是 {_pct(m['not-slippery']['train_success'])}；书中“不打滑”的测试结果"
            + ("也远不到" if attr["greedy_success"] < 90 else "对照") +
            f"本站不打滑时的 {_pct(m['not-slippery']['greedy_success'])}。"
            + ("这与上一小节的结论一致：书中的“不打滑”实验其实是在打滑的冰面上做的。" if same and near else "")
            + "书中的“测试”是载入训练好的 Q 表、不再探索也不再更新时到达目标的"
            "百分比（书中脚本的 `-d`），对应本站的“贪心策略成功率”。\n")


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
            "ch09/cartpole-seeds.md": cartpole_seeds(ctx), "ch09/ddqn-summary.md": ddqn_summary(ctx),
            "ch09/frozenlake-optimal.md": frozenlake_optimal(ctx)}


def frozenlake_optimal(ctx: ReportContext) -> Snippet:
    """打滑冰面：每个种子的贪心策略在 100 步内到达目标的精确概率、与 γ = 0.9 最优策略不同的状态，和两种最优值。"""
    import numpy as np

    from adlk.ch09.envs import make_env
    from adlk.ch09.experiments import EVAL_EPISODES
    from adlk.ch09.optimal import best_success_probability, greedy_policy, success_probability, value_iteration
    from adlk.ch09.qlearning import ACTIONS
    from adlk.site.figures import load_artifact

    data = ctx.result("ch09/frozenlake", "slippery")
    if data is None:
        return Snippet(MISSING.format(target="ch09/frozenlake"))
    env = make_env("FrozenLake-v1")
    limit = int(env.spec.max_episode_steps)
    q_star = value_iteration(env, gamma=0.9)
    best_policy = greedy_policy(q_star)
    optimum = success_probability(env, best_policy, max_steps=limit)
    ceiling = best_success_probability(env, max_steps=limit)
    lines = [f"| 种子 | 贪心策略 {limit} 步内到达目标的概率（精确） | 评估 {EVAL_EPISODES} 个回合的比例 | "
             "与最优策略（γ = 0.9）不同的状态 |", "|---|---|---|---|"]
    exact = []
    for seed, m in sorted(data["per_seed"].items()):
        q = load_artifact("ch09/frozenlake", "slippery", "q_table", seed=int(seed))["q_table"]
        policy = greedy_policy(q)
        exact.append(success_probability(env, policy, max_steps=limit))
        # 选的动作不在 Q* 的最大值之列的状态（并列最优的动作都算对，例如状态 6 的向左与向右）
        best = np.isclose(q_star, q_star.max(axis=1, keepdims=True), rtol=0, atol=1e-12)
        differ = [f"{s}（学到{ACTIONS[policy[s]]}，最优{'或'.join(ACTIONS[a] for a in np.nonzero(best[s])[0])}）"
                  for s in range(len(policy)) if not best[s, policy[s]]]
        lines.append(f"| {seed} | {_pct(exact[-1])} | {_pct(m['greedy_success'])} | {'、'.join(differ) or '无'} |")
    threshold = env.spec.reward_threshold
    text = ("\n".join(lines) + "\n\n"
            f"同一张冰面上，值迭代（γ = 0.9）得到的最优策略在 {limit} 步内到达目标的概率是 {_pct(optimum)}；"
            f"允许策略随剩余步数变化时，{limit} 步内最多也只有 {_pct(ceiling)}。本站 3 个种子学到的贪心策略是 "
            f"{'、'.join(_pct(x) for x in exact)}，比最优策略低 {100 * (optimum - max(exact)):.1f} 到 "
            f"{100 * (optimum - min(exact)):.1f} 个百分点。Gymnasium 为 `FrozenLake-v1` 登记的“解决”标准是平均奖励 "
            f"{threshold:g}，" + ("三个种子都" if max(exact) < threshold else "并非每个种子都") + "没有达到。"
            + _book_test_against_optimum(optimum, ceiling, exact) + "\n")
    return Snippet(text, [("ch09/frozenlake", "slippery")])


def _book_test_against_optimum(optimum: float, ceiling: float, exact: list[float]) -> str:
    """书中表 9.5.1 的两个“测试”百分比（两次都在打滑的冰面上）与精确的最优值、上限比较。"""
    from adlk.ch09.experiments import TABLES

    book = {r.row: r.book for r in next(t for t in TABLES if t.name == "frozenlake").runs}
    slip, attr = book["slippery"]["greedy_success"], book["book-attribute"]["greedy_success"]
    near = all(abs(v - 100 * optimum) < 5 for v in (slip, attr))
    text = (f"书中表 9.5.1 的两个测试结果（书中的数：打滑 {slip:g}%，书中的“不打滑” {attr:g}%，两次其实都在打滑的冰面上）"
            + (f"与最优策略的 {_pct(optimum)} 相近" if near else f"可与最优策略的 {_pct(optimum)} 对照")
            + ("，都比本站的种子好得多" if min(slip, attr) > 100 * max(exact) else ""))
    above = [v for v in (slip, attr) if v > 100 * ceiling]
    if above:
        text += (f"；其中 {'、'.join(f'{v:g}%' for v in above)} 比 100 步内任何策略的上限 {_pct(ceiling)} 还高，"
                 "书中的脚本在演示（测试）模式 `-d` 下也跑 40,000 个回合，跑满时采样误差只有零点几个百分点，解释不了超出上限的部分；"
                 "脚本边跑边打印当时的百分比，书中的数也许是中途读下的，这一点无法核实")
    return text + "。"


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
               else "这个差值大于两者种子间的标准差，但每个方法只有 3 个种子，不足以下结论。") + _cartpole_book(a, b) + "\n")
    return Snippet(text, [("ch09/cartpole", "dqn"), ("ch09/cartpole", "ddqn")])


def _cartpole_book(ours_dqn: float, ours_ddqn: float) -> str:
    """书中 10 次运行的平均（表声明里的 ``book``）与本站的平均：哪个方法更快，两边是否一致。"""
    from adlk.ch09.experiments import TABLES

    table = next(t for t in TABLES if t.name == "cartpole")
    book = {r.row: r.book["episodes_to_solve"] for r in table.runs}
    same = (book["ddqn"] < book["dqn"]) == (ours_ddqn < ours_dqn)
    faster = "DDQN" if book["ddqn"] < book["dqn"] else "DQN"
    return (f"书中报告的是 10 次运行的平均：DQN {book['dqn']:.0f} 个回合、DDQN {book['ddqn']:.0f} 个回合，也是 {faster} 更快；"
            if same else
            f"书中报告的是 10 次运行的平均：DQN {book['dqn']:.0f} 个回合、DDQN {book['ddqn']:.0f} 个回合，{faster} 更快，"
            "与本站的先后相反；") + "书中也提醒每次训练的结果可能不同。"
