"""members.left_at: when a member left, so a past week counts who was in it then

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Members who left before this revision keep left_at NULL: when is unknown, so past
    # weeks leave them out, as they did before.
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("left_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("left_at")
