"""第 13 章页面上的代码与包里的代码一致：页面上写出的损失、统计网络和采样函数，去掉文档字符串和注释后
与 adlk.ch13 里的那一份有相同的语法树（名字可以不同）。"""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
from pytest_codeblocks import extract_from_file

from adlk.ch13 import mi, mine
from tests.conftest import DOCS

PAGES = DOCS / "ch13"


def _functions(code: str) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.FunctionDef)}


def _body(fn: ast.FunctionDef) -> str:
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # 文档字符串
    return "\n".join(ast.dump(stmt) for stmt in body)


def _page_functions(page: str) -> dict[str, ast.FunctionDef]:
    found = {}
    for block in extract_from_file(PAGES / page):
        if block.syntax == "python":
            found.update(_functions(block.code))
    return found


def _package(obj) -> ast.FunctionDef:
    return next(iter(_functions(textwrap.dedent(inspect.getsource(obj))).values()))


@pytest.mark.parametrize("page, name, obj", [
    ("iic.md", "iic_loss", mi.iic_loss),
    ("mine.md", "dv_loss", mine.dv_loss),
    ("mine.md", "statistics_network", mine.build_statistics_network),
    ("mine.md", "sample", mine.sample_gaussian),
])
def test_page_code_is_the_package_code(page, name, obj):
    shown = _page_functions(page)
    assert name in shown, f"{page} no longer defines {name}"
    page_body = _body(shown[name])
    package_body = _body(_package(obj))
    # 包里的 iic_loss 在函数里 import ops、EPS 是模块常量；页面在模块顶层 import，其余语句相同
    package_body = "\n".join(line for line in package_body.splitlines() if not line.startswith("ImportFrom("))
    assert page_body == package_body, f"{page}: {name} differs from {obj.__module__}.{obj.__name__}"
