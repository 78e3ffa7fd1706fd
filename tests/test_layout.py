"""The layout rules of a thirteen-chapter book, checked on the tree (and on planted violations).

A chapter is docs/chNN + adlk/chNN + tests/chNN (+ its results under docs/results/<cpu|gpu>/chNN) and one nav
entry. Shared code never imports a chapter; a chapter imports only earlier chapters and shared modules; a
chapter's __init__ stays light; pages import only public names. Each violation names the file and the rule.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT

CHAPTER = re.compile(r"ch(\d\d)")
LEGACY_SHIMS = {
    # old import paths kept for readers' code; each re-exports chapter 1 (see their docstrings)
    "adlk/models.py": "re-exports adlk.ch01.models",
    "adlk/experiments.py": "re-exports adlk.ch01.experiments",
    "adlk/datasets/__init__.py": "lazy, warned re-export of the chapter 1 input views",
}
HEAVY = {"experiments", "figures", "report", "bench", "matplotlib"}


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) for every import in a file (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = list(path.with_suffix("").relative_to(path.parents[len(path.parts) - 1]).parts)
                module = ".".join(base[: -node.level] + ([module] if module else []))
            out.append((node.lineno, module, [a.name for a in node.names]))
    return out


def _chapter_strings(path: Path) -> list[tuple[int, str]]:
    """String constants (not docstrings) naming a chapter module, e.g. importlib.import_module("adlk.ch04")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs and re.fullmatch(r"adlk\.ch\d\d(\.\w+)*", n.value)]


def check_imports(root: Path) -> list[str]:
    """Import direction: shared → never a chapter; chapter NN → only chapters ≤ NN; __init__ stays light."""
    problems = []
    pkg = root / "adlk"
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        parts = path.relative_to(pkg).parts
        own = CHAPTER.fullmatch(parts[0]) if len(parts) > 1 else None
        for line, module, names in _imports(path):
            m = re.match(r"adlk\.ch(\d\d)\b", module)
            targets = [m.group(1)] if m else []
            if module == "adlk":
                targets += [n[2:] for n in names if CHAPTER.fullmatch(n)]
            for target in targets:
                if own is None and rel not in LEGACY_SHIMS:
                    problems.append(f"{rel}:{line}: shared module imports chapter ch{target} by name "
                                    "(discover chapters through adlk.runs.registry instead)")
                elif own is not None and int(target) > int(own.group(1)):
                    problems.append(f"{rel}:{line}: ch{own.group(1)} imports a later chapter, ch{target}")
            if own is not None and parts[1] == "__init__.py":
                leaf = module.split(".")[-1]
                heavy = [n for n in names if n in HEAVY]
                if leaf in HEAVY or heavy or module.startswith("matplotlib"):
                    what = f"{module}.{heavy[0]}" if heavy else module
                    problems.append(f"{rel}:{line}: a chapter's __init__ imports {what} "
                                    "(keep experiments, figures, report and matplotlib out of `import adlk.chNN`)")
        if own is None and rel not in LEGACY_SHIMS:
            for line, value in _chapter_strings(path):
                problems.append(f"{rel}:{line}: shared module names chapter module {value!r} "
                                "(discover chapters through adlk.runs.registry instead)")
    return problems


def _nav_chapters(root: Path) -> set[str]:
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\b(ch\d\d)/[\w-]+\.md", text))


def check_chapters(root: Path) -> list[str]:
    """Every chapter has its four places; chapter packages declare __all__; results sit under a chapter."""
    problems = []
    docs = {p.name for p in (root / "docs").glob("ch[0-9][0-9]") if p.is_dir()}
    code = {p.name for p in (root / "adlk").glob("ch[0-9][0-9]") if p.is_dir()}
    tests = {p.name for p in (root / "tests").glob("ch[0-9][0-9]") if p.is_dir()}
    nav = _nav_chapters(root)
    for ch in sorted(docs | code | tests | nav):
        for place, present in (("docs/", docs), ("adlk/", code), ("tests/", tests)):
            if ch not in present:
                problems.append(f"{place}{ch}: missing (a chapter is docs/{ch} + adlk/{ch} + tests/{ch} + a nav entry)")
        if ch not in nav:
            problems.append(f"mkdocs.yml: no nav entry for {ch}")
        init = root / "adlk" / ch / "__init__.py"
        if init.is_file() and "__all__" not in init.read_text(encoding="utf-8"):
            problems.append(f"adlk/{ch}/__init__.py: no __all__ (the names pages may import)")
        if (root / "tests" / ch).is_dir() and not (root / "tests" / ch / "__init__.py").is_file():
            problems.append(f"tests/{ch}/__init__.py: missing (test modules of different chapters share names)")
    for device in ("cpu", "gpu"):
        base = root / "docs" / "results" / device
        for path in sorted(base.glob("*")) if base.is_dir() else []:
            if not CHAPTER.fullmatch(path.name):
                problems.append(f"{path.relative_to(root)}: results must sit under docs/results/{device}/chNN/")
    return problems


def check_page_imports(root: Path) -> list[str]:
    """Pages import only public names: no underscore names, and from a chapter package only its __all__."""
    import importlib

    from pytest_codeblocks import extract_from_file

    problems = []
    for page in sorted((root / "docs").rglob("*.md")):
        if "generated" in page.parts:
            continue
        for block in extract_from_file(page):
            if block.syntax != "python":
                continue
            try:
                tree = ast.parse(block.code)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("adlk"):
                    continue
                names = [a.name for a in node.names]
                rel = page.relative_to(root).as_posix()
                for name in names:
                    if name.startswith("_"):
                        problems.append(f"{rel}: imports private name {node.module}.{name}")
                if CHAPTER.fullmatch(node.module.split(".")[-1]):
                    public = getattr(importlib.import_module(node.module), "__all__", [])
                    for name in names:
                        if name not in public:
                            problems.append(f"{rel}: imports {node.module}.{name}, which is not in its __all__")
    return problems


def test_import_direction():
    problems = check_imports(ROOT)
    assert not problems, "\n".join(problems)


def test_every_chapter_has_its_four_places():
    problems = check_chapters(ROOT)
    assert not problems, "\n".join(problems)


def test_pages_import_public_names_only():
    problems = check_page_imports(ROOT)
    assert not problems, "\n".join(problems)


def test_figures_are_named_by_their_chapter():
    from adlk.site.figures import load_all

    wrong = [f"{spec.module}: figure {name!r}" for name, spec in load_all().items()
             if spec.module.startswith("adlk.ch") and not name.startswith(spec.module.split(".")[1] + "/")]
    assert not wrong, wrong


def test_tables_are_discovered_not_listed():
    """Shared code has no list of chapters: the registry finds every chapter package that exists."""
    from adlk.runs.registry import chapters, tables

    found = chapters()
    assert found == sorted(p.name for p in (ROOT / "adlk").glob("ch[0-9][0-9]") if (p / "__init__.py").is_file())
    assert all(t.chapter in found for t in tables())


def _copy_tree(tmp: Path) -> Path:
    root = tmp / "repo"
    shutil.copytree(ROOT / "adlk", root / "adlk", ignore=shutil.ignore_patterns("__pycache__", "data"))
    (root / "docs").mkdir()
    for ch in (ROOT / "docs").glob("ch[0-9][0-9]"):
        shutil.copytree(ch, root / "docs" / ch.name)
    shutil.copytree(ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_checks_catch_planted_violations(tmp_path):
    root = _copy_tree(tmp_path)
    assert not check_imports(root) and not check_chapters(root)
    # 1. shared code importing a chapter, statically and by string
    (root / "adlk" / "training.py").write_text("from adlk.ch01 import build_mlp\n", encoding="utf-8")
    (root / "adlk" / "runs" / "extra.py").write_text(
        "import importlib\nm = importlib.import_module('adlk.ch01.models')\n", encoding="utf-8")
    # 2. an earlier chapter importing a later one; 3. a heavy __init__
    (root / "adlk" / "ch01" / "later.py").write_text("from adlk.ch05 import GAN\n", encoding="utf-8")
    init = root / "adlk" / "ch01" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "from adlk.ch01 import experiments\n", encoding="utf-8")
    # 4. a chapter with pages but no package, tests or nav entry; 5. results outside a chapter folder
    (root / "docs" / "ch99").mkdir()
    (root / "docs" / "results" / "cpu" / "dqn").mkdir(parents=True)
    problems = "\n".join(check_imports(root) + check_chapters(root))
    for expected in ("adlk/training.py:1: shared module imports chapter ch01",
                     "adlk/runs/extra.py:2: shared module names chapter module 'adlk.ch01.models'",
                     "adlk/ch01/later.py:1: ch01 imports a later chapter, ch05",
                     "adlk/ch01/__init__.py", "a chapter's __init__ imports adlk.ch01.experiments",
                     "adlk/ch99: missing", "tests/ch99: missing", "mkdocs.yml: no nav entry for ch99",
                     "docs/results/cpu/dqn: results must sit under"):
        assert expected in problems, f"{expected!r} not reported in:\n{problems}"


def test_page_import_check_catches_private_and_unlisted_names(tmp_path):
    root = tmp_path / "repo"
    (root / "docs" / "ch01").mkdir(parents=True)
    (root / "docs" / "ch01" / "x.md").write_text(
        "# x\n\n```python\nfrom adlk.ch01 import report\nfrom adlk.datasets.mnist import _sha256\n```\n",
        encoding="utf-8")
    problems = "\n".join(check_page_imports(root))
    assert "imports adlk.ch01.report, which is not in its __all__" in problems
    assert "imports private name adlk.datasets.mnist._sha256" in problems
