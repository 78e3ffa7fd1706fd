"""DQN：书中的网络、NumPy 前向传播、经验池、目标值（只在终止时不自举，DDQN 不超过 DQN）、一次回放。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch09 import DQNAgent, ReplayMemory, build_q_model, q_values_numpy


@pytest.fixture(scope="module")
def agents():
    import keras

    keras.utils.set_random_seed(0)
    dqn = DQNAgent(4, 2, seed=0)
    ddqn = DQNAgent(4, 2, double=True, seed=0)
    rng = np.random.default_rng(0)
    for _ in range(100):
        s, s2 = rng.normal(size=4), rng.normal(size=4)
        for agent in (dqn, ddqn):
            agent.remember(s, int(rng.integers(2)) if agent is dqn else dqn.memory.actions[dqn.memory.size - 1],
                           1.0, s2, False)
    return dqn, ddqn


def test_q_model_is_three_256_relu_layers_and_a_linear_head():
    model = build_q_model(4, 2)
    dense = [layer for layer in model.layers if hasattr(layer, "units")]
    assert [layer.units for layer in dense] == [256, 256, 256, 2]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "relu", "linear"]
    assert model.count_params() == 4 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 2 + 2


def test_numpy_forward_pass_matches_keras(agents):
    dqn, _ = agents
    x = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    assert np.allclose(q_values_numpy(dqn.q_model.get_weights(), x), dqn.q_model.predict_on_batch(x), atol=1e-5)


def test_replay_memory_grows_and_samples_without_replacement():
    memory = ReplayMemory(2, capacity=4)
    for i in range(10):
        memory.add([i, i], i % 2, float(i), [i + 1, i + 1], i == 9)
    assert len(memory) == 10 and len(memory.actions) >= 10
    states, actions, rewards, next_states, terminated = memory.sample(10, np.random.default_rng(0))
    assert sorted(rewards.tolist()) == list(map(float, range(10)))
    assert np.all(next_states[:, 0] == states[:, 0] + 1) and terminated.sum() == 1


def test_targets_bootstrap_only_when_not_terminated(agents):
    dqn, _ = agents
    next_states = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    rewards = np.array([1.0, 1.0, 1.0], dtype="float32")
    y = dqn.targets(rewards, next_states, np.array([0.0, 1.0, 0.0], dtype="float32"))
    expected = rewards + 0.9 * dqn.target_q_model.predict_on_batch(next_states).max(axis=1)
    assert y[1] == pytest.approx(1.0)
    assert y[[0, 2]] == pytest.approx(expected[[0, 2]], rel=1e-5)


def test_ddqn_targets_never_exceed_dqn_targets_with_the_same_networks(agents):
    dqn, ddqn = agents
    ddqn.q_model.set_weights([w + 0.05 for w in dqn.q_model.get_weights()])  # 两个网络意见不一
    ddqn.target_q_model.set_weights(dqn.target_q_model.get_weights())
    next_states = np.random.default_rng(3).normal(size=(64, 4)).astype("float32")
    r, t = np.ones(64, "float32"), np.zeros(64, "float32")
    assert np.all(ddqn.targets(r, next_states, t) <= dqn.targets(r, next_states, t) + 1e-6)


def test_one_replay_is_finite_trains_the_q_network_and_syncs_the_target(agents):
    dqn, _ = agents
    before = [w.copy() for w in dqn.q_model.get_weights()]
    eps = dqn.epsilon
    loss = dqn.replay()
    assert np.isfinite(loss)
    assert any(not np.allclose(a, b) for a, b in zip(before, dqn.q_model.get_weights()))
    assert dqn.epsilon == pytest.approx(eps * dqn.epsilon_decay)
    # 第 0 次回放之后同步：目标网络等于 Q 网络，NumPy 副本也已刷新
    assert all(np.allclose(a, b) for a, b in zip(dqn.target_q_model.get_weights(), dqn.q_model.get_weights()))
    assert all(np.allclose(a, b) for a, b in zip(dqn.weights, dqn.q_model.get_weights()))
    dqn.replay()
    assert any(not np.allclose(a, b) for a, b in zip(dqn.target_q_model.get_weights(), dqn.q_model.get_weights()))
