import re

from tests.conftest import ROOT


def readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```console\n(python3 -m venv[^\n]+)\n```", text)


def test_readme_has_two_commands():
    cmds = readme_commands()
    assert len(cmds) == 2
    assert "mkdocs serve" in cmds[0] and "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()
