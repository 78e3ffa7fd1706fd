"""第 10 章页面上的代码与包里的代码逐字相同：页面展示的函数和类就是 adlk.ch10 里的那一份。"""

from __future__ import annotations

import inspect

from pytest_codeblocks import extract_from_file

from adlk.ch10 import agents, models
from tests.conftest import DOCS

PAGES = DOCS / "ch10"
OBJECTS = {name: module for module, names in (
    (models, ("gaussian_log_prob", "gaussian_entropy", "softplusk", "build_autoencoder", "build_actor", "build_value")),
    (agents, ("discounted_returns", "PolicyAgent", "REINFORCEAgent", "REINFORCEBaselineAgent", "ActorCriticAgent",
              "A2CAgent", "make_agent", "run_episode"))) for name in names}


def _blocks(page: str) -> list[str]:
    return [b.code for b in extract_from_file(PAGES / page) if b.syntax == "python"]


def _marker(name: str) -> str:
    return f"class {name}" if name[0].isupper() else f"def {name}("


def test_every_shown_definition_is_the_package_source():
    problems = []
    for page in sorted(PAGES.glob("*.md")):
        for n, code in enumerate(_blocks(page.name), 1):
            for name, module in OBJECTS.items():
                if _marker(name) in code and inspect.getsource(getattr(module, name)) not in code:
                    problems.append(f"{page.name} block {n}: {name} differs from {module.__name__}.{name}")
    assert not problems, problems


def test_the_methods_listing_is_complete_and_keeps_the_books_settings():
    listing = next(code for code in _blocks("methods.md") if "class PolicyAgent:" in code)
    for name, module in OBJECTS.items():
        assert inspect.getsource(getattr(module, name)) in listing, f"methods.md lacks {name}"
    assert "AGENTS = {" in listing and "LOG_2PI = math.log(2.0 * math.pi)" in listing
    for setting in ('budget(1000, "episodes")', 'budget(200_000, "steps")', "epochs=budget(10)", "batch_size=32"):
        assert setting in listing
    imports = [line for line in listing.splitlines() if line.startswith(("import ", "from "))]
    allowed = {"import math", "import keras", "import numpy as np", "import tensorflow as tf",
               "from keras import layers, ops", "from adlk.ch09 import make_env", "from adlk.profiles import budget"}
    assert set(imports) <= allowed, set(imports) - allowed
    assert agents.AGENTS == {"reinforce": agents.REINFORCEAgent, "reinforce-baseline": agents.REINFORCEBaselineAgent,
                             "actor-critic": agents.ActorCriticAgent, "a2c": agents.A2CAgent}
