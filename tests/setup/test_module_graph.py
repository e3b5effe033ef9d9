"""The house drawn from the imports: no loops between modules, the environment read in one
module, and every blueprint registered by the app factory where a reader looks for it."""
from __future__ import annotations

import ast
from pathlib import Path

from surveyapp.settings import PROJECT_ROOT

PACKAGES = ("surveyapp", "analysis")


def modules() -> dict[str, tuple[Path, ast.Module]]:
    """Every module of the packages by dotted name (a package by its own name), parsed."""
    found: dict[str, tuple[Path, ast.Module]] = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: at its top level, also inside if/try/with
    blocks (TYPE_CHECKING included), not inside functions or classes."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                found.append(statement)
            elif isinstance(statement, (ast.If, ast.Try, ast.With)):
                visit(statement.body)
                visit(getattr(statement, "orelse", []))
                visit(getattr(statement, "finalbody", []))
                for handler in getattr(statement, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the packages it imports at module level. `from a import b` is an
    edge to `a.b` when that is a module, to `a` otherwise."""
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, (path, tree) in known.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in module_level_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package[: len(package) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_imports_it_should():
    graph = import_graph()
    assert "surveyapp.kiosk.errors" in graph["surveyapp.kiosk.auth"]
    assert "surveyapp.auth.routes" in graph["surveyapp.auth.admin"]


def test_a_loop_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_surveyapp_or_analysis_imports_itself_back_through_others():
    assert cycles(import_graph()) == []


def test_only_the_settings_module_reads_the_environment_or_defaults_the_config():
    offenders = []
    for name, (path, tree) in modules().items():
        if name == "surveyapp.settings":
            continue
        for node in ast.walk(tree):
            reads_environment = (
                isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
                or isinstance(node, ast.ImportFrom) and node.module == "os"
                and any(alias.name in ("environ", "getenv") for alias in node.names)
            )
            defaults_config = (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "config"
            )
            if reads_environment or defaults_config:
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{getattr(node, 'lineno', 0)}")
    assert offenders == []


def test_only_the_app_factory_registers_blueprints():
    registering = sorted(
        name
        for name, (_, tree) in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "register_blueprint"
    )
    assert set(registering) == {"surveyapp"}
