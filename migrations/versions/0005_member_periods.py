"""member periods and milestone cards: leaving and coming back keeps a member's history

A member's time in the cohort is a list of periods (joined, left), so a past week counts
who was in it then, whatever they did since. Milestone awards keep where their public
card landed, so an undo can edit it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_member_periods_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_periods")),
    )
    op.create_index(op.f("ix_member_periods_member_id"), "member_periods", ["member_id"])
    # Each member's one period so far. A member who left before 0004 has no known leaving
    # time: past weeks left them out until now, and with no period they still do.
    op.execute(
        "INSERT INTO member_periods (member_id, joined_at, left_at) "
        "SELECT id, joined_at, left_at FROM members "
        "WHERE status <> 'left' OR left_at IS NOT NULL"
    )
    with op.batch_alter_table("milestone_awards") as batch:
        batch.add_column(sa.Column("posted_channel", sa.String(64), nullable=True))
        batch.add_column(sa.Column("posted_message_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("milestone_awards") as batch:
        batch.drop_column("posted_message_id")
        batch.drop_column("posted_channel")
    op.drop_index(op.f("ix_member_periods_member_id"), table_name="member_periods")
    op.drop_table("member_periods")
