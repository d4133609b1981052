"""failed kiosk look-ups remember a keyed hash of the card tried (per-card limits)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kiosk_lookup_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_kiosk_lookup_failures_subject_digest"), ["subject_digest"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kiosk_lookup_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_lookup_failures_subject_digest"))
        batch_op.drop_column("subject_digest")
