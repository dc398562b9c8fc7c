"""Read the database the bot wrote, for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.storage.orm import Member


def count(app: App, model: Any) -> int:
    with app.uow() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def all_rows(app: App, model: Any) -> list[Any]:
    with app.uow() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def member(app: App, user_id: str) -> Member | None:
    with app.uow() as session:
        return session.scalar(select(Member).where(Member.user_id == user_id))
