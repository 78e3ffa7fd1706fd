"""Listings tied to the recorded row the page attributes them to, and numbers in prose bound to the records.

Two markers, both HTML comments (invisible on the site), read by these tests in every chapter:

``<!-- adlk:listing chNN/table/row [param=name …] [parameters="expression"] -->``
    on a line of its own before a ```` ```python ```` listing. The listing's top-level settings (module-level
    assignments such as ``batch_size = 32`` or ``win_trials, win_reward = 100, 195.0``, ``budget(50)`` read as
    its full-profile value 50, and literal keyword arguments of module-level calls such as ``fit(epochs=1)``)
    are compared with the row's declared params (nested params such as ``build.dropout`` are compared by
    their last name). ``param=expression`` compares a param with an expression of the settings
    (``max_episodes=episode_count``, ``hidden_units="[hidden_units, hidden_units]"``); ``differs=a,b`` names
    params the page says the recorded row changed (they must differ). At least one setting must be compared. With ``parameters="…"`` the listing
    is run up to its first ``compile``/``fit`` (smoke profile), the expression is evaluated in its namespace,
    and the count must equal the row's recorded parameter count and the book's, where they exist.

``<!-- adlk:claim chNN/table/row key -->``
    at the end of a line of prose (a sentence, a list item, a table row). ``key`` is ``metrics.X``,
    ``counts.X``, ``book.X`` or a bare name looked up in that order; the line must show the recorded value as
    the site writes it: a declared metric at its scale and digits, an integer with thousands separators. A
    parameter count in a summary bullet can no longer be changed just because the same number appears
    elsewhere on the page.

Every table that declares a ``reference`` row (the row identical to the page's listing) must have a listing
bound to that row.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_codeblocks import extract_from_file

from adlk.runs.registry import table as find_table
from adlk.runs.registry import tables
from adlk.runs.results import read_result, result_path
from tests.conftest import DOCS

PAGES = sorted(p for p in DOCS.glob("ch[0-9][0-9]/*.md"))
LISTING = re.compile(r"^<!--\s*adlk:listing\s+(?P<row>ch\d\d/[\w-]+/[\w.-]+)(?P<opts>.*?)\s*-->\s*$", re.M)
CLAIM = re.compile(r"<!--\s*adlk:claim\s+(?P<row>ch\d\d/[\w-]+/[\w.-]+)\s+(?P<key>[\w.]+)\s*-->")
MISSING = object()


@dataclass(frozen=True)
class Listing:
    page: Path
    line: int
    row_id: str
    code: str
    renames: dict[str, str] = field(default_factory=dict)
    parameters: str | None = None
    differs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{_where(self.page)}:{self.line}->{self.row_id}"


def _where(page: Path) -> str:
    return page.relative_to(DOCS).as_posix() if page.is_relative_to(DOCS) else page.name


def split_row(row_id: str):
    """``"ch08/vae/mlp"`` → (table, run)."""
    chapter, name, row = row_id.split("/")
    t = find_table(f"{chapter}/{name}")
    return t, t.run(row)


def listings(pages: list[Path] = PAGES) -> list[Listing]:
    """Every ``adlk:listing`` marker and the python listing that follows it."""
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        blocks = [b for b in extract_from_file(page) if b.syntax == "python"]
        for m in LISTING.finditer(text):
            line = text[:m.start()].count("\n") + 1
            after = text[m.end():]
            start = after.find("```python\n")
            between = after[:max(start, 0)].splitlines()
            if start < 0 or not all(not b.strip() or b.strip().startswith("<!--") for b in between):
                raise ValueError(f"{page.name}:{line}: adlk:listing marker is not directly before a ```python block")
            code = after[start + len("```python\n"):]
            code = code[:code.index("\n```")] + "\n"
            if not any(b.code == code for b in blocks):
                raise ValueError(f"{page.name}:{line}: the listing after the marker is not an executed python block")
            renames, parameters, differs = {}, None, ()
            for token in shlex.split(m.group("opts")):
                key, _, value = token.partition("=")
                if key == "parameters":
                    parameters = value
                elif key == "differs":
                    differs = tuple(value.split(","))
                else:
                    renames[key] = value
            found.append(Listing(page, line, m.group("row"), code, renames, parameters, differs))
    return found


def _value(node: ast.AST, known: dict[str, Any]) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        pass
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "budget" and node.args:
        return _value(node.args[0], known)  # budget(n) is n in the full profile
    return MISSING


def listing_settings(code: str) -> dict[str, Any]:
    """Top-level settings of a listing: literal module-level assignments (tuples unpacked, ``budget(n)`` → n),
    then literal keyword arguments of module-level calls (only where every call agrees)."""
    tree = ast.parse(code)
    found: dict[str, Any] = {}
    keywords: dict[str, list[Any]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and len(target.elts) == len(
                        node.value.elts):
                    pairs = list(zip(target.elts, node.value.elts))
                else:
                    pairs = [(target, node.value)]
                for t, v in pairs:
                    if isinstance(t, ast.Name):
                        value = _value(v, found)
                        if value is not MISSING:
                            found[t.id] = value
                        else:
                            found.pop(t.id, None)
        value = node.value if isinstance(node, (ast.Assign, ast.Expr)) else None
        if isinstance(value, ast.Call):
            for kw in value.keywords:
                v = _value(kw.value, found) if kw.arg else MISSING
                if v is not MISSING:
                    keywords.setdefault(kw.arg, []).append(v)
    for name, values in keywords.items():
        if name not in found and all(v == values[0] for v in values):
            found[name] = values[0]
    return found


def flat_params(params: dict[str, Any]) -> dict[str, Any]:
    """The row's params with nested dicts flattened to their last name (``build.dropout`` → ``dropout``);
    a name that occurs twice with different values is left out."""
    out: dict[str, Any] = {}
    clash = set()
    for key, value in params.items():
        items = flat_params(value).items() if isinstance(value, dict) else [(key, value)]
        for k, v in items:
            if k in out and out[k] != v:
                clash.add(k)
            out[k] = v
    return {k: v for k, v in out.items() if k not in clash}


def compare(listing: Listing) -> tuple[list[str], list[str]]:
    """(params compared, mismatches) between the listing's settings and its row's params."""
    _, run = split_row(listing.row_id)
    settings = listing_settings(listing.code)
    compared, wrong = [], []
    params = flat_params(run.params)
    for param, value in params.items():
        expression = listing.renames.get(param, param)
        try:
            ours = eval(expression, {"__builtins__": {}}, dict(settings))
        except NameError:
            if param in listing.renames:
                wrong.append(f"{expression} (compared with {param}) uses a name that is not a top-level setting")
            continue
        compared.append(param)
        if param in listing.differs:
            if ours == value:
                wrong.append(f"{param} is declared to differ from the row (differs=…) but both are {value!r}")
        elif ours != value:
            wrong.append(f"{expression} = {ours!r} in the listing, {param} = {value!r} in the row")
    unknown = [p for p in (*listing.renames, *listing.differs) if p not in params]
    if unknown:
        wrong.append(f"the marker names params the row does not have: {unknown}")
    return compared, wrong


def recorded(row_id: str, device: str = "cpu") -> dict | None:
    t, run = split_row(row_id)
    path = result_path(DOCS / "results" / device, t, run)
    return read_result(path) if path.is_file() else None


def listing_parameters(listing: Listing, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the listing up to its first compile/fit (smoke profile) and evaluate its ``parameters`` expression."""
    import tempfile

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    monkeypatch.chdir(tempfile.mkdtemp(prefix="adlk-listing-"))  # a listing may create folders: not in the checkout
    tree = ast.parse(listing.code)
    head = []
    for node in tree.body:
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr in ("compile", "fit")]
        if calls:
            break
        head.append(node)
    namespace: dict[str, Any] = {"__name__": "builtins"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(ast.Module(body=head, type_ignores=[]), "<listing>", "exec"), namespace)
    return int(eval(listing.parameters, namespace))


LISTINGS = listings()


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda x: x.name)
def test_listing_settings_equal_the_rows_params(listing: Listing):
    compared, wrong = compare(listing)
    assert not wrong, f"{listing.name}: " + "; ".join(wrong)
    assert compared, f"{listing.name}: no top-level setting of the listing matches a param of the row"


@pytest.mark.parametrize("listing", [x for x in LISTINGS if x.parameters], ids=lambda x: x.name)
def test_listing_parameter_count_equals_the_record_and_the_book(listing: Listing, monkeypatch):
    count = listing_parameters(listing, monkeypatch)
    _, run = split_row(listing.row_id)
    expected = {}
    if "parameters" in run.book:
        expected["the book (Run.book)"] = run.book["parameters"]
    data = recorded(listing.row_id)
    if data is not None:
        for part in ("counts", "metrics"):
            if "parameters" in data.get(part, {}):
                expected[f"the recorded {part}.parameters"] = data[part]["parameters"]
    assert expected, f"{listing.name}: neither the book nor the record gives a parameter count to compare with"
    wrong = {k: v for k, v in expected.items() if int(v) != count}
    assert not wrong, f"{listing.name}: the listing builds {count:,} parameters, but {wrong}"


def test_every_reference_row_has_a_bound_listing():
    """A table's ``reference`` row is the page's listing: the page must say where it is."""
    bound = {x.row_id for x in LISTINGS}
    unbound = [f"{t.id}/{t.reference}" for t in tables() if t.reference and f"{t.id}/{t.reference}" not in bound]
    assert not unbound, f"reference rows without an adlk:listing marker on any page: {unbound}"


def claims(pages: list[Path] = PAGES) -> list[tuple[str, str, str, str]]:
    """(where, row id, key, the line's text before the marker) for every ``adlk:claim`` marker."""
    found = []
    for page in pages:
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for m in CLAIM.finditer(line):
                found.append((f"{_where(page)}:{n}", m.group("row"), m.group("key"),
                              CLAIM.sub("", line)))
    return found


def shown(row_id: str, key: str) -> str:
    """The recorded value of ``key`` as the site writes it."""
    t, run = split_row(row_id)
    data = recorded(row_id)
    part, _, name = key.rpartition(".")
    metric = next((m for m in t.metrics if m.key == name), None)
    sources = [part] if part else ["metrics", "counts", "book"]
    for source in sources:
        if source == "book":
            if name in run.book:
                value = run.book[name]
                return f"{value:,.{metric.digits}f}" if metric else f"{value:,}"
            continue
        if data is not None and name in data.get(source, {}):
            value = data[source][name]
            if metric is not None and source == "metrics" and (metric.scale != 1 or not float(value).is_integer()):
                return metric.show(value)
            if float(value).is_integer():
                return f"{int(value):,}"
            return metric.show(value) if metric else f"{value}"
    raise KeyError(f"{row_id} has no {key!r} in {sources}")


CLAIMS = claims()


@pytest.mark.parametrize("where, row_id, key, text", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_shows_the_recorded_value(where, row_id, key, text):
    value = shown(row_id, key)
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    assert value in numbers, f"{where}: the line shows {numbers}, the record of {row_id} gives {key} = {value}"


def test_markers_catch_planted_mistakes(tmp_path, monkeypatch):
    """A listing whose setting differs from its row, and a claim whose number differs from the record, fail."""
    page = tmp_path / "page.md"
    page.write_text("<!-- adlk:listing ch03/ae/16 -->\n\n```python\nbatch_size = 64\nlatent_dim = 16\n```\n",
                    encoding="utf-8")
    (listing,) = listings([page])
    compared, wrong = compare(listing)
    assert compared == ["latent_dim", "batch_size"] and wrong == [
        "batch_size = 64 in the listing, batch_size = 32 in the row"]
    assert listing_settings("a, b = 1, budget(50)\nx = f(epochs=3, name='a')\ny = g(epochs=3, name='b')\n") == {
        "a": 1, "b": 50, "epochs": 3}
    page.write_text("参数合计 807,000。<!-- adlk:claim ch08/vae/mlp parameters -->\n", encoding="utf-8")
    ((_, row_id, key, text),) = claims([page])
    assert shown(row_id, key) == "807,700" and "807,700" not in text
