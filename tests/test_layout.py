"""The shape of the code, checked: no import cycles, imports only in the allowed direction
(runtime -> handlers -> domain -> storage; knowledge for all), no feature reaching into
another's listeners, and modules and functions small enough to read in one go."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.utils.paths import REPO

PACKAGES = ("bot", "handlers", "knowledge")
MODULE_LINES = 320  # about 300
FUNCTION_LINES = 60
# What a feature may import from another feature: its rendering and the ids it owns.
SHAREABLE_FEATURE_MODULES = {"views", "modals"}
FEATURES = {"ask", "retro", "standup", "home", "prompts", "workspaces"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = modules()


def imports_of(path: Path, name: str) -> Iterator[str]:
    """Every module `path` imports, at any depth (imports inside functions count too)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def project_imports(name: str) -> set[str]:
    return {target for target in imports_of(MODULES[name], name) if target in MODULES
            and target != name}


GRAPH = {name: project_imports(name) for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
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

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def all_imports(prefix: str) -> Iterator[tuple[str, str]]:
    """(module, what it imports) for every module under `prefix`, third-party included."""
    for name, path in MODULES.items():
        if name == prefix or name.startswith(prefix + "."):
            for target in imports_of(path, name):
                yield name, target


def test_the_layout_is_found():
    assert {"bot.domain.retro.service", "handlers.kit.replies", "knowledge.index",
            "bot.runtime.app", "bot.storage.engine"} <= MODULES.keys()


def test_no_import_cycles():
    assert _cycles() == []


@pytest.mark.parametrize(("package", "forbidden"), [
    ("handlers", ("bot.runtime", "bot.localslack")),
    ("bot.domain", ("handlers", "bot.runtime", "bot.localslack", "slack_bolt", "slack_sdk",
                    "aiohttp")),
    ("bot.storage", ("bot.domain", "handlers", "bot.runtime", "bot.localslack", "slack_bolt",
                     "slack_sdk")),
    ("knowledge", ("bot", "handlers", "slack_bolt", "slack_sdk", "sqlalchemy")),
])
def test_imports_go_one_way(package, forbidden):
    wrong = [(name, target) for name, target in all_imports(package)
             if any(target == f or target.startswith(f + ".") for f in forbidden)]
    assert wrong == []


def test_a_feature_uses_another_only_through_its_views():
    wrong = []
    for name, targets in GRAPH.items():
        parts = name.split(".")
        if parts[0] != "handlers" or len(parts) < 2 or parts[1] not in FEATURES:
            continue
        for target in targets:
            other = target.split(".")
            if (other[0] == "handlers" and len(other) > 2 and other[1] in FEATURES
                    and other[1] != parts[1] and other[2] not in SHAREABLE_FEATURE_MODULES):
                wrong.append((name, target))
    assert wrong == []


def test_modules_and_functions_are_small():
    too_long = []
    for name, path in MODULES.items():
        if ".migrations." in f".{name}.":
            continue
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MODULE_LINES:
            too_long.append((name, len(source.splitlines())))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_long.append((f"{name}.{node.name}", length))
    assert too_long == []


def test_every_module_says_what_it_is_for():
    missing = [name for name, path in MODULES.items()
               if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None]
    assert missing == []


def test_the_running_bot_ranks_questions_only_through_the_matcher():
    """Ranking a question costs tens of milliseconds of CPU: called on the index itself, it
    would run on the event loop and hold up every other request (bot.domain.matcher)."""
    wrong = []
    for name, path in MODULES.items():
        if not name.startswith(("handlers.", "bot.domain.")) or name == "bot.domain.matcher":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"search", "focus"}
                    and ast.unparse(node.func.value).split(".")[-1] in {"index", "_index"}):
                wrong.append((name, node.lineno))
    assert wrong == []
