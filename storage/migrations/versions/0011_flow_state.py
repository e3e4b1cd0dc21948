"""The interview flow's state stored with each session, and the process holding it, to resume
after a crash

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interview_sessions") as batch:
        batch.add_column(sa.Column("flow_state", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("holder", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_sessions") as batch:
        batch.drop_column("holder")
        batch.drop_column("flow_state")
