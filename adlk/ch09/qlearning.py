"""表格型 Q 学习：书中 6 个状态的网格世界（9.2 节）与 FrozenLake（9.3 节），只用 NumPy。"""

from __future__ import annotations

import numpy as np

ACTIONS = ("左", "下", "右", "上")
"""动作编号 0～3 的含义（网格世界与 FrozenLake 相同）。"""


class QWorld:
    """书中 6 个状态的确定性世界：2 行 3 列，从 0 出发，2 是目标（+100），5 是陷阱（-100）。

    状态编号::

        | 0 起点 | 1 | 2 目标 |
        | 3      | 4 | 5 陷阱 |

    动作 0 左、1 下、2 右、3 上；撞墙留在原地。奖励只在进入目标（从 1 向右，+100）和进入陷阱
    （从 4 向右，-100）时给出，其余为 0。
    """

    n_states, n_actions = 6, 4
    start, goal, hole = 0, 2, 5

    def __init__(self):
        # transitions[s, a]：在状态 s 执行动作 a 之后到达的状态
        self.transitions = np.array([[0, 3, 1, 0],
                                     [0, 4, 2, 1],
                                     [2, 2, 2, 2],
                                     [3, 3, 4, 0],
                                     [3, 4, 5, 1],
                                     [5, 5, 5, 5]])
        self.rewards = np.zeros((self.n_states, self.n_actions))
        self.rewards[1, 2] = 100.0
        self.rewards[4, 2] = -100.0
        self.state = self.start

    def reset(self):
        """回到起点，返回起点状态。"""
        self.state = self.start
        return self.state

    def step(self, action):
        """执行动作，返回 ``(next_state, reward, terminated)``；进入目标或陷阱时回合结束。"""
        next_state = int(self.transitions[self.state, action])
        reward = float(self.rewards[self.state, action])
        self.state = next_state
        return next_state, reward, next_state in (self.goal, self.hole)


def q_learning_world(world, max_wins=2000, gamma=0.9, epsilon=0.9, epsilon_decay=0.9, epsilon_min=0.1, seed=0):
    """在确定性世界里做 Q 学习（书中 ``q-learning-9.3.1.py --train`` 的设置）。

    世界是确定的，所以学习率取 1，直接写 Q(s, a) = r + γ max_a' Q(s', a')。ε 每回合乘以 0.9，
    最小 0.1。和书中一样，赢满 ``max_wins`` 次（最多 10 × max_wins 个回合）后停止。

    Returns:
        ``(q_table, steps_to_goal, episodes)``：Q 表、每个获胜回合走的步数、总回合数。
    """
    rng = np.random.default_rng(seed)
    q_table = np.zeros((world.n_states, world.n_actions))
    steps_to_goal = []
    episode = 0
    for episode in range(1, 10 * max_wins + 1):
        state, terminated, steps = world.reset(), False, 0
        while not terminated:
            # ε-贪心：以概率 ε 随机探索，否则取 Q 值最大的动作
            if rng.random() < epsilon:
                action = int(rng.integers(world.n_actions))
            else:
                action = int(np.argmax(q_table[state]))
            next_state, reward, terminated = world.step(action)
            # 贝尔曼方程；终止状态的 Q 值从不更新，始终为 0
            q_table[state, action] = reward + gamma * np.max(q_table[next_state])
            state, steps = next_state, steps + 1
        if state == world.goal:
            steps_to_goal.append(steps)
        epsilon = max(epsilon_min, epsilon * epsilon_decay)
        if len(steps_to_goal) >= max_wins:
            break
    return q_table, steps_to_goal, episode


def optimal_q(world, gamma=0.9, sweeps=100):
    """用值迭代求确定性世界的最优 Q 表 Q*（终止状态的各动作为 0），作为 Q 学习结果的对照。"""
    q = np.zeros((world.n_states, world.n_actions))
    terminal = np.zeros(world.n_states, dtype=bool)
    terminal[[world.goal, world.hole]] = True
    for _ in range(sweeps):
        v = np.where(terminal, 0.0, q.max(axis=1))
        q = world.rewards + gamma * v[world.transitions]
        q[terminal] = 0.0
    return q


class QAgent:
    """FrozenLake 上的 Q 学习智能体（书中 ``q-frozenlake-9.5.1.py`` 的 ``QAgent``）。

    更新规则是带学习率的 TD(0)：Q(s, a) ← Q(s, a) + α [r + γ max_a' Q(s', a') − Q(s, a)]；
    只有真正终止（掉进冰洞或到达目标）时不自举，因步数上限截断时照样用 Q(s')。
    与书中一样，ε 从 0.9 开始，每执行一步乘一次衰减因子 (0.1 / 0.9)^(1 / episodes)，最小 0.1。
    """

    def __init__(self, n_states, n_actions, episodes=40000, gamma=0.9, learning_rate=0.1, epsilon=0.9,
                 epsilon_min=0.1, seed=0):
        self.n_actions = n_actions
        self.q_table = np.zeros((n_states, n_actions))
        self.gamma = gamma
        self.learning_rate = learning_rate
        self.epsilon = epsilon
        self.epsilon_min = epsilon_min
        self.epsilon_decay = (epsilon_min / epsilon) ** (1.0 / episodes)
        self.rng = np.random.default_rng(seed)

    def act(self, state, explore=True):
        """ε-贪心；``explore=False`` 时总是取 Q 值最大的动作（评估用）。"""
        if explore and self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_actions))
        return int(np.argmax(self.q_table[state]))

    def update(self, state, action, reward, next_state, terminated):
        """一步 Q 学习更新。"""
        target = reward if terminated else reward + self.gamma * np.max(self.q_table[next_state])
        self.q_table[state, action] += self.learning_rate * (target - self.q_table[state, action])

    def update_epsilon(self):
        """探索率衰减一次（不低于 ``epsilon_min``）。"""
        if self.epsilon > self.epsilon_min:
            self.epsilon *= self.epsilon_decay


def train_frozenlake(env, agent, episodes=40000, seed=0):
    """训练 ``episodes`` 个回合，返回每个回合是否到达目标（0/1 的数组）。"""
    goals = np.zeros(episodes, dtype=np.uint8)
    env.reset(seed=seed)
    for episode in range(episodes):
        state, _ = env.reset()
        done = False
        while not done:
            action = agent.act(state)
            next_state, reward, terminated, truncated, _ = env.step(action)
            agent.update(state, action, reward, next_state, terminated)
            agent.update_epsilon()
            state, done = next_state, terminated or truncated
        goals[episode] = reward > 0
    return goals


def evaluate_greedy(env, q_table, episodes=1000, seed=10_000):
    """按 Q 表的贪心策略（不探索）跑 ``episodes`` 个回合，返回到达目标的比例。"""
    wins = 0
    env.reset(seed=seed)
    for _ in range(episodes):
        state, _ = env.reset()
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(int(np.argmax(q_table[state])))
            done = terminated or truncated
        wins += reward > 0
    return wins / episodes
