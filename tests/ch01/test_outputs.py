"""第 1 章页面上依赖完整数据的输出块（``<!--adlk:full-output-->``）：标记不能悄悄丢失。

核对本身（每章的输出块都带标记、FULL 块在完整档位下重新运行并逐字比较）在 ``tests/test_output_markers.py``。
"""

from __future__ import annotations

from tests.test_output_markers import CHECKS


def test_full_output_blocks_exist():
    """标记不能悄悄丢失：第 1 章至少有这些依赖完整数据的输出块。"""
    names = {c.name.split(":")[0] for c in CHECKS if c.page.parent.name == "ch01"}
    assert len([c for c in CHECKS if c.page.parent.name == "ch01"]) >= 6, [c.name for c in CHECKS]
    assert {"ch01/mnist.md", "ch01/mlp.md", "ch01/rnn.md"} <= names, names
