"""Failed attempts: wrong phone codes and refused sign-ins, counted to stop guessing

One table for both kinds, keys stored as digests; it replaces 0009's phone_code_failures (wrong
codes only, kept a day, so nothing worth carrying over).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_failed_attempts_at", "failed_attempts", ["at"])
    op.drop_index("ix_phone_code_failures_at", table_name="phone_code_failures")
    op.drop_index("ix_phone_code_failures_caller_key", table_name="phone_code_failures")
    op.drop_table("phone_code_failures")


def downgrade() -> None:
    op.create_table(
        "phone_code_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("caller_key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_code_failures_caller_key", "phone_code_failures", ["caller_key"])
    op.create_index("ix_phone_code_failures_at", "phone_code_failures", ["at"])
    op.drop_index("ix_failed_attempts_at", table_name="failed_attempts")
    op.drop_table("failed_attempts")
