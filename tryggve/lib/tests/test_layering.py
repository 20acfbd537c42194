"""The layering of docs/architecture.md, checked on the source: an app imports only from
lower layers, and no module of tryggve imports itself round a cycle.

Imports are read with `ast`, including those inside functions (a lazy import is still a
dependency). Tests may import anything, so `tests/` folders are skipped by the layer rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the tryggve package

# Lowest first; an app may import apps of a lower number only.
LAYERS = {
    "lib": 0,
    "accounts": 1,
    "areas": 1,
    "audit": 1,
    "reports": 2,
    "surveys": 2,
    "analytics": 3,
    "watch": 4,
    "open311": 5,
    "followup": 5,
    "rights": 5,
    "demo": 6,
}
# Project-level modules (settings, URL configuration, test fixtures) sit above every app.
PROJECT_LEVEL = {"locale", "templates"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every tryggve module or package `path` imports, at any depth of the code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from tryggve.lib import mail` imports the module tryggve.lib.mail.
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "tryggve" or name.startswith("tryggve.")}


def source_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the tryggve modules it imports (only names that are real modules)."""
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in paths} for name, path in paths.items()}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, imported in sorted(graph.items()):
        parts = module.split(".")
        if len(parts) < 3 or "tests" in parts or parts[1] in PROJECT_LEVEL:
            continue
        app = parts[1]
        if app not in LAYERS:
            problems.append(f"{module}: app {app!r} has no layer in test_layering.LAYERS")
            continue
        for target in sorted(imported):
            other = target.split(".")[1] if target.count(".") >= 1 else ""
            if other in LAYERS and other != app and LAYERS[other] >= LAYERS[app]:
                problems.append(f"{module} imports {target}: {app} may not import {other}")
    return problems


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_app_imports_a_higher_one():
    assert layer_violations(source_graph()) == []


def test_no_import_cycles_inside_tryggve():
    # Package __init__ modules re-exporting their children are not cycles worth breaking,
    # but Tryggve's packages are empty, so every group found is a real cycle.
    assert import_cycles(source_graph()) == []


# The checks themselves must be able to fail -------------------------------------------------


def test_a_lower_app_importing_a_higher_one_is_found():
    graph = {
        "tryggve.areas.services": {"tryggve.reports.models"},
        "tryggve.reports.views": {"tryggve.areas.models"},
        "tryggve.accounts.views": {"tryggve.audit.models"},
        "tryggve.reports.tests.test_x": {"tryggve.demo.incidents"},
    }
    assert layer_violations(graph) == [
        "tryggve.accounts.views imports tryggve.audit.models: accounts may not import audit",
        "tryggve.areas.services imports tryggve.reports.models: areas may not import reports",
    ]


def test_an_unknown_app_must_be_placed():
    assert layer_violations({"tryggve.newapp.views": set()}) == [
        "tryggve.newapp.views: app 'newapp' has no layer in test_layering.LAYERS"
    ]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycles_are_found(graph, expected):
    assert import_cycles(graph) == expected


def test_lazy_imports_count(tmp_path):
    package = tmp_path / "tryggve" / "lib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (tmp_path / "tryggve" / "__init__.py").write_text("")
    (package / "mail.py").write_text("def f():\n    from tryggve.lib.tasks import t\n")
    (package / "tasks.py").write_text("from tryggve.lib import mail\n")
    graph = source_graph(tmp_path / "tryggve")
    assert import_cycles(graph) == [["tryggve.lib.mail", "tryggve.lib.tasks"]]
