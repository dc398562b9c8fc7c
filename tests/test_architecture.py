"""The dependency rule: the core never imports a platform library or an adapter."""

from __future__ import annotations

import ast
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
