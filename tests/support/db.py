"""Read the database the bot wrote, for assertions: counts, rows, whole-database snapshots."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, String, Text, func, select

from bot.bootstrap import App
from bot.storage.orm import Base, Member


def count(app: App, model: Any, **where: Any) -> int:
    """Rows of ``model``, optionally only those whose columns equal ``where``."""
    with app.uow() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int(session.scalar(query) or 0)


def all_rows(app: App, model: Any) -> list[Any]:
    with app.uow() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def member(app: App, user_id: str) -> Member | None:
    with app.uow() as session:
        return session.scalar(select(Member).where(Member.user_id == user_id))


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: "nothing changed" is two equal snapshots."""
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(t)))
            for t in Base.metadata.sorted_tables
        }


def settled_snapshot(
    engine: Engine, quiet: float = 0.03, timeout: float = 3.0
) -> dict[str, list[tuple[Any, ...]]]:
    """A snapshot once background bookkeeping (ids of public posts) has stopped changing."""
    deadline = time.monotonic() + timeout
    previous = snapshot(engine)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = snapshot(engine)
        if now == previous:
            return now
        previous = now
    return previous


def stored_anywhere(engine: Engine, value: str) -> list[str]:
    """``table.column`` of every text column holding exactly ``value``."""
    found = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, (String, Text)):
                    continue
                hit = conn.scalar(select(func.count()).select_from(table).where(column == value))
                if hit:
                    found.append(f"{table.name}.{column.name}")
    return found
