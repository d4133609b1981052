"""uq_cards_active_member: predicate on the stored enum name 'ACTIVE' (was 'active': no row)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

The index was created with ``state = 'active'``, but the column stores enum names, so it covered
no row. Re-creating it fails if a member already has two active cards; those must be resolved by
hand first (report one card lost or revoked), which the check below says in plain words.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_cards_active_member"


def _refuse_duplicate_active_cards() -> None:
    duplicates = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT member_id FROM cards WHERE state = 'ACTIVE' "
                "GROUP BY member_id HAVING COUNT(*) > 1 ORDER BY member_id"
            )
        )
        .scalars()
        .all()
    )
    if duplicates:
        ids = ", ".join(str(member_id) for member_id in duplicates)
        raise RuntimeError(
            f"以下党员（member_id）有不止一张正常状态的卡：{ids}。"
            "请先将多余的卡挂失或注销，再执行升级。"
        )


def _recreate(predicate: str) -> None:
    op.drop_index(INDEX, table_name="cards")
    op.create_index(
        INDEX,
        "cards",
        ["member_id"],
        unique=True,
        sqlite_where=sa.text(predicate),
        postgresql_where=sa.text(predicate),
    )


def upgrade() -> None:
    _refuse_duplicate_active_cards()
    _recreate("state = 'ACTIVE'")


def downgrade() -> None:
    _recreate("state = 'active'")
