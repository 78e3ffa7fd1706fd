"""第 7 章的页面：页面上的 CycleGAN 类与 adlk.ch07 里的代码逐字相同。"""

from __future__ import annotations

import inspect

from adlk.ch07 import models
from tests.conftest import DOCS


def test_page_code_is_the_package_code():
    page = (DOCS / "ch07" / "keras3.md").read_text(encoding="utf-8")
    assert inspect.getsource(models.CycleGAN) in page, (
        "docs/ch07/keras3.md no longer shows adlk.ch07.CycleGAN as it is in the package")
