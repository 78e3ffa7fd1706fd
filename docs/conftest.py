"""pytest-codeblocks 的运行设置：代码块在 smoke 档位下执行，失败时显示完整的回溯。

这里只放测试设置，不放任何章节逻辑。本文件不会发布到站点（见 mkdocs.yml 的 exclude_docs）。
"""

from __future__ import annotations

import os

import pytest

# 代码块默认在小样本上运行；显式设置 ADLK_PROFILE 可以覆盖
os.environ.setdefault("ADLK_PROFILE", "smoke")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    """pytest-codeblocks 默认只报告异常消息；这里把原始回溯附到报告里。"""
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and report.failed and "codeblocks" in type(item).__module__:
        exc = call.excinfo.value
        original = getattr(exc, "__cause__", None) or getattr(exc, "__context__", None) or exc
        import traceback

        text = "".join(traceback.format_exception(type(original), original, original.__traceback__))
        report.sections.append(("code block traceback", text))
