"""dues uses record the committee's (支委会) approval before they count

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dues_uses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("approval_meeting", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("approval_decision", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dues_uses", schema=None) as batch_op:
        batch_op.drop_column("approved_by")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approval_decision")
        batch_op.drop_column("approval_meeting")
        batch_op.drop_column("approval_date")
