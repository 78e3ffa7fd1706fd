"""每一章页面上的输出块都由测试核对：页面上印出的每个 ```text 块都绑定到一次真实的运行。

两种核对方式：

- 输出与数据量无关的块（形状、参数个数、API 行为）在 ```text 之前写
  ``<!--pytest-codeblocks:expected-output-->``：pytest-codeblocks 在 smoke 档位下运行代码块时逐字比较输出；
- 输出取决于完整数据的块（MNIST 各类数量、真实数字上的梯度）写 ``<!--adlk:full-output-->``：
  这里在 ``ADLK_PROFILE=full`` 下重新运行这些块（只加载数据、不做长时间训练），与页面上的 ```text 块逐字比较。
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_codeblocks import extract_from_file

from tests.conftest import DOCS, ROOT

PAGES = sorted(p for p in DOCS.rglob("*.md") if not {"generated", "notebooks"} & set(p.relative_to(DOCS).parts))
"""所有页面（各章是被发现的：新的一章不用改这里）。"""
FULL = "<!--adlk:full-output-->"
SMOKE = "<!--pytest-codeblocks:expected-output-->"


@dataclass(frozen=True)
class Check:
    page: Path
    lineno: int  # 代码块开头那一行
    code: str
    expected: str

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(self.page.parents[1]).as_posix()}:{self.lineno}"


def _text_block_after(lines: list[str], start: int, where: str) -> str:
    """从第 start 行（0 起）往下找紧接着的 ```text 块，返回其内容（去掉与围栏相同的缩进）。"""
    j = start
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j == len(lines) or not lines[j].lstrip().startswith("```text"):
        raise ValueError(f"{where}: {FULL} must be followed by a ```text block")
    indent = len(lines[j]) - len(lines[j].lstrip())
    body = []
    for line in lines[j + 1:]:
        if line.lstrip().startswith("```"):
            return "".join(body)
        body.append(line[min(indent, len(line) - len(line.lstrip())):])
    raise ValueError(f"{where}: unterminated ```text block")


def full_output_checks(page: Path) -> list[Check]:
    """页面上每个 FULL 标记：它之前最近的 python 代码块，和它之后的 ```text 块。"""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks = [b for b in extract_from_file(page) if b.syntax == "python"]
    checks = []
    for i, line in enumerate(lines):
        if line.strip() != FULL:
            continue
        before = [b for b in blocks if b.lineno < i + 1]
        if not before:
            raise ValueError(f"{page.name}:{i + 1}: {FULL} has no python block before it")
        code = max(before, key=lambda b: b.lineno)
        checks.append(Check(page, code.lineno, code.code, _text_block_after(lines, i + 1, f"{page.name}:{i + 1}")))
    return checks


CHECKS = [c for page in PAGES for c in full_output_checks(page)]

# 在一个新进程里依次运行各个代码块（每块一个新的命名空间），把输出和耗时写进一个 JSON 文件
RUNNER = r"""
import contextlib, io, json, sys, time, traceback
codes = json.loads(open(sys.argv[1], encoding="utf-8").read())
results = []
for code in codes:
    buf, error, start = io.StringIO(), None, time.perf_counter()
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<code block>", "exec"), {"__name__": "builtins"})
    except Exception:
        error = traceback.format_exc()
    results.append({"stdout": buf.getvalue(), "error": error, "seconds": time.perf_counter() - start})
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(results))
"""


@pytest.fixture(scope="module")
def full_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """在 ADLK_PROFILE=full 下运行所有 FULL 块（一个进程，只导入一次 TensorFlow）。"""
    work = tmp_path_factory.mktemp("full-outputs")
    (work / "codes.json").write_text(json.dumps([c.code for c in CHECKS]), encoding="utf-8")
    env = {**os.environ, "ADLK_PROFILE": "full", "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", RUNNER, "codes.json", "results.json"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    return {c.name: r for c, r in zip(CHECKS, results)}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_full_profile_output_matches_the_page(check: Check, full_outputs: dict[str, dict]):
    result = full_outputs[check.name]
    assert result["error"] is None, f"{check.name} raised:\n{result['error']}"
    assert result["stdout"] == check.expected, (
        f"{check.name}: the page shows\n{check.expected}\nbut the block prints (ADLK_PROFILE=full)\n{result['stdout']}")


def unchecked_output_blocks(page: Path) -> list[str]:
    """页面上没有紧跟在两种标记之一后面的 ```text 块，以及后面没有 ```text 块的标记。"""
    lines = page.read_text(encoding="utf-8").splitlines()
    found = []
    for n, line in enumerate(lines):
        if line.strip().startswith("```text"):
            previous = next((p.strip() for p in reversed(lines[:n]) if p.strip()), "")
            if previous not in (FULL, SMOKE):
                found.append(f"line {n + 1}: output block without a check marker")
        elif line.strip() in (FULL, SMOKE):
            following = next((p.strip() for p in lines[n + 1:] if p.strip()), "")
            if not following.startswith("```text"):
                found.append(f"line {n + 1}: {line.strip()} not followed by a ```text block")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_output_block_is_checked(page: Path):
    """每一章：每个 ```text 输出块之前都有两种标记之一，否则它就没有被核对（数字可以被改掉而没人发现）。"""
    unchecked = unchecked_output_blocks(page)
    assert not unchecked, f"{page.relative_to(DOCS)}: output blocks no test compares with the code's output: {unchecked}"


def test_marker_rule_catches_a_dropped_marker(tmp_path):
    """去掉标记的输出块、指向空处的标记都被报告；带标记的不报告。"""
    page = tmp_path / "page.md"
    page.write_text(f"```python\nprint(1)\n```\n\n{SMOKE}\n\n```text\n1\n```\n\n"
                    "```python\nprint(2)\n```\n\n    ```text\n    2\n    ```\n\n" + FULL + "\n\n文字\n",
                    encoding="utf-8")
    assert unchecked_output_blocks(page) == ["line 15: output block without a check marker",
                                             f"line 19: {FULL} not followed by a ```text block"]


def test_full_check_fails_when_the_page_is_wrong(tmp_path):
    """一个输出写错了的页面：解析出的期望输出与代码的真实输出不同，比较会失败。"""
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(6 * 7)\n```\n\n" + FULL + "\n```text\n41\n```\n", encoding="utf-8")
    (check,) = full_output_checks(page)
    assert check.code == "print(6 * 7)\n" and check.expected == "41\n"
    assert check.expected != "42\n"


def test_smoke_marker_is_enforced_by_pytest_codeblocks(tmp_path):
    """确认所装的 pytest-codeblocks 确实比较 SMOKE 标记后面的输出：写错的输出让测试失败，写对的通过。"""
    for printed, expected_rc in [("42", 0), ("41", 1)]:
        page = tmp_path / f"page_{printed}.md"
        page.write_text(f"```python\nprint(6 * 7)\n```\n\n{SMOKE}\n```text\n{printed}\n```\n", encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--codeblocks",
                              "--rootdir", str(tmp_path), str(page)], cwd=tmp_path, capture_output=True, text=True)
        assert run.returncode == expected_rc, run.stdout[-2000:]
