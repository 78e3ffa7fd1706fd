"""DQN 与 DDQN（9.4、9.5 节；书中 9.6 节）：书中 3 × 256 的 MLP Q 网络，经验回放，目标网络。

与书中代码的区别只在调用方式：回放一次算完一批 64 个样本的目标（``predict_on_batch``），再
``train_on_batch``；行动时 Q 网络的参数不变，所以每次训练后把参数取出来一份，用 NumPy 算单个状态的 Q 值。
Keras 3 里每次 ``predict``/``fit`` 都有约 30 ms 的额外开销（见 9.4 节的计时）。
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers


def build_q_model(n_inputs, n_outputs):
    """书中的 Q 网络：状态 → 3 个 256 单元的 ReLU 全连接层 → 每个动作一个 Q 值（线性输出）。"""
    inputs = keras.Input(shape=(n_inputs,), name="state")
    x = layers.Dense(256, activation="relu")(inputs)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dense(256, activation="relu")(x)
    outputs = layers.Dense(n_outputs, activation="linear", name="action")(x)
    return keras.Model(inputs, outputs, name="q_model")


def q_values_numpy(weights, states):
    """用 NumPy 算 :func:`build_q_model` 那样的网络（ReLU 隐藏层、线性输出）的前向传播。

    ``weights`` 是 ``model.get_weights()`` 的结果：依次为每一层的 kernel 和 bias。
    """
    x = states
    for kernel, bias in zip(weights[:-2:2], weights[1:-2:2]):
        x = np.maximum(x @ kernel + bias, 0.0)
    return x @ weights[-2] + weights[-1]


class ReplayMemory:
    """经验池：与书中一样不设上限，但存成 NumPy 数组，一次取出一整批。"""

    def __init__(self, state_dim, capacity=1024):
        self.states = np.zeros((capacity, state_dim), dtype="float32")
        self.actions = np.zeros(capacity, dtype="int64")
        self.rewards = np.zeros(capacity, dtype="float32")
        self.next_states = np.zeros((capacity, state_dim), dtype="float32")
        self.terminated = np.zeros(capacity, dtype="float32")
        self.size = 0

    def __len__(self):
        return self.size

    def arrays(self):
        """已存的五个数组（状态、动作、奖励、下一状态、是否终止）。"""
        n = self.size
        return [self.states[:n], self.actions[:n], self.rewards[:n], self.next_states[:n], self.terminated[:n]]

    def add(self, state, action, reward, next_state, terminated):
        """存一条经验；数组满了就把容量翻倍。"""
        if self.size == len(self.actions):
            for name in ("states", "actions", "rewards", "next_states", "terminated"):
                old = getattr(self, name)
                new = np.zeros((2 * len(old),) + old.shape[1:], dtype=old.dtype)
                new[: len(old)] = old
                setattr(self, name, new)
        i = self.size
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.terminated[i] = next_state, terminated
        self.size += 1

    def sample(self, batch_size, rng):
        """不放回地随机取 ``batch_size`` 条经验（书中的 ``random.sample``）。"""
        idx = rng.choice(self.size, size=batch_size, replace=False)
        return [a[idx] for a in self.arrays()]


class DQNAgent:
    """DQN 智能体；``double=True`` 时是 DDQN（当前网络选下一动作，目标网络给它估值）。

    书中的设置：γ = 0.9；ε 从 1.0 开始，每次回放乘以 0.1^(1/episodes)，最小 0.1；每回合结束回放一批
    64 条经验；Q 网络每训练 10 次，目标网络同步一次。
    """

    def __init__(self, n_inputs, n_actions, episodes=500, gamma=0.9, batch_size=64, double=False, seed=0):
        self.n_actions = n_actions
        self.gamma = gamma
        self.batch_size = batch_size
        self.double = double
        self.epsilon = 1.0
        self.epsilon_min = 0.1
        self.epsilon_decay = (self.epsilon_min / self.epsilon) ** (1.0 / episodes)
        self.rng = np.random.default_rng(seed)
        self.memory = ReplayMemory(n_inputs)
        self.q_model = build_q_model(n_inputs, n_actions)
        self.q_model.compile(loss="mse", optimizer=keras.optimizers.Adam())
        self.target_q_model = build_q_model(n_inputs, n_actions)
        self.update_target()
        self.replay_counter = 0
        # 行动用的参数副本：Q 网络只在回放时改变，每次训练后刷新
        self.weights = self.q_model.get_weights()

    def update_target(self):
        """把 Q 网络的参数复制给目标网络。"""
        self.target_q_model.set_weights(self.q_model.get_weights())

    def act(self, state):
        """ε-贪心：以概率 ε 随机选动作，否则选 Q 值最大的动作。"""
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_actions))
        # 单个状态：用参数副本在 NumPy 里算 Q 值，比任何一次 Keras 调用都快（见 9.5 节的计时）
        q_values = q_values_numpy(self.weights, state[np.newaxis])
        return int(np.argmax(q_values[0]))

    def remember(self, state, action, reward, next_state, terminated):
        """把一步经验存进经验池。"""
        self.memory.add(state, action, reward, next_state, terminated)

    def targets(self, rewards, next_states, terminated):
        """一批经验的目标值 r + γ Q_max(s')；终止（terminated）的经验只取 r。"""
        next_target = self.target_q_model.predict_on_batch(next_states)
        if self.double:
            # DDQN：当前网络选动作，目标网络给这个动作估值
            best = np.argmax(self.q_model.predict_on_batch(next_states), axis=1)
            next_q = next_target[np.arange(len(best)), best]
        else:
            # DQN：选动作、估值都用目标网络
            next_q = next_target.max(axis=1)
        # 因时间上限截断（truncated）的回合不算终止：s' 的价值照样计入
        return rewards + self.gamma * next_q * (1.0 - terminated)

    def replay(self):
        """经验回放：随机取一批经验，只把所执行动作的 Q 值拉向目标，训练一步；返回损失。"""
        states, actions, rewards, next_states, terminated = self.memory.sample(self.batch_size, self.rng)
        q_values = np.array(self.q_model.predict_on_batch(states))
        q_values[np.arange(len(actions)), actions] = self.targets(rewards, next_states, terminated)
        loss = self.q_model.train_on_batch(states, q_values)
        self.weights = self.q_model.get_weights()
        if self.epsilon > self.epsilon_min:
            self.epsilon *= self.epsilon_decay
        # 每训练 10 次同步一次目标网络（与书中相同，第 0 次也同步）
        if self.replay_counter % 10 == 0:
            self.update_target()
        self.replay_counter += 1
        return float(loss)


def run_episode(env, agent, seed=None):
    """用智能体的 ε-贪心策略跑一个回合，把每一步存进经验池，返回这一回合的总奖励。"""
    state, _ = env.reset(seed=seed)
    total, done = 0.0, False
    while not done:
        action = agent.act(state)
        next_state, reward, terminated, truncated, _ = env.step(action)
        agent.remember(state, action, reward, next_state, terminated)
        state, total = next_state, total + reward
        done = terminated or truncated
    return total
