"""The delivery loop: claim due outbox rows, compose them, send them, record the outcome.

Exactly once, even across crashes and several workers:

* a row is *claimed* (status ``sending``, a lease, the worker's name) in its own
  short transaction — on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so two
  workers never claim the same row;
* it is sent with its idempotency key, then marked ``sent`` only by the worker
  that still holds the claim;
* a worker that dies leaves a claim whose lease runs out; whoever reclaims it
  first asks the platform whether a message with that key already went out
  (``find_sent``) and only sends when it did not.

Retries: 429 and 5xx go back to ``pending`` with exponential backoff, honouring
Retry-After; after ``max_attempts`` the row is ``failed`` with its last error,
visible to admins. A permanent error (channel gone, user left, bot removed)
fails the row at once and pauses that member, or the whole cohort.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Engine, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain import schedule
from bot.messages import Message
from bot.ports import DeliveryError, Destination, Platform
from bot.read import digest
from bot.scheduling import nudges
from bot.storage.db import is_unavailable
from bot.storage.orm import Cohort, Member, OutboxRow
from bot.storage.uow import UnitOfWork
from bot.usecases import Core
from bot.usecases.delivery import pause_cohort, pause_member

log = logging.getLogger(__name__)


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    recovered: int = 0  # found already sent after a crash; not sent again
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0  # pushed past the member's quiet hours
    halted: int = 0  # the platform refused its credentials: the batch stopped there

    def add(self, other: DeliveryStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class RateLimiter:
    """Token buckets: one global, one per channel. ``acquire`` blocks until both allow."""

    def __init__(
        self,
        global_per_second: float = 20.0,
        channel_per_second: float = 1.0,
        burst: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rates = (global_per_second, channel_per_second)
        self.burst = burst
        self.monotonic = monotonic
        self.sleep = sleep
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _refill(self, name: str, rate: float, now: float) -> float:
        tokens, last = self._buckets.get(name, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * rate)
        self._buckets[name] = (tokens, now)
        return tokens

    def acquire(self, channel: str) -> None:
        if len(self._buckets) > 10_000:  # forget idle channels; memory stays flat
            with self._lock:
                self._buckets.clear()
        name = "c:" + channel
        rate_all, rate_one = self.rates
        while True:
            with self._lock:
                now = self.monotonic()
                both = self._refill("*", rate_all, now)
                one = self._refill(name, rate_one, now)
                # Take from both buckets or from neither (with slack for float rounding).
                if both >= 1 - 1e-9 and one >= 1 - 1e-9:
                    self._buckets["*"] = (max(both - 1, 0.0), now)
                    self._buckets[name] = (max(one - 1, 0.0), now)
                    return
                wait = max(
                    (1 - both) / rate_all if both < 1 else 0.0,
                    (1 - one) / rate_one if one < 1 else 0.0,
                )
            self.sleep(wait)


@dataclass
class RetryPolicy:
    # Twelve attempts with capped doubling span about an hour (5 s .. 15 min): a platform
    # outage of several minutes delays messages; only a far longer one fails them.
    max_attempts: int = 12
    base: float = 5.0  # seconds
    cap: float = 15 * 60.0
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempts: int, retry_after: float | None) -> float:
        backoff = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        backoff *= 0.75 + 0.5 * self.jitter()
        return max(backoff, retry_after or 0.0)


# Whatever a member chose, these never appear in the channel: nobody is shown publicly
# as having gone quiet.
PRIVATE_KINDS = frozenset({schedule.INACTIVITY})


def destination_for(cohort: Cohort, member: Member | None, kind: str = "") -> Destination:
    if member is not None and (member.delivery == "dm" or kind in PRIVATE_KINDS):
        return Destination(cohort.platform, cohort.workspace_id, cohort.channel_id, member.user_id)
    return Destination(cohort.platform, cohort.workspace_id, cohort.channel_id)


class Delivery:
    """Sends outbox rows through one platform. ``run_once`` does one batch."""

    def __init__(
        self,
        core: Core,
        uow: UnitOfWork,
        platform: Platform,
        clock: Clock,
        *,
        worker: str = "worker",
        batch: int = 50,
        lease: timedelta = timedelta(minutes=5),
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        platforms: tuple[str, ...] | None = None,
    ) -> None:
        self.core = core
        self.uow = uow
        self.platform = platform
        self.clock = clock
        self.worker = worker
        self.batch = batch
        self.lease = lease
        self.limiter = limiter or RateLimiter()
        self.retry = retry or RetryPolicy()
        # Which cohorts' rows this worker may send (a Slack process does not send Discord's).
        self.platforms = platforms

    @property
    def engine(self) -> Engine:
        return self.uow.engine

    # -- claiming ----------------------------------------------------------------------

    def claim(self, now: datetime) -> list[tuple[int, bool]]:
        """Claim up to ``batch`` rows; returns (id, was_abandoned) pairs."""
        ready = or_(
            (OutboxRow.status == "pending")
            & (OutboxRow.due_at <= now)
            & (or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now)),
            (OutboxRow.status == "sending") & (OutboxRow.claimed_until < now),
        )
        query = select(OutboxRow.id, OutboxRow.status).where(ready)
        if self.platforms is not None:
            query = query.join(Cohort, Cohort.id == OutboxRow.cohort_id).where(
                Cohort.platform.in_(self.platforms)
            )
        query = query.order_by(OutboxRow.due_at, OutboxRow.id).limit(self.batch)
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(of=OutboxRow, skip_locked=True)
            rows = conn.execute(query).all()
            if not rows:
                return []
            ids = [r.id for r in rows]
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids))
                .values(
                    status="sending",
                    claimed_by=self.worker,
                    claimed_until=now + self.lease,
                    attempts=OutboxRow.attempts + 1,
                )
            )
        return [(r.id, r.status == "sending") for r in rows]

    # -- one batch ---------------------------------------------------------------------

    def run_once(self) -> DeliveryStats:
        stats = DeliveryStats()
        now = self.clock.now()
        claimed = self.claim(now)
        stats.claimed = len(claimed)
        for index, (row_id, abandoned) in enumerate(claimed):
            if stats.halted:
                # The platform can send nothing now; the rest go back untouched.
                self._release([rid for rid, _ in claimed[index:]])
                break
            try:
                self._deliver(row_id, abandoned, stats)
            except Exception as exc:  # one row must not stop the batch; the lease retries it
                if is_unavailable(exc):
                    # The database went away: the rest of the batch would fail the same way.
                    # Claimed rows wait for their lease; whoever reclaims them asks the
                    # platform first (find_sent), so nothing is sent twice.
                    log.warning(
                        "delivery paused at outbox row %s: database unavailable (%s)",
                        row_id,
                        type(exc).__name__,
                        extra={"outbox_id": row_id},
                    )
                    break
                log.exception(
                    "delivering outbox row %s failed unexpectedly",
                    row_id,
                    extra={"outbox_id": row_id},
                )
        return stats

    def _release(self, ids: list[int]) -> None:
        """Give claimed rows back as if never claimed (no attempt counted)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == self.worker)
                .values(status="pending", claimed_until=None, attempts=OutboxRow.attempts - 1)
            )

    def drain(self, max_batches: int = 1000) -> DeliveryStats:
        total = DeliveryStats()
        for _ in range(max_batches):
            stats = self.run_once()
            total.add(stats)
            if stats.claimed == 0 or stats.halted:
                break
        return total

    def _deliver(self, row_id: int, abandoned: bool, stats: DeliveryStats) -> None:
        now = self.clock.now()
        with self.uow() as session:
            row = session.get(OutboxRow, row_id)
            if row is None or row.claimed_by != self.worker or row.status != "sending":
                return  # forgotten member (cascade) or reclaimed by someone else
            cohort = session.get(Cohort, row.cohort_id)
            member = session.get(Member, row.member_id) if row.member_id else None
            assert cohort is not None
            reason = self._skip_reason(row, cohort, member, now)
            if reason:
                row.status, row.last_error = "skipped", reason
                stats.skipped += 1
                return
            if member is not None:
                later = self._after_quiet_hours(member, now)
                if later is not None:
                    if row.expires_at is not None and later >= row.expires_at:
                        row.status, row.last_error = "skipped", "quiet hours until it expired"
                        stats.skipped += 1
                    else:
                        row.status, row.next_attempt_at = "pending", later
                        row.attempts -= 1  # not a real attempt
                        stats.deferred += 1
                    return
            destination = destination_for(cohort, member, row.kind)
            if abandoned:
                found = self._find_sent(destination, row.key)
                if found is not None:
                    row.status, row.sent_at, row.platform_message_id = "sent", now, found
                    stats.recovered += 1
                    return
            message = self._compose(session, row, cohort, member, now)
            # Keep the composed words: a retry sends exactly what was decided now.
            row.payload = message.to_dict()
        # The send happens outside any transaction: no lock is held while waiting on a network.
        self.limiter.acquire(destination.user_id or destination.channel_id)
        try:
            message_id = self.platform.send(destination, message, key=row.key)
        except DeliveryError as exc:
            self._record_failure(row_id, exc, stats)
            return
        except Exception as exc:  # an unexpected client error: treat as retryable
            log.exception("platform %s raised on outbox row %s", self.platform.name, row_id)
            self._record_failure(row_id, DeliveryError(type(exc).__name__), stats)
            return
        with self.uow() as session:
            result: CursorResult[tuple[()]] = session.execute(  # type: ignore[assignment]
                update(OutboxRow)
                .where(OutboxRow.id == row_id, OutboxRow.claimed_by == self.worker)
                .values(
                    status="sent",
                    sent_at=self.clock.now(),
                    platform_message_id=message_id,
                    last_error=None,
                )
            )
            if result.rowcount:
                stats.sent += 1
            else:
                log.warning("outbox row %s was reclaimed while it was being sent", row_id)
                stats.sent += 1

    def _find_sent(self, destination: Destination, key: str) -> str | None:
        finder = getattr(self.platform, "find_sent", None)
        if finder is None:
            return None
        try:
            return finder(destination, key)
        except DeliveryError:
            return None

    def _skip_reason(
        self, row: OutboxRow, cohort: Cohort, member: Member | None, now: datetime
    ) -> str | None:
        if cohort.paused:
            return "cohort paused"
        if row.member_id is not None:
            if member is None:
                return "member gone"
            if member.status != "active":
                return f"member {member.status}"
            if row.kind in schedule.MEMBER_KINDS and row.kind in member.reminders_off.split(","):
                return "reminder turned off"
        if row.expires_at is not None and now >= row.expires_at:
            return "expired before delivery"
        return None

    @staticmethod
    def _after_quiet_hours(member: Member, now: datetime) -> datetime | None:
        """When ``now`` falls in the member's quiet hours, the moment they end."""
        return schedule.quiet_hours_end(now, member.timezone, member.quiet_start, member.quiet_end)

    def _compose(
        self, session: Session, row: OutboxRow, cohort: Cohort, member: Member | None, now: datetime
    ) -> Message:
        if row.payload:
            return Message.from_dict(row.payload)
        if member is not None:
            message, nudge_id = nudges.member_message(
                self.core.content,
                session,
                member,
                row.kind,
                row.key,
                now,
                in_channel=destination_for(cohort, member, row.kind).user_id is None,
            )
            row.nudge_id = nudge_id
            return message
        # The only cohort-wide kind: the weekly digest, for the week its key names.
        return digest.compose(session, cohort, now, self.core.content, key=row.key)

    def _record_failure(self, row_id: int, exc: DeliveryError, stats: DeliveryStats) -> None:
        now = self.clock.now()
        with self.uow() as session:
            row = session.get(OutboxRow, row_id)
            if row is None or row.claimed_by != self.worker:
                return
            row.last_error = exc.reason[:500]
            row.claimed_until = None
            if exc.halt:
                # Bad credentials say nothing about the destination: pause nobody, and do
                # not spend an attempt; the row waits until the platform can send again.
                row.status = "pending"
                row.attempts -= 1
                row.next_attempt_at = now + timedelta(seconds=exc.retry_after or self.retry.cap)
                stats.halted += 1
            elif exc.permanent:
                row.status = "failed"
                stats.failed += 1
                self._pause_unreachable(session, row)
            elif row.attempts >= self.retry.max_attempts:
                row.status = "failed"
                stats.failed += 1
                log.warning(
                    "outbox row %s failed after %d attempts: %s",
                    row_id,
                    row.attempts,
                    row.last_error,
                )
            else:
                row.status = "pending"
                row.next_attempt_at = now + timedelta(
                    seconds=self.retry.delay(row.attempts, exc.retry_after)
                )
                stats.retried += 1

    @staticmethod
    def _pause_unreachable(session: Session, row: OutboxRow) -> None:
        """Stop writing to a destination that cannot receive, instead of looping on it."""
        member = session.get(Member, row.member_id) if row.member_id else None
        to_dm = member is not None and (member.delivery == "dm" or row.kind in PRIVATE_KINDS)
        if member is None or not to_dm:
            pause_cohort(session, row.cohort_id)
            log.warning("cohort %s paused: its channel is unreachable", row.cohort_id)
        elif member.delivery == "dm":
            pause_member(member)
            log.warning("member %s paused: direct messages undeliverable", member.id)
        else:
            # Only a private note went by DM; their prompts come in the channel, which works.
            log.warning("member %s: a private note could not be sent by DM", member.id)
