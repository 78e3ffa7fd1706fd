"""Gymnasium 环境的入口：检查安装的版本，再创建环境。

书中的代码用的是 0.26 以前的 gym（``FrozenLake-v0``、``env.seed``、四元组的 ``step``、``Monitor``），
今天都不能运行。本项目固定 Gymnasium 1.x：``reset(seed=...)`` 返回 ``(obs, info)``，
``step`` 返回 ``(obs, reward, terminated, truncated, info)``。
"""

from __future__ import annotations

from typing import Any

GYMNASIUM_PIN = "1.4.0"
"""本项目固定的 Gymnasium 版本（pyproject.toml 的依赖里也写着它）。"""
SUPPORTED_MAJOR = 1
"""兼容的主版本号：1.x 的 API（五元组 ``step``、``reset(seed=)``）。"""


class GymnasiumVersionError(ImportError):
    """没有安装 Gymnasium，或安装的版本与本项目的 API 不兼容。"""


def check_gymnasium(version: str | None = None) -> str:
    """确认 Gymnasium 可用且是 1.x，返回它的版本号。

    Args:
        version: 要检查的版本号；省略时读取已安装的 ``gymnasium.__version__``。

    Raises:
        GymnasiumVersionError: 没有安装，或主版本不是 1；消息里给出安装命令。
    """
    fix = f"install the pinned version: pip install gymnasium=={GYMNASIUM_PIN}"
    if version is None:
        try:
            import gymnasium
        except ImportError as exc:
            raise GymnasiumVersionError(f"chapters 9 and 10 need gymnasium {SUPPORTED_MAJOR}.x, which is not "
                                        f"installed; {fix}") from exc
        version = gymnasium.__version__
    try:
        major = int(str(version).split(".")[0])
    except ValueError as exc:
        raise GymnasiumVersionError(f"cannot read the gymnasium version {version!r}; {fix}") from exc
    if major != SUPPORTED_MAJOR:
        raise GymnasiumVersionError(
            f"gymnasium {version} is installed, but chapters 9 and 10 use the gymnasium {SUPPORTED_MAJOR}.x API "
            f"(reset(seed=) -> (obs, info), step() -> 5 values); {fix}")
    return str(version)


def make_env(env_id: str, **kwargs: Any):
    """``gymnasium.make(env_id, **kwargs)``，先检查 Gymnasium 的版本。

    环境参数（例如 FrozenLake 的 ``is_slippery``）必须在这里传给 ``make``：环境建好之后再给属性赋值，
    转移概率不会改变（见 9.4 节）。

    Args:
        env_id: 注册的环境名，如 ``"FrozenLake-v1"``、``"CartPole-v0"``、``"MountainCarContinuous-v0"``。
        **kwargs: 交给 ``gymnasium.make`` 的参数（``is_slippery=False``、``render_mode="ansi"`` 等）。

    Raises:
        GymnasiumVersionError: Gymnasium 缺失或版本不兼容。
        ValueError: 环境名没有注册（消息里列出本书用到的环境名）。
    """
    check_gymnasium()
    import warnings

    import gymnasium as gym

    if env_id not in gym.registry:
        raise ValueError(f"unknown environment {env_id!r}; the book's environments are FrozenLake-v1 "
                         "(the book's FrozenLake-v0), CartPole-v0, CartPole-v1 and MountainCarContinuous-v0")
    with warnings.catch_warnings():
        # CartPole-v0 是书中的版本，Gymnasium 仍然注册它，只是提示有更新的 v1
        warnings.filterwarnings("ignore", message=".*is out of date.*")
        warnings.filterwarnings("ignore", message=".*deprecated.*", category=DeprecationWarning)
        return gym.make(env_id, **kwargs)
