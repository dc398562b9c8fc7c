"""A delivery worker that kills itself with SIGKILL at a chosen point (run as a subprocess).

usage: python -m tests.scheduling.crash_worker DB_URL JOURNAL NOW_ISO MODE N
  MODE after-send:   die right after the Nth message was sent, before it is marked sent
  MODE before-send:  die when about to send the Nth message (it was claimed, never sent)
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from bot.bootstrap import bootstrap
from bot.clock import FixedClock
from bot.scheduling.delivery import Delivery, RateLimiter
from bot.storage.db import make_engine
from tests.scheduling.sched_fakes import FakePlatform


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    url, journal, now, mode, n = sys.argv[1:6]
    target = int(n)
    clock = FixedClock(datetime.fromisoformat(now))
    app = bootstrap(engine=make_engine(url), clock=clock, migrate=False)
    if mode == "after-send":
        platform = FakePlatform(
            Path(journal), after_send=lambda count: die() if count == target else None
        )
    else:
        calls = [0]

        def maybe_die(dest, msg):  # type: ignore[no-untyped-def]
            calls[0] += 1
            if calls[0] == target:
                die()
            return None

        platform = FakePlatform(Path(journal), fail_when=maybe_die)
    Delivery(
        app.core, app.uow, platform, clock, worker="doomed", limiter=RateLimiter(1e9, 1e9)
    ).drain()
    print("finished without dying", flush=True)


if __name__ == "__main__":
    main()
