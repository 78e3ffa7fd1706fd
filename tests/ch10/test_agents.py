"""四种策略梯度方法：折扣回报、每种方法一次有限的更新、各自的权重，以及无效方法名的报错。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch10 import AGENTS, A2CAgent, build_autoencoder, discounted_returns, make_agent


def test_discounted_returns_with_and_without_bootstrap():
    r = np.array([1.0, 0.0, 2.0], dtype="float32")
    assert discounted_returns(r, 0.5) == pytest.approx([1.5, 1.0, 2.0])
    assert discounted_returns(r, 0.5, last_value=4.0) == pytest.approx([2.0, 2.0, 4.0])


@pytest.fixture(scope="module")
def encoder():
    import keras

    keras.utils.set_random_seed(0)
    return build_autoencoder()[0]


def _episode(terminated: bool, n: int = 40) -> dict:
    rng = np.random.default_rng(0)
    rewards = -0.1 * rng.uniform(0, 1, n).astype("float32")
    if terminated:
        rewards[-1] += 100.0
    states = np.stack([rng.uniform(-1.2, 0.6, n), rng.uniform(-0.07, 0.07, n)], axis=1).astype("float32")
    return {"states": states, "actions": rng.normal(0, 0.7, n).astype("float32"), "rewards": rewards,
            "next_states": np.roll(states, -1, axis=0), "terminated": terminated}


@pytest.mark.parametrize("method", list(AGENTS))
def test_one_update_per_method_is_finite_and_moves_the_policy(method, encoder):
    agent = make_agent(method, encoder, seed=0)
    heads = [w.copy() for pair in agent.heads for w in pair]
    value = [w.copy() for w in agent.value_model.get_layer("value").get_weights()]
    agent.train_episode(_episode(terminated=True))
    after = [w for pair in agent.heads for w in pair]
    assert all(np.all(np.isfinite(w)) for w in after)
    assert any(not np.allclose(a, b) for a, b in zip(heads, after))
    moved = any(not np.allclose(a, b) for a, b in zip(value, agent.value_model.get_layer("value").get_weights()))
    assert moved == (method != "reinforce")  # REINFORCE 没有评论家
    # NumPy 的策略与 Keras 模型一致（act 用的副本已刷新）
    states = _episode(False)["states"][:5]
    mean, stddev = agent.actor.predict_on_batch(states)
    np_mean, np_std = agent.distribution(states)
    assert np.allclose(mean[:, 0], np_mean, atol=1e-5) and np.allclose(stddev[:, 0], np_std, atol=1e-5)


def test_a2c_entropy_bonus_widens_the_policy_when_the_advantage_is_zero(encoder):
    agent = A2CAgent(encoder, seed=0)
    episode = _episode(terminated=True)
    episode["rewards"][:] = 0.0  # 评论家初始为 0，回报也为 0：优势全为 0，只剩熵奖励
    before = agent.distribution(episode["states"])[1].mean()
    agent.train_episode(episode)
    assert agent.distribution(episode["states"])[1].mean() > before


def test_unknown_method_lists_the_valid_ones(encoder):
    with pytest.raises(ValueError, match="reinforce-baseline"):
        make_agent("ppo", encoder)


def test_one_real_episode_clips_actions_and_reports_termination(encoder):
    from adlk.ch09 import make_env
    from adlk.ch10 import run_episode

    env = make_env("MountainCarContinuous-v0")
    agent = make_agent("reinforce", encoder, seed=0)
    data = run_episode(env, agent, seed=0)
    assert len(data["rewards"]) == 999 and not data["terminated"]
    # 奖励是 −0.1 a²，a 是裁剪到 [−1, 1] 之后的推力
    clipped = np.clip(data["actions"], -1, 1)
    assert np.allclose(data["rewards"], -0.1 * clipped**2, atol=1e-5)
    assert np.any(np.abs(data["actions"]) > 1)
