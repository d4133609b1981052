"""honor services (党员荣誉服务): partner venues, offers, eligibility rules, free uses

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "honor_venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_honor_venues_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honor_venues")),
    )
    op.create_index(op.f("ix_honor_venues_org_id"), "honor_venues", ["org_id"], unique=False)
    op.create_table(
        "honor_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("schedule", sa.String(length=100), nullable=False),
        sa.Column("free_uses", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["honor_venues.id"], name=op.f("fk_honor_offers_venue_id_honor_venues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honor_offers")),
    )
    op.create_index(op.f("ix_honor_offers_venue_id"), "honor_offers", ["venue_id"], unique=False)
    op.create_table(
        "honor_rules",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_honor_rules")),
    )
    op.create_table(
        "honor_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("use_no", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=100), nullable=False),
        sa.Column("notice_year", sa.Integer(), nullable=False),
        sa.Column("notice_seq", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("prints", sa.Integer(), nullable=False),
        sa.Column("used_on", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_honor_uses_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["honor_offers.id"], name=op.f("fk_honor_uses_offer_id_honor_offers")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_honor_uses_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honor_uses")),
        sa.UniqueConstraint("notice_year", "notice_seq", name="uq_honor_uses_notice"),
        sa.UniqueConstraint("offer_id", "member_id", "year", "use_no", name="uq_honor_uses_once"),
    )
    op.create_index(op.f("ix_honor_uses_member_id"), "honor_uses", ["member_id"], unique=False)
    op.create_index(op.f("ix_honor_uses_offer_id"), "honor_uses", ["offer_id"], unique=False)
    op.create_index(op.f("ix_honor_uses_org_id"), "honor_uses", ["org_id"], unique=False)
    op.create_table(
        "honor_notice_sequences",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_honor_notice_sequences")),
    )


def downgrade() -> None:
    op.drop_table("honor_notice_sequences")
    op.drop_index(op.f("ix_honor_uses_org_id"), table_name="honor_uses")
    op.drop_index(op.f("ix_honor_uses_offer_id"), table_name="honor_uses")
    op.drop_index(op.f("ix_honor_uses_member_id"), table_name="honor_uses")
    op.drop_table("honor_uses")
    op.drop_table("honor_rules")
    op.drop_index(op.f("ix_honor_offers_venue_id"), table_name="honor_offers")
    op.drop_table("honor_offers")
    op.drop_index(op.f("ix_honor_venues_org_id"), table_name="honor_venues")
    op.drop_table("honor_venues")
