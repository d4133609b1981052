"""audit log as a hash chain; PostgreSQL also refuses TRUNCATE on it; dissolution day as a date

Adds ``prev_hash`` and ``row_hash`` to ``audit_log`` and links the rows already there, in id
order, exactly as ``backend.services.audit_chain`` links new ones (their content unchanged).
The append-only guards are lifted only inside this migration's transaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import datetime, time

import sqlalchemy as sa
from alembic import op

from backend.models.audit import POSTGRES_TRUNCATE_GUARD, guard_statements
from backend.services.audit_chain import GENESIS, row_hash

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_type", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String),
    sa.column("action", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("row_hash", sa.String),
)


def upgrade() -> None:
    _dissolution_day_as_date()
    dialect = op.get_bind().dialect.name
    _drop_guards(dialect)
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    _link_existing_rows()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
    for statement in guard_statements(dialect):
        op.execute(statement)
    if dialect == "postgresql":
        op.execute(POSTGRES_TRUNCATE_GUARD)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dissolved_at", sa.DateTime(), nullable=True))
    bind, orgs = (
        op.get_bind(),
        sa.table(
            "organizations",
            sa.column("id"),
            sa.column("dissolved_on", sa.Date),
            sa.column("dissolved_at", sa.DateTime),
        ),
    )
    for row in bind.execute(
        sa.select(orgs.c.id, orgs.c.dissolved_on).where(orgs.c.dissolved_on.is_not(None))
    ):
        moment = datetime.combine(row.dissolved_on, time())
        bind.execute(orgs.update().where(orgs.c.id == row.id).values(dissolved_at=moment))
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("dissolved_on")
    dialect = op.get_bind().dialect.name
    _drop_guards(dialect)
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
    for statement in guard_statements(dialect):
        op.execute(statement)


def _dissolution_day_as_date() -> None:
    """``organizations.dissolved_at`` held a day as a midnight timestamp: now ``dissolved_on``."""
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dissolved_on", sa.Date(), nullable=True))
    bind, orgs = (
        op.get_bind(),
        sa.table(
            "organizations",
            sa.column("id"),
            sa.column("dissolved_on", sa.Date),
            sa.column("dissolved_at", sa.DateTime),
        ),
    )
    for row in bind.execute(
        sa.select(orgs.c.id, orgs.c.dissolved_at).where(orgs.c.dissolved_at.is_not(None))
    ):
        bind.execute(
            orgs.update().where(orgs.c.id == row.id).values(dissolved_on=row.dissolved_at.date())
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("dissolved_at")


def _drop_guards(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")


def _link_existing_rows() -> None:
    bind = op.get_bind()
    prev = GENESIS
    rows = bind.execute(sa.select(_log).order_by(_log.c.id)).mappings().all()
    for row in rows:
        current = row_hash(dict(row), prev)
        bind.execute(
            _log.update().where(_log.c.id == row["id"]).values(prev_hash=prev, row_hash=current)
        )
        prev = current
