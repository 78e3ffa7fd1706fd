"""第 6 章的页面：页面上的 InfoGAN、StackedGAN 类和两种互信息损失与 adlk.ch06 里的代码逐字相同。"""

from __future__ import annotations

import inspect

import pytest

from adlk.ch06 import models
from tests.conftest import DOCS


@pytest.mark.parametrize("page, obj", [("infogan.md", models.InfoGAN), ("infogan.md", models.mi_categorical),
                                       ("infogan.md", models.mi_gaussian), ("stackedgan.md", models.StackedGAN),
                                       ("stackedgan.md", models._bce), ("stackedgan.md", models._mse)])
def test_page_code_is_the_package_code(page, obj):
    assert inspect.getsource(obj) in (DOCS / "ch06" / page).read_text(encoding="utf-8"), (
        f"docs/ch06/{page} no longer shows adlk.ch06.models.{obj.__name__} as it is in the package")


def test_page_weights_table_matches_the_code():
    """6.3 节的权重表与 STACKED_WEIGHTS 一致。"""
    text = (DOCS / "ch06" / "stackedgan.md").read_text(encoding="utf-8")
    w = models.STACKED_WEIGHTS
    fmt = "、".join
    assert f"| 第 0 层（图像） | {fmt(f'{v:g}' for v in w['dis0'])} | {fmt(f'{v:g}' for v in w['gen0'])} |" in text
    assert f"| 第 1 层（特征） | {fmt(f'{v:g}' for v in w['dis1'])} | {fmt(f'{v:g}' for v in w['gen1'])} |" in text
    assert models.INFO_WEIGHTS == (1.0, 1.0, 0.5, 0.5)  # 6.2 节：书中的 [1, 1, 0.5, 0.5]
