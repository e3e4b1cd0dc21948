"""Invitations: each link sent, when it was opened and consented to, renewed or withdrawn

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.String(length=100), nullable=False),
        sa.Column("role_version", sa.String(length=50), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=True),
        sa.Column("invited_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("room"),
    )
    op.create_index("ix_invitations_candidate_id", "invitations", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_invitations_candidate_id", table_name="invitations")
    op.drop_table("invitations")
