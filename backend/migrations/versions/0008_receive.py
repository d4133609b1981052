"""receiving side of transfers: arrival and archive prints on transfers; floating members
arriving from elsewhere (floating_guests)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrived_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("arrived_by", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("archive_prints", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.alter_column("archive_prints", server_default=None)
    op.create_table(
        "floating_guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("card_number", sa.String(length=60), nullable=False),
        sa.Column("home_org", sa.String(length=200), nullable=False),
        sa.Column("home_place", sa.String(length=100), nullable=True),
        sa.Column("host_org_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("card_valid_until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_org_id"],
            ["organizations.id"],
            name=op.f("fk_floating_guests_host_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floating_guests")),
    )
    with op.batch_alter_table("floating_guests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_floating_guests_card_number"), ["card_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_floating_guests_host_org_id"), ["host_org_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("floating_guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_floating_guests_host_org_id"))
        batch_op.drop_index(batch_op.f("ix_floating_guests_card_number"))
    op.drop_table("floating_guests")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("archive_prints")
        batch_op.drop_column("arrived_by")
        batch_op.drop_column("arrived_on")
