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


BUILD_OUTPUTS = (".venv", "venv", "adlk.egg-info", "site", "build", "dist", ".pytest_cache", "docs/figures",
                 "docs/generated", ".ci/screenshots", ".cache")
"""Ignored build outputs the test run may create or change (the rest of the checkout must stay as it was)."""


def checkout_state(root: Path = ROOT) -> set[str]:
    """What ``git status --porcelain --ignored`` lists, plus every top-level entry of the checkout (git does not
    list an empty folder such as a stray ``saved_models/``), minus the build outputs and ``__pycache__``."""
    out = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--ignored"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return set()
    entries = {line[3:].strip('"').rstrip("/") for line in out.stdout.splitlines()}
    entries |= {p.name for p in root.iterdir() if p.name != ".git"}
    tracked = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True).stdout.split()
    entries -= {name.split("/")[0] for name in tracked}
    return {e for e in entries
            if "__pycache__" not in e and not any(e == b or e.startswith(b + "/") for b in BUILD_OUTPUTS)}


_STATE_BEFORE = checkout_state()


def pytest_sessionfinish(session: pytest.Session) -> None:
    new = sorted(checkout_state() - _STATE_BEFORE)
    if new:
        # a block or a test wrote into the checkout: name what it left, and fail the run
        session.config.get_terminal_writer().line(
            "the test run left new or changed paths in the checkout (write to a temporary folder instead): "
            + ", ".join(new), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _chapter_seconds:
        import json

        out = DOCS / "generated" / "test-times.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({k: round(v, 1) for k, v in sorted(_chapter_seconds.items())}) + "\n",
                       encoding="utf-8")
