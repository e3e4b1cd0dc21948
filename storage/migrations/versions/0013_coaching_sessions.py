"""Coaching sessions: practice and recorded interviews read by the coaching report

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coaching_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("interviewer", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role_id", sa.String(length=100), nullable=True),
        sa.Column("persona", sa.String(length=50), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("talk_share", sa.Float(), nullable=True),
        sa.Column("open_share", sa.Float(), nullable=True),
        sa.Column("leading", sa.Integer(), nullable=False),
        sa.Column("protected", sa.Integer(), nullable=False),
        sa.Column("competencies", sa.Integer(), nullable=False),
        sa.Column("uncovered", sa.Integer(), nullable=False),
        sa.Column("calibration_mean_abs", sa.Float(), nullable=True),
        sa.Column("calibration_bias", sa.Float(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("report_markdown", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_coaching_sessions_interviewer", "coaching_sessions", ["interviewer"])


def downgrade() -> None:
    op.drop_index("ix_coaching_sessions_interviewer", table_name="coaching_sessions")
    op.drop_table("coaching_sessions")
