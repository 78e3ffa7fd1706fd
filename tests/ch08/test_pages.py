"""第 8 章页面上的代码与包里的代码逐字相同：页面展示的类和函数就是 adlk.ch08 里的那一份。"""

from __future__ import annotations

import inspect

import pytest
from pytest_codeblocks import extract_from_file

from adlk.ch08 import models
from tests.conftest import DOCS

PAGES = DOCS / "ch08"
OBJECTS = {"Sampling": "class Sampling(", "VAE": "class VAE(", "build_mlp_vae": "def build_mlp_vae(",
           "build_cnn_vae": "def build_cnn_vae(", "build_cvae": "def build_cvae("}
# 每个页面必须完整展示的对象（程序清单自成一体，复制出去就能运行）
REQUIRED = {
    "keras3.md": ("Sampling", "VAE"),
    "mlp.md": ("Sampling", "VAE", "build_mlp_vae"),
    "cnn.md": ("Sampling", "VAE", "build_cnn_vae"),
    "cvae.md": ("Sampling", "VAE", "build_cvae"),
    "beta-vae.md": ("Sampling", "VAE", "build_cvae"),
}


def _blocks(page: str) -> list[str]:
    return [b.code for b in extract_from_file(PAGES / page) if b.syntax == "python"]


def test_every_shown_definition_is_the_package_source():
    """页面上凡是定义了这些类或函数的代码块，定义都与 inspect.getsource 的结果逐字相同。"""
    problems = []
    for page in sorted(PAGES.glob("*.md")):
        for n, code in enumerate(_blocks(page.name), 1):
            for name, marker in OBJECTS.items():
                if marker in code and inspect.getsource(getattr(models, name)) not in code:
                    problems.append(f"{page.name} block {n}: {name} differs from adlk.ch08.models.{name}")
    assert not problems, problems


@pytest.mark.parametrize("page, names", sorted(REQUIRED.items()))
def test_listings_are_self_contained(page, names):
    blocks = _blocks(page)
    for name in names:
        source = inspect.getsource(getattr(models, name))
        assert any(source in code for code in blocks), f"{page} does not show {name} in full"
    listing = next(code for code in blocks if OBJECTS[names[-1]] in code)
    # 程序清单只依赖 Keras、NumPy、TensorFlow（GradientTape）和本项目的数据加载器与 budget
    imports = [line for line in listing.splitlines() if line.startswith(("import ", "from "))]
    allowed = ("import math", "import keras", "import numpy as np", "import tensorflow as tf",
               "from keras import layers, ops", "from adlk.datasets import load_mnist",
               "from adlk.profiles import budget")
    assert set(imports) <= set(allowed), f"{page}: unexpected imports {set(imports) - set(allowed)}"


@pytest.mark.parametrize("page, epochs", [("mlp.md", "budget(50)"), ("cnn.md", "budget(30)"),
                                          ("cvae.md", "budget(30)"), ("beta-vae.md", "budget(30)")])
def test_listings_keep_the_books_settings(page, epochs):
    listing = next(code for code in _blocks(page) if "vae.fit(" in code or "cvae.fit(" in code)
    assert f"epochs = {epochs}" in listing
    assert "batch_size = 128" in listing
    assert "latent_dim = 2" in listing
