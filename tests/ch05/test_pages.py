"""第 5 章的页面：页面上的 WGAN、LSGAN、ACGAN 类与 adlk.ch05 里的代码逐字相同。"""

from __future__ import annotations

import inspect

import pytest

from adlk.ch05 import models
from tests.conftest import DOCS


@pytest.mark.parametrize("page, obj", [("wgan.md", models.WGAN), ("lsgan.md", models.LSGAN),
                                       ("acgan.md", models.ACGAN)])
def test_page_code_is_the_package_code(page, obj):
    assert inspect.getsource(obj) in (DOCS / "ch05" / page).read_text(encoding="utf-8"), (
        f"docs/ch05/{page} no longer shows adlk.ch05.{obj.__name__} as it is in the package")
