"""The architecture rules, read from the source with ``ast``: the core imports no platform
and no adapter; the domain only the standard library; adapters reach storage only through
the core; no import cycle; no module, class or function too long to hold."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord", "adapters")
DOMAIN_FORBIDDEN = (*FORBIDDEN, "sqlalchemy", "pydantic", "bot.storage")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_the_core_imports_no_platform_and_no_adapter(path: Path) -> None:
    banned = DOMAIN_FORBIDDEN if "domain" in path.parts else FORBIDDEN
    bad = sorted(m for m in imports(path) if m.split(".")[0] in banned or m.startswith(banned))
    assert bad == [], f"{path.name} imports {bad}"


# -- sizes a reader can hold ---------------------------------------------------------------

ROOT = BOT.parent
LAYERS = ("bot", "adapters")
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 400
MAX_FUNCTION_LINES = 120


def sources(root: Path = ROOT) -> dict[str, Path]:
    """Every module of bot/ and adapters/ by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def oversized(root: Path = ROOT) -> list[str]:
    """``module: what, lines`` for every module, class and function over its limit."""
    found = []
    for name, path in sources(root).items():
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{name}: module, {lines} lines")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.ClassDef):
                limit, kind = MAX_CLASS_LINES, "class"
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                limit, kind = MAX_FUNCTION_LINES, "function"
            else:
                continue
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if size > limit:
                found.append(f"{name}: {kind} {node.name} (line {node.lineno}), {size} lines")
    return found


def test_no_module_class_or_function_is_over_its_size_limit() -> None:
    assert oversized() == []


# -- no import cycle -----------------------------------------------------------------------


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in its body: at the top, inside
    ``if TYPE_CHECKING:`` and inside functions. ``from p import m`` is an edge to ``p.m``
    when that is a module, else to the package ``p`` (whose ``__init__`` has its own edges)."""
    modules = sources(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(_known(alias.name, modules) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: climb from this module's package
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in modules else _known(base, modules))
        targets.discard("")
        targets.discard(name)
        graph[name] = targets
    return graph


def _known(dotted: str, modules: dict[str, Path]) -> str:
    """The longest prefix of ``dotted`` that is a project module ("" for other packages)."""
    parts = dotted.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return ""


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as ``[a, b, ..., a]``, or ``[]`` when there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if cycle := visit(target):
                return cycle
        path.pop()
        done.add(name)
        return []

    for name in sorted(graph):
        if cycle := visit(name):
            return cycle
    return []


def test_no_import_cycle_among_bot_and_adapters() -> None:
    cycle = find_cycle(import_graph())
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


# -- who may import what -------------------------------------------------------------------

STORAGE_INTERNALS = ("bot.storage.db", "bot.storage.orm")
# Adapters reach the database only through the core. An exception would be listed here;
# the test fails once one is no longer needed, so none can outlive the code it excuses.
STORAGE_ALLOWED: dict[str, str] = {}


def storage_imports(root: Path = ROOT) -> dict[str, set[str]]:
    """Adapter module -> the storage internals it imports."""
    return {
        name: found
        for name, targets in import_graph(root).items()
        if name.startswith("adapters")
        and (found := {t for t in targets if t.startswith(STORAGE_INTERNALS)})
    }


def test_adapters_never_import_the_database_or_the_orm() -> None:
    found = storage_imports()
    bad = {
        name: sorted(targets - {STORAGE_ALLOWED.get(name, "")}) for name, targets in found.items()
    }
    assert {name: t for name, t in bad.items() if t} == {}
    stale = sorted(name for name in STORAGE_ALLOWED if name not in found)
    assert stale == [], f"no longer needed, remove from STORAGE_ALLOWED: {stale}"


def foreign_domain_imports(root: Path = ROOT) -> dict[str, list[str]]:
    """bot.domain module -> what it imports beyond the standard library and bot.domain."""
    found: dict[str, list[str]] = {}
    for name, path in sources(root).items():
        if not (name == "bot.domain" or name.startswith("bot.domain.")):
            continue
        bad = sorted(
            m
            for m in imports(path)
            if m.split(".")[0] not in sys.stdlib_module_names
            and not (m == "bot.domain" or m.startswith("bot.domain."))
        )
        if bad:
            found[name] = bad
    return found


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    assert foreign_domain_imports() == {}


# -- the checks themselves can fail --------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_cycle_through_a_package_re_export_or_a_type_checking_import_is_found(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "adapters/__init__.py": "",
            "bot/read/__init__.py": "from bot.read.cards import card\n",
            "bot/read/cards.py": "def card():\n    from adapters.render import x\n",
            "adapters/render.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from bot.read import card\n"
            ),
        },
    )
    assert find_cycle(import_graph(root)) == [
        "adapters.render",
        "bot.read",
        "bot.read.cards",
        "adapters.render",
    ]


def test_a_long_module_is_over_its_limit(tmp_path: Path) -> None:
    root = write(tmp_path, {"bot/__init__.py": "", "adapters/big.py": "x = 1\n" * 601})
    assert oversized(root) == ["adapters.big: module, 601 lines"]
