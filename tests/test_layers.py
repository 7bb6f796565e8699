"""The layers of the product, read from the source's imports (ast): data flows one way, nothing imports
upward and no module imports itself back through others. Adding an upward import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("queries", "graph", "schema", "lookup", "loaders", "exports", "api", "qfq")

# What each package may import of the others (a dotted prefix: "lookup.text" allows that module only).
ALLOWED: dict[str, tuple[str, ...]] = {
    "queries": (),
    "graph": ("queries",),
    "schema": ("graph",),
    "lookup": ("graph", "queries"),
    "loaders": ("graph", "queries", "schema", "lookup.text"),
    "exports": ("graph", "queries", "schema"),
    "api": ("graph", "queries", "schema", "lookup", "exports"),
    "qfq": ("graph", "queries", "schema", "lookup", "loaders", "exports", "api"),
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """The product modules `path` imports (anywhere in the file, function bodies included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from api import web` imports the module api.web; `from graph import open_store`, graph itself
            names = [f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}") else node.module
                     for a in node.names]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] in PACKAGES}
    return found


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def test_no_import_runs_upward() -> None:
    wrong = []
    for module, imported in _graph().items():
        package = module.split(".")[0]
        for name in sorted(imported):
            other = name.split(".")[0]
            allowed = ALLOWED[package]
            if other != package and not any(name == a or name.startswith(a + ".") for a in allowed):
                wrong.append(f"{module} imports {name}")
    assert not wrong, "imports against the layers (see ALLOWED):\n" + "\n".join(wrong)


def test_no_import_loop() -> None:
    graph = _graph()
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for name in sorted(graph.get(module, ())):
            if state.get(name) == 1:
                loops.append(path[path.index(name):] + [name])
            elif name not in state:
                visit(name)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not loops, "import loops:\n" + "\n".join(" → ".join(loop) for loop in loops)


@pytest.mark.parametrize("source, target", [("queries/__init__.py", "graph.errors"), ("graph/store.py", "api.web")])
def test_the_check_sees_an_upward_import(tmp_path: Path, source: str, target: str) -> None:
    """The reading of imports the tests above rely on finds an import added upward."""
    path = tmp_path / "probe.py"
    path.write_text((ROOT / source).read_text(encoding="utf-8") + f"\n\ndef later():\n    import {target}\n",
                    encoding="utf-8")
    assert target in _imports(path)
