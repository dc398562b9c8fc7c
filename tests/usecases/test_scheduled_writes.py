"""The scheduler writes members, cohorts and sprints only through use cases.

Delivery pauses an unreachable member or cohort with ``usecases.delivery``, a kickoff
creates the week's sprint with ``usecases.sprint``, and the nudge last sent is kept by
``usecases.nudging``; what remains in ``bot/scheduling`` writes only outbox rows.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.domain import schedule
from bot.messages import Message
from bot.ports import DeliveryError, Destination
from bot.scheduling.delivery import Delivery
from bot.storage.orm import Cohort, Member, OutboxRow, Sprint

SCHEDULING = Path(__file__).resolve().parents[2] / "bot" / "scheduling"
DOMAIN_ROWS = {"Cohort", "Member", "Sprint", "SprintGoal", "PlanWeek", "CheckInRow", "HourLog"}


def _writes_outside_use_cases(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in ("member", "cohort", "sprint")
            ):
                found.append(f"{path.name}:{node.lineno} sets {target.value.id}.{target.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in DOMAIN_ROWS:
                found.append(f"{path.name}:{node.lineno} builds a {name} row")
            if name in ("update", "delete", "insert") and node.args:
                table = node.args[0]
                if isinstance(table, ast.Name) and table.id in DOMAIN_ROWS:
                    found.append(f"{path.name}:{node.lineno} {name}({table.id})")
    return found


def test_the_scheduler_writes_domain_rows_only_through_use_cases() -> None:
    modules = sorted(SCHEDULING.glob("*.py"))
    assert modules
    assert [w for path in modules for w in _writes_outside_use_cases(path)] == []


class Recorder:
    name = "console"

    def __init__(self, fail_dm: bool = False) -> None:
        self.fail_dm = fail_dm
        self.sent: list[tuple[Destination, Message, str]] = []

    def send(self, destination: Destination, message: Message, key: str) -> str:
        if self.fail_dm and destination.user_id:
            raise DeliveryError("cannot_dm", permanent=True)
        self.sent.append((destination, message, key))
        return f"m{len(self.sent)}"


def _queue(world: Any, kind: str) -> None:
    now = world.app.clock.now()
    with world.app.uow() as session:
        member = session.scalars(select(Member)).one()
        session.add(
            OutboxRow(
                key=f"{kind}:m{member.id}:test",
                cohort_id=member.cohort_id,
                member_id=member.id,
                kind=kind,
                due_at=now,
                created_at=now,
            )
        )


def test_a_kickoff_creates_the_sprint_that_sprint_then_shows(world) -> None:
    world.say("Org", "/cohort start Spring")
    world.say("Ana", "/cohort join")
    _queue(world, schedule.SPRINT_KICKOFF)
    platform = Recorder()
    assert Delivery(world.app.core, world.app.uow, platform, world.app.clock).drain().sent == 1
    [(_, kickoff, _)] = platform.sent
    shown = world.say("Ana", "/sprint").message
    with world.app.uow() as session:
        [sprint] = session.scalars(select(Sprint)).all()
        goal = sprint.goals[0].text
        member = session.scalars(select(Member)).one()
        assert set(member.last_nudges) == {schedule.SPRINT_KICKOFF}
    assert f"1. {goal}" in "\n".join(kickoff.blocks)
    assert goal in shown.blocks[0]


def test_an_undeliverable_dm_pauses_the_member_who_is_then_told(world) -> None:
    world.say("Org", "/cohort start Spring")
    world.say("Ana", "/cohort join")
    world.say("Ana", "/cohort me delivery dm")
    _queue(world, schedule.CHECKIN_PROMPT)
    Delivery(world.app.core, world.app.uow, Recorder(fail_dm=True), world.app.clock).drain()
    with world.app.uow() as session:
        assert session.scalars(select(Member)).one().status == "paused"
        assert not session.scalars(select(Cohort)).one().paused
    assert "Your reminders are paused" in world.say("Ana", "/progress").message.text
