"""Answer measurements: the clauses heard in another language than the interview's

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer_measurements") as batch:
        batch.add_column(sa.Column("other_language", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer_measurements") as batch:
        batch.drop_column("other_language")
