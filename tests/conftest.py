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
