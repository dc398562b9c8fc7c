"""Unit of work: one transaction per use case, committed only when it all succeeded."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from bot.storage.db import CommitUnconfirmed, is_unavailable

_WROTE = "cohortbot.wrote"


class UnitOfWork:
    """``with uow() as session:`` commits on success and rolls back on any exception."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._factory, "after_flush", _after_flush)
        event.listen(self._factory, "do_orm_execute", _on_execute)

    def __call__(self) -> _Transaction:
        return _Transaction(self._factory())

    @staticmethod
    def wrote(session: Session) -> bool:
        """Whether the session sent any change to the database (flushed or executed)."""
        return bool(session.info.get(_WROTE))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # Still the pre-flush state here: what this flush wrote.
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        session.info[_WROTE] = True


def _on_execute(state: ORMExecuteState) -> Any:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True
    return None


class _Transaction:
    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> Session:
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def _commit(self) -> None:
        # Flushed first: a failure up to here certainly kept nothing. Past it, the COMMIT
        # itself was on its way and the server may have applied it before going quiet.
        self.session.flush()
        try:
            self.session.commit()
        except Exception as exc:
            if is_unavailable(exc) and UnitOfWork.wrote(self.session):
                raise CommitUnconfirmed(type(exc).__name__) from exc
            raise
