"""Admin reports: the cohort summary (with its chart) and the data export."""

from __future__ import annotations

from bot.domain import commands as c
from bot.domain.errors import NotFound
from bot.messages import Message, Reply, safe_text
from bot.usecases import membership
from bot.usecases.context import SLOW_REPORT, Ctx, UseCase


def summary(ctx: Ctx, cmd: c.ShowSummary) -> Reply:
    from bot.read import reports  # matplotlib is heavy; load it only when a summary is asked for

    cohort = membership.require_admin(ctx)
    if (why := reports.no_such_week(cohort, ctx.now, cmd.weeks_back)) is not None:
        raise NotFound(why)
    data = reports.cohort_summary(
        ctx.session, cohort, ctx.now, ctx.content, weeks_back=cmd.weeks_back
    )
    return Reply(reports.summary_message(data, chart=True))


def export(ctx: Ctx, cmd: c.ExportCohort) -> Reply:
    from bot.read import reports

    cohort = membership.require_admin(ctx)
    files = reports.export_files(ctx.session, cohort)
    return Reply(
        Message(
            f"Export of {safe_text(cohort.name, 80)}: " + ", ".join(f.filename for f in files),
            title="Export",
            files=tuple(files),
        )
    )


USE_CASES: dict[type[c.Command], UseCase] = {
    c.ShowSummary: UseCase(summary, SLOW_REPORT),
    c.ExportCohort: UseCase(export, SLOW_REPORT),
}
