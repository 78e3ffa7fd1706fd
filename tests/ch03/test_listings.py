"""页面上的程序清单与 adlk.ch03 的搭建函数是同一个模型；页面上的调色板函数与包里的逐字相同。

页面在程序清单前放一行 ``<!-- adlk:same-model adlk.ch03.build_xxx(...) -->``：这里执行清单中搭建模型的部分
（截到第一次 ``compile(`` 之前，smoke 档位），再与搭建函数给出的模型逐层比较（层的类型、输出形状、参数个数）。
"""

import inspect
import re

import keras
import pytest
from pytest_codeblocks import extract_from_file

import adlk.ch03
from adlk.ch03 import data
from tests.conftest import DOCS

PAGES = sorted((DOCS / "ch03").glob("*.md"))
MARKER = re.compile(r"<!--\s*adlk:same-model\s+(adlk\.ch03\.(\w+)\((.*)\))\s*-->")


def _marked_listings():
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        blocks = [b for b in extract_from_file(page) if b.syntax == "python"]
        for m in MARKER.finditer(text):
            after = text[m.end():]
            code = after[after.index("```python\n") + len("```python\n"):]
            code = code[:code.index("\n```")]
            assert any(b.code.strip().startswith(code.strip()) for b in blocks), f"{page.name}: marker not before a block"
            found.append(pytest.param(m.group(2), m.group(3), code, id=f"{page.stem}:{m.group(2)}({m.group(3)})"))
    return found


def _layers(model):
    return [(type(layer).__name__, tuple(layer.output.shape), layer.count_params()) for layer in model.layers]


@pytest.mark.parametrize(("builder", "args", "code"), _marked_listings())
def test_listing_builds_the_package_model(builder, args, code, monkeypatch, tmp_path):
    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    monkeypatch.chdir(tmp_path)  # 清单可能建目录（如 saved_models/）：不要写进仓库
    head = code[:re.search(r"^\w+\.compile\(", code, re.M).start()]
    namespace: dict = {}
    exec(compile(head, "<listing>", "exec"), namespace)
    models = eval(f"adlk.ch03.{builder}({args})", {"adlk": adlk})
    for reference in models:
        ours = next((v for v in namespace.values() if isinstance(v, keras.Model) and v.name == reference.name), None)
        assert ours is not None, f"the listing defines no model named {reference.name!r}"
        assert _layers(ours) == _layers(reference), f"{reference.name} differs from {builder}({args})"


def test_every_listing_of_the_chapter_is_bound():
    names = {p.values[0] for p in _marked_listings()}
    assert {"build_autoencoder", "build_classifier_autoencoder", "build_colorization_autoencoder"} <= names


def test_palette_function_on_the_page_is_the_package_one():
    page = (DOCS / "ch03" / "colorization.md").read_text(encoding="utf-8")
    assert inspect.getsource(data.class_palette) in page
