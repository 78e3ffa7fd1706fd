"""adlk.ch09.optimal：冰湖上的值迭代与步数上限内的精确成功率（9.3 节），与采样和手算的结果核对。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch09 import make_env
from adlk.ch09.optimal import (best_success_probability, greedy_policy, success_probability, transition_arrays,
                               value_iteration)


@pytest.fixture(scope="module")
def slippery():
    return make_env("FrozenLake-v1")


@pytest.fixture(scope="module")
def firm():
    return make_env("FrozenLake-v1", is_slippery=False)


def test_transition_arrays_read_gymnasiums_table(slippery):
    p, r, terminal, goal = transition_arrays(slippery)
    assert p.shape == (16, 4, 16) and np.allclose(p.sum(axis=2), 1.0)
    assert sorted(np.nonzero(terminal)[0]) == [5, 7, 11, 12, 15] and list(np.nonzero(goal)[0]) == [15]
    # 打滑：在起点向下，1/3 留在原地（向左撞墙），1/3 到 4，1/3 到 1
    assert np.allclose(p[0, 1, [0, 1, 4]], 1 / 3)
    assert r[14, 2] == pytest.approx(1 / 3)


def test_value_iteration_is_a_fixed_point_of_the_bellman_optimality_equation(slippery):
    p, r, terminal, _ = transition_arrays(slippery)
    q = value_iteration(slippery, gamma=0.9)
    v = np.where(terminal, 0.0, q.max(axis=1))
    assert np.allclose(q, r + 0.9 * p @ v, atol=1e-10)


def test_firm_lake_shortest_path_is_six_steps(firm):
    policy = greedy_policy(value_iteration(firm, gamma=0.9))
    assert success_probability(firm, policy, max_steps=100) == pytest.approx(1.0)
    assert success_probability(firm, policy, max_steps=6) == pytest.approx(1.0)
    assert success_probability(firm, policy, max_steps=5) == 0.0
    assert best_success_probability(firm, max_steps=5) == 0.0 and best_success_probability(firm, 6) == 1.0


def test_exact_success_agrees_with_playing_the_policy(slippery):
    """精确概率与实际跑 4000 个回合的比例相差不到 4 个标准误差。"""
    policy = greedy_policy(value_iteration(slippery, gamma=0.9))
    exact = success_probability(slippery, policy, max_steps=100)
    env = make_env("FrozenLake-v1")
    env.reset(seed=123)
    n, wins = 4000, 0
    for _ in range(n):
        state, _ = env.reset()
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(int(policy[state]))
            done = terminated or truncated
        wins += reward > 0
    assert abs(wins / n - exact) < 4 * np.sqrt(exact * (1 - exact) / n)


def test_slippery_optimum_is_well_below_one_and_the_step_limit_matters(slippery):
    """打滑冰面：最优策略在 100 步内约 73%～74% 到达目标；没有步数上限时（γ = 1）约 82%。"""
    q09 = value_iteration(slippery, gamma=0.9)
    at_100 = success_probability(slippery, greedy_policy(q09), max_steps=100)
    ceiling = best_success_probability(slippery, max_steps=100)
    assert 0.70 < at_100 <= ceiling < 0.76
    # γ = 1 时起点的最优价值就是最终到达目标的最大概率，与“很多步之内的最大概率”一致
    unlimited = value_iteration(slippery, gamma=1.0)[0].max()
    assert best_success_probability(slippery, max_steps=20_000) == pytest.approx(unlimited, abs=1e-6)
    assert 0.8 < unlimited < 0.85
    # 起点两个动作的 Q* 只差一点点（向左与向下）
    assert 0 < q09[0, 0] - q09[0, 1] < 0.005


def test_uniformly_random_actions(slippery, firm):
    """纯随机动作（每个动作 1/4）也能精确计算：百步内只有约 1.4% 到达目标，打滑与否都一样。

    打滑时每个动作以 1/3 的概率走向三个方向之一；四个动作各选 1/4，合起来仍是四个方向各 1/4。
    """
    uniform = np.full((16, 4), 0.25)
    random_slippery = success_probability(slippery, uniform, max_steps=100)
    assert 0.01 < random_slippery < 0.02
    assert success_probability(firm, uniform, max_steps=100) == pytest.approx(random_slippery, abs=1e-12)
    # 随机策略写成矩阵，与逐个动作的确定性策略一致
    policy = greedy_policy(value_iteration(slippery, gamma=0.9))
    assert success_probability(slippery, np.eye(4)[policy]) == pytest.approx(success_probability(slippery, policy))
