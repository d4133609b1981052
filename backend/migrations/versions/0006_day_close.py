"""day close (日结), void requests (冲正) and the cash tendered (实收) on payments

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payments", sa.Column("tendered_fen", sa.Integer(), nullable=True))
    op.create_table(
        "day_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=80), nullable=False),
        sa.Column("hall_day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("cash_fen", sa.Integer(), nullable=False),
        sa.Column("bank_fen", sa.Integer(), nullable=False),
        sa.Column("void_count", sa.Integer(), nullable=False),
        sa.Column("void_fen", sa.Integer(), nullable=False),
        sa.Column("correction_count", sa.Integer(), nullable=False),
        sa.Column("correction_fen", sa.Integer(), nullable=False),
        sa.Column("first_slip", sa.String(length=20), nullable=True),
        sa.Column("last_slip", sa.String(length=20), nullable=True),
        sa.Column("slip_count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prints", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_day_closes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_closes")),
        sa.UniqueConstraint("operator", "hall_day", name="uq_day_closes_operator_day"),
    )
    with op.batch_alter_table("day_closes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_closes_hall_day"), ["hall_day"], unique=False)
        batch_op.create_index(batch_op.f("ix_day_closes_user_id"), ["user_id"], unique=False)
    op.create_table(
        "void_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "PENDING",
                "APPROVED",
                "REJECTED",
                name="voidrequeststate",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("why_approval", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=True),
        sa.Column("day_close_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["day_close_id"],
            ["day_closes.id"],
            name=op.f("fk_void_requests_day_close_id_day_closes"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_void_requests_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_void_requests")),
    )
    with op.batch_alter_table("void_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_void_requests_day_close_id"), ["day_close_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_void_requests_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(
            "uq_void_requests_pending",
            ["payment_id"],
            unique=True,
            sqlite_where=sa.text("state = 'PENDING'"),
            postgresql_where=sa.text("state = 'PENDING'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("void_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_void_requests_pending",
            sqlite_where=sa.text("state = 'PENDING'"),
            postgresql_where=sa.text("state = 'PENDING'"),
        )
        batch_op.drop_index(batch_op.f("ix_void_requests_payment_id"))
        batch_op.drop_index(batch_op.f("ix_void_requests_day_close_id"))
    op.drop_table("void_requests")
    with op.batch_alter_table("day_closes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_closes_user_id"))
        batch_op.drop_index(batch_op.f("ix_day_closes_hall_day"))
    op.drop_table("day_closes")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("tendered_fen")
