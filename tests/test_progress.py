"""进度显示：终端里是进度条，CI 与日志文件里每步一行。"""

import io

import pytest

from adlk.progress import Progress, use_bar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_file_gets_one_plain_line_per_step(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = io.StringIO()
    steps = Progress(["a", "b"], desc="figures", stream=out)
    seen = []
    for item in steps:
        seen.append(item)
        steps.write(f"{item} finished")
    assert seen == ["a", "b"]
    assert out.getvalue().splitlines() == ["[adlk] figures 1/2: a", "[adlk] a finished",
                                           "[adlk] figures 2/2: b", "[adlk] b finished"]
    assert "\r" not in out.getvalue()


def test_terminal_gets_a_bar_with_messages_above_it(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = FakeTerminal()
    steps = Progress(range(3), desc="rows", label=lambda i: f"row {i}", stream=out)
    for i in steps:
        steps.write(f"row {i} done")
    text = out.getvalue()
    assert "\r" in text and "3/3" in text and "row 2 done" in text
    assert "rows 1/3:" not in text


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_ci_uses_plain_lines_even_on_a_terminal(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert not use_bar(FakeTerminal())
    out = FakeTerminal()
    list(Progress(["x"], desc="bench", stream=out))
    assert out.getvalue().startswith("[adlk] bench 1/1: x\n")


def test_disabled_progress_prints_nothing():
    out = io.StringIO()
    steps = Progress(["x"], desc="bench", enabled=False, stream=out)
    for _ in steps:
        steps.write("hidden")
    assert out.getvalue() == ""
