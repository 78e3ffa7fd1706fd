"""表格型 Q 学习：网格世界收敛到值迭代的 Q*，TD(0) 更新的算术，终止与截断的区别。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch09 import QAgent, QWorld, evaluate_greedy, make_env, optimal_q, q_learning_world, train_frozenlake


def test_optimal_q_satisfies_the_bellman_optimality_equation():
    world = QWorld()
    q = optimal_q(world, gamma=0.9)
    live = [0, 1, 3, 4]
    for s in live:
        for a in range(4):
            s2 = world.transitions[s, a]
            bootstrap = 0.0 if s2 in (world.goal, world.hole) else q[s2].max()
            assert q[s, a] == pytest.approx(world.rewards[s, a] + 0.9 * bootstrap)
    assert q[0, 2] == pytest.approx(90) and q[1, 2] == pytest.approx(100) and q[4, 2] == pytest.approx(-100)


def test_grid_world_q_learning_reaches_q_star_for_seed_0():
    q, steps, episodes = q_learning_world(QWorld(), max_wins=2000, seed=0)
    assert len(steps) == 2000 and episodes < 2100
    assert np.allclose(q, optimal_q(QWorld()))


def test_td0_update_and_bootstrapping_only_on_termination():
    agent = QAgent(3, 2, episodes=10, gamma=0.9, learning_rate=0.5)
    agent.q_table[:] = [[0, 0], [2.0, 4.0], [0, 0]]
    agent.update(0, 1, reward=1.0, next_state=1, terminated=False)
    assert agent.q_table[0, 1] == pytest.approx(0.5 * (1.0 + 0.9 * 4.0))
    agent.update(2, 0, reward=1.0, next_state=1, terminated=True)
    assert agent.q_table[2, 0] == pytest.approx(0.5 * 1.0)


def test_epsilon_decays_geometrically_to_its_floor():
    """ε 每步乘以衰减因子，只要它还高于下限；到达下限（至多低一步）之后不再改变。"""
    agent = QAgent(16, 4, episodes=100)
    decay, floor = agent.epsilon_decay, agent.epsilon_min
    assert agent.epsilon == 0.9 and floor == 0.1 and decay == pytest.approx((0.1 / 0.9) ** (1 / 100))
    values = []
    for _ in range(110):
        before = agent.epsilon
        agent.update_epsilon()
        if before > floor:
            assert agent.epsilon == pytest.approx(before * decay, rel=1e-12)
        else:
            assert agent.epsilon == before, f"ε changed below its floor: {before} -> {agent.epsilon}"
        values.append(agent.epsilon)
    assert values[99] == pytest.approx(0.1)  # 100 步（episodes）之后正好到下限
    assert floor * decay * (1 - 1e-9) <= values[-1] <= floor, values[-1]
    assert len(set(values[101:])) == 1, "ε kept changing after it reached its floor"


def test_off_policy_q_learning_learns_the_firm_lake_from_random_moves():
    """ε 固定为 1（只随机走）：Q 学习是离策略的，贪心策略照样学会走到目标。"""
    env = make_env("FrozenLake-v1", is_slippery=False)
    agent = QAgent(16, 4, episodes=1500, epsilon=1.0, epsilon_min=1.0, learning_rate=0.5, seed=0)
    goals = train_frozenlake(env, agent, episodes=1500, seed=0)
    assert goals.dtype == np.uint8 and goals.shape == (1500,) and 0 < goals.mean() < 0.1
    assert evaluate_greedy(env, agent.q_table, episodes=5) == 1.0
    assert agent.q_table[14, 2] == pytest.approx(1.0, abs=0.05)  # 目标左边一格向右：奖励 1
