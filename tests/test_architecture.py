"""How the modules depend on each other (issue 18): arrows run one way.

- No import cycle between the project's modules.
- No project module imported inside a function (the way a cycle used to be hidden); a task
  another module defers is deferred by its name (procrastinate's configure_task).
- `core` depends on no app (its models name the geography they are scoped to by label).
- `config` holds settings, URLs and the WSGI/ASGI/gunicorn entry points only; the platform's
  code is core's.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("spatial", "containment", "surveys", "dashboards", "core", "config", "fixtures")
APPS = ("spatial", "containment", "surveys", "dashboards")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict) -> list[tuple[str, bool, int]]:
    """(imported project module, whether at module level, line) of one module."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = set()
    for node in tree.body:
        top_level.add(node)
        if isinstance(node, ast.If | ast.Try):
            top_level.update(ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            # `from . import town` imports the module town, not the package it is in.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t for t in targets if t in modules] or [base]
        else:
            continue
        for target in targets:
            if target in modules and target != name:
                found.append((target, node in top_level, node.lineno))
    return found


def _graph():
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_no_import_cycles():
    graph = {name: {t for t, _top, _line in found} for name, found in _graph().items()}
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, cycles


def test_no_project_import_inside_a_function():
    nested = [
        f"{name}:{line} imports {target}"
        for name, found in _graph().items()
        for target, top, line in found
        if not top
    ]
    assert not nested, nested


def test_core_depends_on_no_app():
    reaching = {
        (name, target)
        for name, found in _graph().items()
        if name.startswith("core")
        for target, _top, _line in found
        if target.startswith(APPS)
    }
    assert not reaching, reaching


CONFIG_MODULES = {"config", "config.urls", "config.api_urls", "config.wsgi", "config.asgi"}


def test_config_holds_settings_urls_and_entry_points_only():
    found = {name for name in _modules() if name.startswith("config")}
    extra = {
        name
        for name in found - CONFIG_MODULES
        if not name.startswith("config.settings") and name != "config.gunicorn"
    }
    assert not extra, f"platform code belongs in core: {sorted(extra)}"


def test_modules_read_in_one_sitting():
    """No module over 400 lines outside migrations (issue 18): a module that grows past it
    splits by concern (a package when others import it by its old name)."""
    long = {
        name: lines
        for name, path in _modules().items()
        if (lines := len(path.read_text().splitlines())) > 400
    }
    assert not long, long
