"""Phone line: interview codes (a caller's digits for an invitation), room names up to 100

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interview_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.String(length=100), nullable=False),
        sa.Column("role_version", sa.String(length=50), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=True),
        sa.Column("room", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_interview_codes_code", "interview_codes", ["code"], unique=True)
    op.create_index("ix_interview_codes_candidate_id", "interview_codes", ["candidate_id"])
    # A phone call's room name ("call_<last 4 digits>_<random>") is longer than 20.
    with op.batch_alter_table("interview_sessions", schema=None) as batch_op:
        batch_op.alter_column(
            "channel", existing_type=sa.String(length=20), type_=sa.String(length=100)
        )


def downgrade() -> None:
    with op.batch_alter_table("interview_sessions", schema=None) as batch_op:
        batch_op.alter_column(
            "channel", existing_type=sa.String(length=100), type_=sa.String(length=20)
        )
    op.drop_index("ix_interview_codes_candidate_id", table_name="interview_codes")
    op.drop_index("ix_interview_codes_code", table_name="interview_codes")
    op.drop_table("interview_codes")
