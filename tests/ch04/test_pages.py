"""第 4 章的页面：页面上的网络与 GAN 类与 adlk.ch04 里的代码逐字相同；页面里的参数个数与代码一致。"""

from __future__ import annotations

import inspect

import pytest

from adlk.ch04 import models
from tests.conftest import DOCS


@pytest.mark.parametrize("page, obj", [("dcgan.md", models.build_generator), ("dcgan.md", models.build_discriminator),
                                       ("keras3.md", models.GAN)])
def test_page_code_is_the_package_code(page, obj):
    assert inspect.getsource(obj) in (DOCS / "ch04" / page).read_text(encoding="utf-8"), (
        f"docs/ch04/{page} no longer shows adlk.ch04.{obj.__name__} as it is in the package")


def test_page_parameter_counts_come_from_the_code():
    text = (DOCS / "ch04" / "dcgan.md").read_text(encoding="utf-8")
    g, d = models.build_generator().count_params(), models.build_discriminator().count_params()
    assert f"生成器 {g:,} 个参数" in text and f"判别器 {d:,} 个参数" in text
