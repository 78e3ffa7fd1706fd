"""pytest-codeblocks 的运行设置：代码块在 smoke 档位下执行，失败时显示完整的回溯。

这里只放测试设置，不放任何章节逻辑。本文件不会发布到站点（见 mkdocs.yml 的 exclude_docs）。
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

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


_TIMES = Path(__file__).parent / "generated" / "block-times.json"
_cpu_seconds: dict[str, dict[str, float]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """记录每个页面的代码块所用的 CPU 时间，供运行卡片显示（docs/generated/block-times.json）。"""
    start, wall = time.process_time(), time.perf_counter()
    # 代码块可能写文件（如 plot_model 的图）：在临时目录里运行，不弄脏仓库
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            yield
        finally:
            os.chdir(here)
    page = item.nodeid.split("::")[0]
    entry = _cpu_seconds.setdefault(page, {"blocks": 0, "cpu_seconds": 0.0, "wall_seconds": 0.0})
    entry["blocks"] += 1
    entry["cpu_seconds"] += time.process_time() - start
    entry["wall_seconds"] += time.perf_counter() - wall
    # 每个块之后就写出：同一次测试里稍后构建的站点（tests/test_docs.py）能用上这些计时
    _write_times()


def _write_times() -> None:
    """把这次测试运行的代码块计时合并写入 block-times.json（原子写入）。"""
    import keras

    from adlk.runs.provenance import cpu_model as _cpu_model
    from adlk.runs.results import write_json_atomic

    data = json.loads(_TIMES.read_text(encoding="utf-8")) if _TIMES.is_file() else {}
    stamp = {"cpu": f"{_cpu_model()}，{os.cpu_count()} 核", "date": time.strftime("%Y-%m-%d"),
             "python": platform.python_version(), "keras": keras.__version__}
    try:
        import tensorflow as tf

        stamp["tensorflow"] = tf.__version__
    except ImportError:  # pragma: no cover
        stamp["tensorflow"] = "?"
    for page, entry in _cpu_seconds.items():
        data[page] = {**entry, "cpu_seconds": round(entry["cpu_seconds"], 1),
                      "wall_seconds": round(entry["wall_seconds"], 1), **stamp}
    write_json_atomic(_TIMES, data)
