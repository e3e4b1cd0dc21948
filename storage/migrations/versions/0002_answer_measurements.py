"""Perception's measurements of each candidate turn

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_measurements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("speech", sa.JSON(), nullable=False),
        sa.Column("voice", sa.JSON(), nullable=True),
        sa.Column("face", sa.JSON(), nullable=True),
        sa.Column("language", sa.JSON(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["interview_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("answer_measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_measurements_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_answer_measurements_turn_id"), ["turn_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_measurements_turn_id"))
        batch_op.drop_index(batch_op.f("ix_answer_measurements_session_id"))

    op.drop_table("answer_measurements")
