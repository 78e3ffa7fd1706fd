"""第 10 章页面经 ``--8<--`` 引入的片段：由结果文件生成，页面上不手写任何测得的数。

- ``ch10/autoencoder-summary.md``：状态自编码器的重建误差（位置、速度分开）；
- ``ch10/pg-seeds.md``：四种方法每个种子到达山顶的次数、第一次到达的回合、最后的标准差；
- ``ch10/pg-summary.md``：一句话总结哪些方法在预算内到达过山顶、有没有解决；
- ``ch10/pg-discussion.md``：各方法策略标准差的起点与终点，没到山顶的回合总奖励的范围。
"""

from __future__ import annotations

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"
NAMES = {"reinforce": "REINFORCE", "reinforce-baseline": "带基线的 REINFORCE", "actor-critic": "演员–评论家",
         "a2c": "A2C"}


def autoencoder_summary(ctx: ReportContext) -> Snippet:
    data = ctx.result("ch10/autoencoder", "state")
    if data is None:
        return Snippet(MISSING.format(target="ch10/autoencoder"))
    m = data["metrics"]
    text = (f"本站记录的自编码器训练了 {data['counts']['epochs']} 轮，在 {data['counts']['test_samples']:,} 个验证状态上的"
            f"均方误差是 {m['val_mse']:.2e}；分开来看，位置的重建误差（均方根）是 {m['position_rmse']:.2e}，"
            f"速度是 {m['velocity_rmse']:.2e}。位置的取值范围是 [-1.2, 0.6]，速度只有 [-0.07, 0.07]，"
            f"速度的误差相对于它的范围（{m['velocity_rmse'] / 0.14:.2%}）比位置的（{m['position_rmse'] / 1.8:.2%}）大得多。"
            f"编码器有 {m['parameters']:,.0f} 个参数。\n")
    return Snippet(text, [("ch10/autoencoder", "state")])


def pg_seeds(ctx: ReportContext) -> Snippet:
    lines = ["| 方法 | 种子 | 到达山顶的回合数 | 第一次到达 | 最好的一回合总奖励 | 最后 20 个回合的平均总奖励 | 最后的 σ | 环境步数 |",
             "|---|---|---|---|---|---|---|---|"]
    uses = []
    for row, name in NAMES.items():
        data = ctx.result("ch10/pg", row)
        if data is None:
            lines.append(f"| {name} | — | — | — | — | — | — | — |")
            continue
        uses.append(("ch10/pg", row))
        from adlk.runs.runner import histories

        for seed, m in sorted(data["per_seed"].items()):
            h = histories(data)[seed]
            first = f"第 {m['first_goal']:.0f} 个回合" if m["goals"] else "—"
            lines.append(f"| {name} | {seed} | {m['goals']:.0f} | {first} | {m['best_return']:.1f} | "
                         f"{m['last_return']:.1f} | {m['final_stddev']:.3f} | {sum(h['steps']):,} |")
    if not uses:
        return Snippet(MISSING.format(target="ch10/pg"))
    note = "\n“第一次到达”从 0 数起；σ 是谷底状态 (-0.5, 0) 处策略的标准差，初始值为 softplus(0) ≈ 0.693。\n"
    return Snippet("\n".join(lines) + "\n" + note, uses)


def pg_summary(ctx: ReportContext) -> Snippet:
    found = {row: ctx.result("ch10/pg", row) for row in NAMES}
    if any(v is None for v in found.values()):
        return Snippet(MISSING.format(target="ch10/pg"))
    episodes = next(iter(found.values()))["counts"]["episodes"]
    reached = [NAMES[r] for r, d in found.items() if d["metrics"]["goals"] > 0]
    best_last = max(d["metrics"]["last_return"] for d in found.values())
    if reached:
        head = f"在每个方法 {episodes} 个回合、3 个种子的预算内，到达过山顶的方法有：{'、'.join(reached)}。"
    else:
        head = f"在每个方法 {episodes} 个回合、3 个种子的预算内，四种方法的 12 次运行没有一次到达山顶。"
    from adlk.runs.runner import histories

    window = 100
    best_window = max(max(sum(h["return"][i:i + window]) / window for i in range(len(h["return"]) - window + 1))
                      for d in found.values() for h in histories(d).values())
    solved = (f"有方法在连续 {window} 个回合里的平均总奖励达到了 90 分的解决标准。" if best_window >= 90 else
              f"没有一个方法解决了这个环境：解决标准是连续 {window} 个回合的平均总奖励达到 90，12 次运行里任意连续 "
              f"{window} 个回合的平均最高只有 {best_window:.1f}；表中“最后 20 个回合的平均总奖励”最高是 {best_last:.1f}。")
    return Snippet(head + solved + "\n", [("ch10/pg", r) for r in NAMES])


def pg_discussion(ctx: ReportContext) -> Snippet:
    """每种方法谷底处 σ 的起点与终点（3 个种子的平均），以及没到山顶的回合总奖励的范围。"""
    from adlk.runs.runner import histories

    found = {row: ctx.result("ch10/pg", row) for row in NAMES}
    if any(v is None for v in found.values()):
        return Snippet(MISSING.format(target="ch10/pg"))
    parts, lows, highs = [], [], []
    for row, data in found.items():
        hs = list(histories(data).values())
        first = sum(h["stddev"][0] for h in hs) / len(hs)
        last = sum(h["stddev"][-1] for h in hs) / len(hs)
        parts.append(f"{NAMES[row]} 从 {first:.3f} 变到 {last:.3f}")
        misses = [r for h in hs for r, g in zip(h["return"], h["goal"]) if not g]
        if misses:
            lows.append(min(misses))
            highs.append(max(misses))
    text = ("谷底状态 (-0.5, 0) 处策略的标准差（第一个回合更新之后 → 最后一个回合更新之后，3 个种子的平均）："
            + "；".join(parts) + "。")
    text += _stddev_over_plane(found)
    if lows:
        text += f"没到山顶的回合，总奖励在 {min(lows):.1f} 到 {max(highs):.1f} 之间。"
    return Snippet(text + "\n", [("ch10/pg", r) for r in NAMES])


def _stddev_over_plane(found) -> str:
    """训练结束时，整个状态平面（位置 × 速度的网格）上策略标准差的最小值与最大值，每种方法取 3 个种子合起来。"""
    import numpy as np

    from adlk.ch10.experiments import POLICY_GRID
    from adlk.site.figures import load_artifact

    parts, both_ways = [], True
    start = float(np.log(2.0))  # 标准差层的参数初始化为 0：处处是 softplus(0)
    for row, data in found.items():
        grids = [load_artifact("ch10/pg", row, "policy", seed=int(seed))["stddev"].astype(np.float32)
                 for seed in data["per_seed"]]
        low, high = min(g.min() for g in grids), max(g.max() for g in grids)
        both_ways &= bool(low < start < high)
        parts.append(f"{NAMES[row]} {low:.2f}～{high:.2f}")
    return (f"谷底只是一个状态：训练结束时，在位置 × 速度的 {POLICY_GRID} × {POLICY_GRID} 个状态上，σ 的范围是："
            + "，".join(parts) + f"（初始时处处是 {start:.3f}）"
            + ("，所以每种方法都在状态平面的一些地方放宽了策略，在另一些地方收窄了。" if both_ways else "。"))


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 10 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch10/autoencoder-summary.md": autoencoder_summary(ctx), "ch10/pg-seeds.md": pg_seeds(ctx),
            "ch10/pg-summary.md": pg_summary(ctx), "ch10/pg-discussion.md": pg_discussion(ctx)}
