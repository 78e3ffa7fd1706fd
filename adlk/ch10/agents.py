"""四种策略梯度方法（10.3 节）：REINFORCE、带基线的 REINFORCE、演员–评论家与 A2C。

四个智能体共用 :class:`PolicyAgent`：冻结的状态编码器，高斯策略（演员），价值网络（评论家），
行动时在 NumPy 里用参数副本采样动作，每个回合结束后在 ``tf.GradientTape`` 里各更新一次
（TensorFlow 后端）。各方法只在 ``train_episode`` 里不同：用什么数去加权 ∇ log π(a|s)。
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from adlk.ch10.models import build_actor, build_value, gaussian_entropy, gaussian_log_prob


def discounted_returns(rewards, gamma, last_value=0.0):
    """每一步的折扣回报 G_t = r_t + γ r_{t+1} + …；``last_value`` 是最后一步之后的自举值。"""
    returns = np.zeros(len(rewards), dtype="float32")
    running = float(last_value)
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


class PolicyAgent:
    """策略梯度智能体的公共部分。子类给出 ``gamma``、``beta`` 和 ``train_episode``。

    书中的设置：策略用 RMSprop（学习率 1e-3），价值网络用 Adam（学习率 1e-3）；编码器预训练后冻结。
    """

    gamma = 0.99
    beta = 0.0

    def __init__(self, encoder, action_low=-1.0, action_high=1.0, seed=0):
        self.actor = build_actor(encoder)
        self.value_model = build_value(encoder)
        self.actor_optimizer = keras.optimizers.RMSprop(learning_rate=1e-3)
        self.value_optimizer = keras.optimizers.Adam(learning_rate=1e-3)
        # 优化器的状态变量先建好：tf.function 里不能第一次创建变量
        self.actor_optimizer.build(self.actor.trainable_variables)
        self.value_optimizer.build(self.value_model.trainable_variables)
        self.low, self.high = action_low, action_high
        self.rng = np.random.default_rng(seed)
        self.encoder_weights = encoder.get_weights()
        self.refresh()

    def refresh(self):
        """取一份均值层、标准差层参数的副本：一个回合之内策略不变，行动时只用副本。"""
        self.heads = [self.actor.get_layer(name).get_weights() for name in ("mean", "stddev")]

    def features(self, states):
        """冻结编码器的前向传播（NumPy）：2 → 256 → 128 → 32。"""
        w = self.encoder_weights
        x = np.maximum(states @ w[0] + w[1], 0.0)
        x = np.maximum(x @ w[2] + w[3], 0.0)
        return x @ w[4] + w[5]

    def distribution(self, states):
        """状态 → 策略的均值与标准差（NumPy，与 ``self.actor`` 的输出相同）。"""
        f = self.features(np.asarray(states, dtype="float32").reshape(-1, self.encoder_weights[0].shape[0]))
        (w_mean, b_mean), (w_std, b_std) = self.heads
        mean = f @ w_mean + b_mean
        stddev = np.logaddexp(0.0, f @ w_std + b_std) + 1e-10
        return mean[:, 0], stddev[:, 0]

    def act(self, state):
        """从 N(μ(s), σ(s)²) 采样一个动作（未裁剪；交给环境之前裁剪到动作范围）。"""
        mean, stddev = self.distribution(state)
        return float(mean[0] + stddev[0] * self.rng.standard_normal())

    def value(self, states):
        """评论家的估值 V(s)：一维数组，每个状态一个数。"""
        return np.asarray(self.value_model.predict_on_batch(np.asarray(states, dtype="float32")))[:, 0]

    @tf.function(reduce_retracing=True)
    def policy_step(self, states, actions, weights, beta):
        """一次策略更新：最小化 −Σ_t [w_t log π(a_t|s_t) + β H(π(·|s_t))]。"""
        with tf.GradientTape() as tape:
            mean, stddev = self.actor(states, training=True)
            logp = gaussian_log_prob(actions[:, None], mean, stddev)[:, 0]
            entropy = gaussian_entropy(stddev)[:, 0]
            loss = -ops.sum(weights * logp + beta * entropy)
        variables = self.actor.trainable_variables
        self.actor_optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    @tf.function(reduce_retracing=True)
    def value_step(self, states, weights):
        """一次价值更新：最小化 −Σ_t w_t V(s_t)（w_t 是常数），即把 V(s_t) 朝 w_t 的方向推。"""
        with tf.GradientTape() as tape:
            loss = -ops.sum(weights * self.value_model(states, training=True)[:, 0])
        variables = self.value_model.trainable_variables
        self.value_optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    def train_episode(self, episode):
        """用一个回合的数据更新演员（和评论家）；``episode`` 是 :func:`run_episode` 的结果。"""
        raise NotImplementedError

    def _update(self, episode, policy_weights, value_weights=None):
        states = tf.constant(episode["states"], dtype="float32")
        self.policy_step(states, tf.constant(episode["actions"], dtype="float32"),
                         tf.constant(policy_weights, dtype="float32"), tf.constant(self.beta, dtype="float32"))
        if value_weights is not None:
            self.value_step(states, tf.constant(value_weights, dtype="float32"))
        self.refresh()


class REINFORCEAgent(PolicyAgent):
    """REINFORCE：用折扣回报 G_t 加权，γ = 0.99；每一步再乘 γ^t（书中的写法）。"""

    def train_episode(self, episode):
        returns = discounted_returns(episode["rewards"], self.gamma)
        discount = self.gamma ** np.arange(len(returns))
        self._update(episode, discount * returns)


class REINFORCEBaselineAgent(PolicyAgent):
    """带基线的 REINFORCE：用 δ_t = G_t − V(s_t) 加权；价值网络也朝 G_t 学习。"""

    def train_episode(self, episode):
        returns = discounted_returns(episode["rewards"], self.gamma)
        discount = self.gamma ** np.arange(len(returns))
        delta = discount * (returns - self.value(episode["states"]))
        self._update(episode, delta, delta)


class ActorCriticAgent(PolicyAgent):
    """演员–评论家：用一步时序差分误差 δ_t = r_t + γ V(s_{t+1}) − V(s_t) 加权，γ = 0.99。

    只有真正终止（到达山顶）的那一步不加 γ V(s')；因 999 步上限截断的最后一步照样自举。
    """

    def train_episode(self, episode):
        rewards = episode["rewards"]
        next_values = self.value(episode["next_states"])
        if episode["terminated"]:
            next_values[-1] = 0.0
        discount = self.gamma ** np.arange(len(rewards))
        delta = discount * (rewards + self.gamma * next_values - self.value(episode["states"]))
        self._update(episode, delta, delta)


class A2CAgent(PolicyAgent):
    """A2C：回报 R_t 一直累计到回合末，截断时用 V(s_T) 自举；优势 R_t − V(s_t) 加权，
    外加 β = 0.9 的熵奖励；γ = 0.95，不乘 γ^t（书中的设置）。价值网络按均方误差学习 R_t。"""

    gamma = 0.95
    beta = 0.9

    def train_episode(self, episode):
        last = 0.0 if episode["terminated"] else self.value(episode["next_states"][-1:])[0]
        returns = discounted_returns(episode["rewards"], self.gamma, last)
        advantage = returns - self.value(episode["states"])
        # 均方误差 (R_t − V)² 对 V 的梯度正比于 −(R_t − V)：与 value_step 的写法一致
        self._update(episode, advantage, advantage)


AGENTS = {"reinforce": REINFORCEAgent, "reinforce-baseline": REINFORCEBaselineAgent,
          "actor-critic": ActorCriticAgent, "a2c": A2CAgent}
"""方法名 → 智能体类（书中脚本的四个选项：默认、``-b``、``-a``、``-c``）。"""


def make_agent(method, encoder, action_low=-1.0, action_high=1.0, seed=0):
    """按方法名创建智能体。

    Raises:
        ValueError: 方法名无效；消息里列出全部有效值。
    """
    if method not in AGENTS:
        raise ValueError(f"unknown policy gradient method {method!r}; valid methods: {', '.join(AGENTS)}")
    return AGENTS[method](encoder, action_low, action_high, seed=seed)


def run_episode(env, agent, seed=None):
    """用当前策略跑一个回合，返回各步的状态、动作（未裁剪的采样值）、奖励、下一状态和结束方式。"""
    state, _ = env.reset(seed=seed)
    states, actions, rewards, next_states = [], [], [], []
    done = terminated = False
    while not done:
        action = agent.act(state)
        clipped = np.clip(action, agent.low, agent.high)
        next_state, reward, terminated, truncated, _ = env.step(np.array([clipped], dtype="float32"))
        states.append(state)
        actions.append(action)
        rewards.append(reward)
        next_states.append(next_state)
        state, done = next_state, terminated or truncated
    return {"states": np.array(states, dtype="float32"), "actions": np.array(actions, dtype="float32"),
            "rewards": np.array(rewards, dtype="float32"), "next_states": np.array(next_states, dtype="float32"),
            "terminated": bool(terminated)}
