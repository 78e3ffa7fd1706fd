"""单元测试的公共设置。"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """重新生成插图与表格，再 `mkdocs build --strict`；返回站点目录（整个测试会话只构建一次）。"""
    gen = subprocess.run([sys.executable, "-m", "adlk", "generate"], cwd=ROOT, capture_output=True, text=True)
    assert gen.returncode == 0, gen.stderr[-3000:]
    site = tmp_path_factory.mktemp("site")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                           cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-5000:]
    return site


_chapter_seconds: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """Wall time of each chapter's tests (tests/chNN), printed per chapter by .ci/run."""
    import time

    start = time.perf_counter()
    yield
    parts = item.nodeid.split("/")
    if len(parts) > 2 and parts[0] == "tests" and parts[1].startswith("ch"):
        _chapter_seconds[parts[1]] = _chapter_seconds.get(parts[1], 0.0) + time.perf_counter() - start


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _chapter_seconds:
        import json

        out = DOCS / "generated" / "test-times.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({k: round(v, 1) for k, v in sorted(_chapter_seconds.items())}) + "\n",
                       encoding="utf-8")
