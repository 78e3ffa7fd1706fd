"""Sphinx roles in docstrings (``:func:`figure```) as cross-references on the API reference pages.

The docstrings use Sphinx's roles; mkdocstrings renders Markdown, where such a role would show as literal text.
This griffe extension (named in ``mkdocs.yml``) rewrites each role when the API reference is built, without
touching the source (a task function's source, docstring included, is part of its rows' validity key): a role
whose target is documented on the reference pages becomes an autorefs link ``[`name`][adlk.module.name]``,
any other (a private helper, a Keras class) becomes inline code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?P<role>func|class|meth|mod|attr|data|exc|obj|const):`(?P<tilde>~?)(?P<target>[^`<>]+)`")
REFERENCE = Path(__file__).resolve().parent.parent.parent / "docs" / "reference"
DIRECTIVE = re.compile(r"^:::\s+(\S+)\s*$", flags=re.MULTILINE)


def documented_modules(folder: Path = REFERENCE) -> set[str]:
    """The modules the reference pages render (their ``::: module`` lines)."""
    return {m for page in folder.glob("*.md") for m in DIRECTIVE.findall(page.read_text(encoding="utf-8"))}


def _rendered(obj: griffe.Object | griffe.Alias, modules: set[str]) -> bool:
    """Whether mkdocstrings renders ``obj`` (so that an anchor exists for it): public, with a docstring, in a
    rendered module, and every parent up to that module rendered too."""
    path = obj.path
    if not any(path == m or path.startswith(m + ".") for m in modules):
        return False
    node: Any = obj
    while node is not None and node.path not in modules:
        try:
            if (node.name.startswith("_") or not node.docstring or node.is_module
                    or (node.is_alias and not node.is_public)):
                return False
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return False
        node = node.parent
    return node is not None


def _reexports(obj: griffe.Object | griffe.Alias, root: griffe.Module, modules: set[str]) -> list[griffe.Alias]:
    """Aliases of ``obj`` in the rendered modules (a package importing it from one of its submodules)."""
    found = []
    for module in sorted(modules):
        try:
            member = (root if module == root.name else root[module.removeprefix(root.name + ".")]).members.get(obj.name)
            if member is not None and member.is_alias and member.target_path == obj.path:
                found.append(member)
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
    return found


def _lookup(scope: griffe.Object, target: str, root: griffe.Module) -> griffe.Object | griffe.Alias | None:
    """The object ``target`` names, seen from ``scope`` (its members, imports and parents), or ``None``."""
    target = target.removesuffix("()")
    first, _, rest = target.partition(".")
    candidates = []
    if target.startswith(root.name + "."):
        candidates.append(target)
    try:
        base = scope.resolve(first)
        candidates.append(base + ("." + rest if rest else ""))
    except (griffe.NameResolutionError, ValueError, KeyError):
        pass
    for path in candidates:
        try:
            return root[path.removeprefix(root.name + ".")] if path != root.name else root
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
    return None


def convert(text: str, scope: griffe.Object, root: griffe.Module, modules: set[str]) -> str:
    """Replace every Sphinx role in ``text`` by a cross-reference or by inline code."""

    def replace(m: re.Match[str]) -> str:
        target = m["target"].strip()
        shown = target.rsplit(".", 1)[-1] if m["tilde"] else target
        if m["role"] in ("func", "meth") and not shown.endswith("()"):
            shown += "()"
        obj = _lookup(scope, target, root)
        if obj is None:
            return f"`{shown}`"
        # an object defined in a submodule is rendered where its package re-exports it (adlk.ch01.build_cnn)
        for candidate in (obj, *_reexports(obj, root, modules)):
            if _rendered(candidate, modules):
                return f"[`{shown}`][{candidate.path}]"
        return f"`{shown}`"

    return ROLE.sub(replace, text)


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles in every docstring of the package once it is loaded."""

    def __init__(self) -> None:
        self.modules = documented_modules()

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        seen: set[int] = set()

        def walk(obj: griffe.Object) -> None:
            if id(obj) in seen:
                return
            seen.add(id(obj))
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value, obj, pkg, self.modules)
            for member in obj.members.values():
                if not member.is_alias:
                    walk(member)

        walk(pkg)
