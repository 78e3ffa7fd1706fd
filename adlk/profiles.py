"""运行档位（run profile）：同一份章节代码，在完整数据上运行，或在 CI 的小样本上冒烟测试。

环境变量 ``ADLK_PROFILE`` 选择档位：

- ``full``（默认）：读者得到的完整运行，数据为全部 MNIST；
- ``smoke``：同样的代码，数据换成固定的分层小子集，每个代码块几秒内跑完。

档位只在 ``adlk`` 内部生效（例如数据加载器返回子集），章节代码保留书中的真实取值
（``epochs=20``、``batch_size=128``），复制出去就能原样运行。书中要跑几万步、几千回合的循环，
页面写 ``budget(40000, "steps")``：完整档位返回书中的数，smoke 档位返回一个小上限（见 :func:`budget`）。
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

ENV_VAR = "ADLK_PROFILE"


@dataclass(frozen=True)
class Profile:
    """一个运行档位的全部旋钮。

    Attributes:
        name: 档位名称。
        train_per_class: 训练集每个类别保留的样本数；``None`` 表示全部。
        test_per_class: 测试集每个类别保留的样本数；``None`` 表示全部。
        max_epochs: 训练轮数上限（运行器与 :func:`budget` 共用）；``None`` 表示不设上限。
            章节代码块里直接写的 ``epochs=20`` 不受影响，只有写成 ``budget(20)`` 的才受影响。
        max_steps: 训练步数上限（GAN 等按步训练的循环）；``None`` 表示不设上限。
        max_episodes: 回合数上限（强化学习）；``None`` 表示不设上限。
    """

    name: str
    train_per_class: int | None
    test_per_class: int | None
    max_epochs: int | None
    max_steps: int | None = None
    max_episodes: int | None = None

    def cap(self, n: int, kind: str = "epochs") -> int:
        """``n`` 在本档位下的上限：完整档位原样返回，smoke 档位取 ``min(n, max_<kind>)``。

        Raises:
            ValueError: ``kind`` 不是 ``"epochs"``、``"steps"`` 或 ``"episodes"``。
        """
        if kind not in KINDS:
            raise ValueError(f"unknown budget kind {kind!r}; valid kinds: {', '.join(KINDS)}")
        limit = getattr(self, f"max_{kind}")
        return int(n) if limit is None else min(int(n), limit)

    @property
    def is_full(self) -> bool:
        """是否为完整档位。"""
        return self.name == "full"


KINDS = ("epochs", "steps", "episodes")
""":func:`budget` 能限制的循环长度。"""

PROFILES: dict[str, Profile] = {
    "full": Profile("full", train_per_class=None, test_per_class=None, max_epochs=None),
    "smoke": Profile("smoke", train_per_class=100, test_per_class=50, max_epochs=2, max_steps=20,
                     max_episodes=5),
}
DEFAULT = "full"

_announced: set[str] = set()


class ProfileError(ValueError):
    """档位名称无效。"""


def get_profile(name: str | None = None) -> Profile:
    """返回档位 ``name``；省略时读取环境变量 ``ADLK_PROFILE``（未设置即 ``full``）。

    Args:
        name: 档位名称，大小写与首尾空格不敏感。

    Returns:
        对应的 :class:`Profile`。

    Raises:
        ProfileError: 名称不是已知档位；消息里列出全部有效值。
    """
    source = "argument"
    if name is None:
        name = os.environ.get(ENV_VAR, "")
        source = f"environment variable {ENV_VAR}"
        if not name.strip():
            name = DEFAULT
    key = name.strip().lower()
    if key not in PROFILES:
        valid = ", ".join(sorted(PROFILES))
        raise ProfileError(
            f"unknown adlk profile {name!r} (from {source}); valid profiles: {valid}. "
            f"Example: {ENV_VAR}=smoke python your_script.py"
        )
    profile = PROFILES[key]
    if not profile.is_full and key not in _announced:
        _announced.add(key)
        print(
            f"[adlk] profile '{key}': small stratified data subset for quick tests "
            f"(unset {ENV_VAR} for the full run)",
            file=sys.stderr,
        )
    return profile


def budget(n: int, kind: str = "epochs", profile: str | Profile | None = None) -> int:
    """书中循环的长度：完整档位（默认）返回 ``n``，smoke 档位返回一个小上限。

    页面上写 ``model.fit(x, y, epochs=budget(30))`` 或 ``for step in range(budget(40000, "steps")):``，
    书中的数字留在页面上，复制出去的代码按书中的长度运行；CI 的 smoke 档位只跑几步。

    Args:
        n: 书中的轮数、步数或回合数。
        kind: ``"epochs"``、``"steps"`` 或 ``"episodes"``。
        profile: 档位；省略时读取 ``ADLK_PROFILE``。

    Returns:
        本档位下实际运行的长度。

    Raises:
        ValueError: ``kind`` 无效，或档位名无效（:class:`ProfileError`）。

    Example:
        >>> budget(40000, "steps", profile="full")
        40000
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    return prof.cap(n, kind)
