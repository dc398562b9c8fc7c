"""What `cohortbot run` and `cohortbot scheduler` do to the process before serving."""

from __future__ import annotations

import gc
import platform

from bot.bootstrap import limit_malloc_arenas, settle_heap


def test_malloc_arenas_are_capped_on_glibc(monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is (platform.libc_ver()[0] == "glibc")


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


def test_settle_heap_freezes_what_exists_so_full_collections_skip_it() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settle_heap()
        assert gc.get_freeze_count() > 1000  # modules, classes, content: everything alive
    finally:
        gc.unfreeze()
