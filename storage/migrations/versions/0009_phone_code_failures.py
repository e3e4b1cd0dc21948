"""Phone code failures: wrong codes counted per caller and line, to stop guessing across calls

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_code_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("caller_key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_code_failures_caller_key", "phone_code_failures", ["caller_key"])
    op.create_index("ix_phone_code_failures_at", "phone_code_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_phone_code_failures_at", table_name="phone_code_failures")
    op.drop_index("ix_phone_code_failures_caller_key", table_name="phone_code_failures")
    op.drop_table("phone_code_failures")
