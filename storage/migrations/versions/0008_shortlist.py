"""Shortlist: a recruiter's mark on a candidate for a role

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shortlist",
        sa.Column("role_id", sa.String(length=100), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("marked_by", sa.String(length=100), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("role_id", "candidate_id"),
    )


def downgrade() -> None:
    op.drop_table("shortlist")
