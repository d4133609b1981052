"""volunteer teams, members, activities, hours, photos and kiosk sign-in desks (志愿服务)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volunteer_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("leader", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_volunteer_teams_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_teams")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_volunteer_teams_org_id")),
    )
    with op.batch_alter_table("volunteer_teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_teams_org_id"), ["org_id"], unique=False)

    op.create_table(
        "volunteer_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["volunteer_teams.id"],
            name=op.f("fk_volunteer_activities_team_id_volunteer_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_activities")),
    )
    with op.batch_alter_table("volunteer_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_activities_held_on"), ["held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_volunteer_activities_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "volunteer_sign_in_desks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["volunteer_activities.id"],
            name=op.f("fk_volunteer_sign_in_desks_activity_id_volunteer_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["kiosk_devices.id"],
            name=op.f("fk_volunteer_sign_in_desks_device_id_kiosk_devices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_sign_in_desks")),
    )
    with op.batch_alter_table("volunteer_sign_in_desks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_sign_in_desks_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_volunteer_sign_in_desks_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "volunteer_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["volunteer_activities.id"],
            name=op.f("fk_volunteer_photos_activity_id_volunteer_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_volunteer_photos_media_id_media_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_photos")),
    )
    with op.batch_alter_table("volunteer_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_photos_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "volunteer_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_volunteer_memberships_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["volunteer_teams.id"],
            name=op.f("fk_volunteer_memberships_team_id_volunteer_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_memberships")),
        sa.UniqueConstraint("team_id", "member_id", name=op.f("uq_volunteer_memberships_team_id")),
    )
    with op.batch_alter_table("volunteer_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_memberships_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_volunteer_memberships_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "volunteer_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["volunteer_activities.id"],
            name=op.f("fk_volunteer_participations_activity_id_volunteer_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_volunteer_participations_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_participations")),
        sa.UniqueConstraint(
            "activity_id", "member_id", name=op.f("uq_volunteer_participations_activity_id")
        ),
    )
    with op.batch_alter_table("volunteer_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_participations_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_volunteer_participations_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("volunteer_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_participations_member_id"))
        batch_op.drop_index(batch_op.f("ix_volunteer_participations_activity_id"))

    op.drop_table("volunteer_participations")
    with op.batch_alter_table("volunteer_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_memberships_team_id"))
        batch_op.drop_index(batch_op.f("ix_volunteer_memberships_member_id"))

    op.drop_table("volunteer_memberships")
    with op.batch_alter_table("volunteer_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_photos_activity_id"))

    op.drop_table("volunteer_photos")
    with op.batch_alter_table("volunteer_sign_in_desks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_sign_in_desks_device_id"))
        batch_op.drop_index(batch_op.f("ix_volunteer_sign_in_desks_activity_id"))

    op.drop_table("volunteer_sign_in_desks")
    with op.batch_alter_table("volunteer_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_activities_team_id"))
        batch_op.drop_index(batch_op.f("ix_volunteer_activities_held_on"))

    op.drop_table("volunteer_activities")
    with op.batch_alter_table("volunteer_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_teams_org_id"))

    op.drop_table("volunteer_teams")
