"""第 9 章页面上的代码与包里的代码逐字相同：页面展示的类和函数就是 adlk.ch09 里的那一份。"""

from __future__ import annotations

import inspect

import pytest
from pytest_codeblocks import extract_from_file

from adlk.ch09 import dqn, qlearning
from tests.conftest import DOCS

PAGES = DOCS / "ch09"
OBJECTS = {"QWorld": (qlearning, "class QWorld"), "q_learning_world": (qlearning, "def q_learning_world("),
           "optimal_q": (qlearning, "def optimal_q("), "QAgent": (qlearning, "class QAgent"),
           "train_frozenlake": (qlearning, "def train_frozenlake("),
           "evaluate_greedy": (qlearning, "def evaluate_greedy("), "build_q_model": (dqn, "def build_q_model("),
           "q_values_numpy": (dqn, "def q_values_numpy("), "ReplayMemory": (dqn, "class ReplayMemory"),
           "DQNAgent": (dqn, "class DQNAgent"), "run_episode": (dqn, "def run_episode(")}
REQUIRED = {
    "q-learning.md": ("QWorld", "q_learning_world", "optimal_q"),
    "frozenlake.md": ("QAgent", "train_frozenlake", "evaluate_greedy"),
    "dqn.md": ("build_q_model", "q_values_numpy", "ReplayMemory", "DQNAgent", "run_episode"),
}


def _blocks(page: str) -> list[str]:
    return [b.code for b in extract_from_file(PAGES / page) if b.syntax == "python"]


def test_every_shown_definition_is_the_package_source():
    problems = []
    for page in sorted(PAGES.glob("*.md")):
        for n, code in enumerate(_blocks(page.name), 1):
            for name, (module, marker) in OBJECTS.items():
                if marker in code and inspect.getsource(getattr(module, name)) not in code:
                    problems.append(f"{page.name} block {n}: {name} differs from {module.__name__}.{name}")
    assert not problems, problems


@pytest.mark.parametrize("page, names", sorted(REQUIRED.items()))
def test_listings_are_self_contained(page, names):
    blocks = _blocks(page)
    for name in names:
        module, _ = OBJECTS[name]
        assert any(inspect.getsource(getattr(module, name)) in code for code in blocks), f"{page} lacks {name}"
    listing = next(code for code in blocks if OBJECTS[names[-1]][1] in code)
    imports = [line for line in listing.splitlines() if line.startswith(("import ", "from "))]
    allowed = {"import numpy as np", "import keras", "from keras import layers", "from collections import deque",
               "from adlk.ch09 import make_env", "from adlk.profiles import budget"}
    assert set(imports) <= allowed, f"{page}: unexpected imports {set(imports) - allowed}"


@pytest.mark.parametrize("page, setting", [("frozenlake.md", 'budget(40000, "episodes")'),
                                           ("dqn.md", 'budget(3000, "episodes")'),
                                           ("q-learning.md", "max_wins=2000")])
def test_listings_keep_the_books_settings(page, setting):
    assert any(setting in code for code in _blocks(page))
