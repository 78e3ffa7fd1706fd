"""已知转移概率时的精确计算：FrozenLake 的最优策略，以及一个策略在步数上限内到达目标的概率（9.3 节）。

冰湖环境把完整的转移表放在 ``env.unwrapped.P`` 里（``P[s][a]`` 是若干个“概率、下一状态、奖励、是否终止”），
所以不必采样：值迭代直接求出最优 Q 表 $Q^*$，再把状态分布一步一步往前推，就得到任何一个确定性策略在
``max_steps`` 步之内到达目标的准确概率。全部只用 NumPy，冰湖上不到一秒。
"""

from __future__ import annotations

import numpy as np


def transition_arrays(env):
    """把 ``env.unwrapped.P`` 变成稠密数组。

    Returns:
        ``(p, r, terminal, goal)``：``p[s, a, s']`` 是转移概率，``r[s, a]`` 是一步的期望奖励，
        ``terminal[s']`` 表示进入 ``s'`` 后回合终止（冰洞或目标），``goal[s']`` 表示进入 ``s'`` 时得到正的奖励
        并且终止（目标）。
    """
    table = env.unwrapped.P
    n_states, n_actions = len(table), len(table[0])
    p = np.zeros((n_states, n_actions, n_states))
    r = np.zeros((n_states, n_actions))
    terminal = np.zeros(n_states, dtype=bool)
    goal = np.zeros(n_states, dtype=bool)
    for s in range(n_states):
        for a in range(n_actions):
            for prob, s_next, reward, done in table[s][a]:
                p[s, a, s_next] += prob
                r[s, a] += prob * reward
                terminal[s_next] |= bool(done)
                goal[s_next] |= bool(done) and reward > 0
    return p, r, terminal, goal


def value_iteration(env, gamma=0.9, tol=1e-12, max_sweeps=100_000):
    """值迭代求最优 Q 表：$Q(s,a) = \\sum_{s'} p(s'|s,a)\\,[r + \\gamma \\max_{a'} Q(s',a')]$，终止状态的价值为 0。

    ``gamma`` 可以取 1（冰湖上每个回合迟早结束，最优价值就是到达目标的最大概率），只是收敛要多扫几遍。
    """
    p, r, terminal, _ = transition_arrays(env)
    q = np.zeros_like(r)
    for _ in range(max_sweeps):
        v = np.where(terminal, 0.0, q.max(axis=1))
        new = r + gamma * p @ v
        if np.max(np.abs(new - q)) < tol:
            return new
        q = new
    return q


def greedy_policy(q_table):
    """每个状态取 Q 值最大的动作（并列时取编号最小的，与 ``np.argmax`` 相同）。"""
    return np.argmax(np.asarray(q_table), axis=1)


def success_probability(env, policy, max_steps=100, start=0):
    """策略 ``policy`` 从 ``start`` 出发，在 ``max_steps`` 步之内到达目标的准确概率。

    ``policy`` 是每个状态一个动作（确定性策略），或者每个状态一行动作概率（随机策略，例如全是 1/4 的
    纯随机动作）。把“还在冰面上”的状态分布按转移表往前推 ``max_steps`` 步，累计流进目标的概率。
    """
    p, _, terminal, goal = transition_arrays(env)
    policy = np.asarray(policy)
    if policy.ndim == 1:
        step = p[np.arange(len(policy)), policy]  # 按策略走一步的转移矩阵
    else:
        step = np.einsum("sa,sat->st", policy, p)
    dist = np.zeros(len(policy))
    dist[start] = 1.0
    reached = 0.0
    for _ in range(max_steps):
        dist = dist @ step
        reached += dist[goal].sum()
        dist[terminal] = 0.0
    return float(reached)


def best_success_probability(env, max_steps=100, start=0):
    """在 ``max_steps`` 步之内到达目标的最大概率：允许策略随剩余步数变化，是任何策略都超不过的上限。"""
    p, _, terminal, goal = transition_arrays(env)
    v = np.where(goal, 1.0, 0.0)  # 剩 0 步时：已在目标为 1，其余为 0
    for _ in range(max_steps):
        v = np.where(terminal, goal.astype(float), (p @ v).max(axis=1))
    return float(v[start])
