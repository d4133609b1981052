"""information tables: organization and member details, committee seats, place photos, 民主评议

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_org_photos_media_id_media_files")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_org_photos_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_photos")),
    )
    with op.batch_alter_table("org_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_photos_org_id"), ["org_id"], unique=False)

    op.create_table(
        "committee_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_committee_seats_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_committee_seats_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_seats")),
        sa.UniqueConstraint("org_id", "member_id", name="uq_committee_seats_member"),
    )
    with op.batch_alter_table("committee_seats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_seats_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_committee_seats_org_id"), ["org_id"], unique=False)

    op.create_table(
        "member_appraisals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_appraisals_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_appraisals")),
        sa.UniqueConstraint("member_id", "year", name="uq_member_appraisals_year"),
    )
    with op.batch_alter_table("member_appraisals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_appraisals_member_id"), ["member_id"], unique=False
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("work_unit", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("org_life", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("skills", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("hardship_note", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_members_photo_id_media_files"), "media_files", ["photo_id"], ["id"]
        )

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("liaison", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("liaison_phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("meeting_place", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("meeting_place")
        batch_op.drop_column("liaison_phone")
        batch_op.drop_column("liaison")
        batch_op.drop_column("approved_on")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_members_photo_id_media_files"), type_="foreignkey")
        batch_op.drop_column("hardship_note")
        batch_op.drop_column("skills")
        batch_op.drop_column("org_life")
        batch_op.drop_column("work_unit")
        batch_op.drop_column("photo_id")

    with op.batch_alter_table("member_appraisals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_appraisals_member_id"))

    op.drop_table("member_appraisals")
    with op.batch_alter_table("committee_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_seats_org_id"))
        batch_op.drop_index(batch_op.f("ix_committee_seats_member_id"))

    op.drop_table("committee_seats")
    with op.batch_alter_table("org_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_photos_org_id"))

    op.drop_table("org_photos")
