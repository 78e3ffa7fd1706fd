"""环境入口：版本检查、环境名检查，以及 FrozenLake 的 is_slippery 必须传给 make（书中的赋值不起作用）。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch09 import GYMNASIUM_PIN, GymnasiumVersionError, check_gymnasium, make_env


def test_installed_gymnasium_is_the_pinned_major_version():
    assert check_gymnasium().split(".")[0] == GYMNASIUM_PIN.split(".")[0] == "1"


@pytest.mark.parametrize("version", ["0.26.3", "0.29.1", "2.0.0", "garbage"])
def test_incompatible_gymnasium_gets_a_clear_error(version):
    with pytest.raises(GymnasiumVersionError, match=f"pip install gymnasium=={GYMNASIUM_PIN}"):
        check_gymnasium(version)


def test_unknown_environment_lists_the_books_environments():
    with pytest.raises(ValueError, match="FrozenLake-v1"):
        make_env("FrozenLake-v0-typo")


def _down_from_start(env, trials=300, seed=0) -> np.ndarray:
    """从起点执行“向下”后到达的状态（每次先 reset）。"""
    env.reset(seed=seed)
    out = []
    for _ in range(trials):
        env.reset()
        out.append(env.step(1)[0])
    return np.array(out)


def test_is_slippery_passed_to_make_changes_the_dynamics():
    slippery = make_env("FrozenLake-v1", is_slippery=True)
    firm = make_env("FrozenLake-v1", is_slippery=False)
    assert firm.unwrapped.P[0][1] == [(1.0, 4, 0.0, False)]
    assert len(slippery.unwrapped.P[0][1]) == 3
    assert np.all(_down_from_start(firm) == 4)
    landed = _down_from_start(slippery)
    assert set(np.unique(landed)) == {0, 1, 4}
    assert 0.55 < np.mean(landed != 4) < 0.78  # 理论值 2/3


def test_the_books_attribute_assignment_leaves_the_lake_slippery():
    """书中的写法：make 之后 env.is_slippery = False。转移表与行为都和默认的打滑冰面一模一样。"""
    default = make_env("FrozenLake-v1")
    book = make_env("FrozenLake-v1")
    book.is_slippery = False
    assert book.unwrapped.P == default.unwrapped.P
    assert len(book.unwrapped.P[0][1]) == 3
    assert np.array_equal(_down_from_start(book, seed=3), _down_from_start(default, seed=3))
    assert np.mean(_down_from_start(book) != 4) > 0.5


def test_cartpole_terminates_at_12_degrees_and_2_4_units():
    """9.4 节：CartPole 在杆子偏离竖直超过 12°（书中写 15°）或小车离中心超过 2.4 时终止。

    Gymnasium 1.4 的 ``CartPoleEnv`` 把阈值存在 ``theta_threshold_radians`` 和 ``x_threshold`` 里；
    这里还真的走一步越过阈值，确认 ``terminated`` 随之为真。
    """
    import math

    env = make_env("CartPole-v0")
    cart = env.unwrapped
    assert math.degrees(cart.theta_threshold_radians) == pytest.approx(12.0)
    assert cart.x_threshold == pytest.approx(2.4)
    env.reset(seed=0)
    cart.state = np.array([0.0, 0.0, math.radians(12.5), 0.0])
    assert env.step(0)[2], "a pole beyond 12 degrees must terminate the episode"
    env.reset(seed=0)
    cart.state = np.array([0.0, 0.0, math.radians(11.0), 0.0])
    # 11° 的杆子一步之内不会越过 12°
    assert not env.step(1)[2]
