"""sessions: a per-user session version, the per-address sign-in throttle, and an absolute
end for kiosk card sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.add_column(sa.Column("ends_at", sa.DateTime(), nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.drop_column("ends_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
