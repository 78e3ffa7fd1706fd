"""运行档位（run profile）：同一份章节代码，在完整数据上运行，或在 CI 的小样本上冒烟测试。

环境变量 ``ADLK_PROFILE`` 选择档位：

- ``full``（默认）：读者得到的完整运行，数据为全部 MNIST；
- ``smoke``：同样的代码，数据换成固定的分层小子集，每个代码块几秒内跑完。

档位只在 ``adlk`` 内部生效（例如数据加载器返回子集），章节代码保留书中的真实取值
（``epochs=20``、``batch_size=128``），复制出去就能原样运行。以后新增的旋钮
（GAN 的训练步数、强化学习的回合数）都加在 :class:`Profile` 上，由这里一处决定。
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
        max_epochs: 实验运行器（``python -m adlk reproduce``）使用的训练轮数上限；
            ``None`` 表示按配置的轮数训练。章节代码块里的 ``epochs`` 不受影响。
    """

    name: str
    train_per_class: int | None
    test_per_class: int | None
    max_epochs: int | None

    @property
    def is_full(self) -> bool:
        """是否为完整档位。"""
        return self.name == "full"


PROFILES: dict[str, Profile] = {
    "full": Profile("full", train_per_class=None, test_per_class=None, max_epochs=None),
    "smoke": Profile("smoke", train_per_class=100, test_per_class=50, max_epochs=2),
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
