"""member cases (党员诉求): cases, their steps and the yearly case numbers

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_sequences",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_sequences")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "case_type",
            sa.Enum(
                "HARDSHIP",
                "EMPLOYMENT",
                "TALK",
                "CONSULT",
                "JOIN",
                "CONVERSION",
                "SUGGESTION",
                name="casetype",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "ACCEPTED",
                "ROUTED",
                "REPLIED",
                "CLOSED",
                name="casestate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("COUNTER", "KIOSK", name="casechannel", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(length=50), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("routed_org_id", sa.Integer(), nullable=True),
        sa.Column("routed_partner", sa.String(length=100), nullable=True),
        sa.Column("routed_person", sa.String(length=50), nullable=True),
        sa.Column("routed_at", sa.DateTime(), nullable=True),
        sa.Column("reply", sa.String(length=500), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("replied_by", sa.String(length=80), nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column(
            "talk_with",
            sa.Enum(
                "BRANCH_SECRETARY",
                "COMMITTEE_SECRETARY",
                "ORG_HEAD",
                "DISTRICT_SECRETARY",
                name="talkwith",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("talk_on", sa.Date(), nullable=True),
        sa.Column("talk_time", sa.String(length=5), nullable=True),
        sa.Column("talk_place", sa.String(length=100), nullable=True),
        sa.Column("talk_attendees", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_cases_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_cases_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["routed_org_id"],
            ["organizations.id"],
            name=op.f("fk_cases_routed_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("year", "seq", name="uq_cases_no"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_routed_org_id"), ["routed_org_id"], unique=False)

    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_steps_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_steps")),
    )
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_steps_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_steps_case_id"))

    op.drop_table("case_steps")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_routed_org_id"))
        batch_op.drop_index(batch_op.f("ix_cases_org_id"))
        batch_op.drop_index(batch_op.f("ix_cases_member_id"))

    op.drop_table("cases")
    op.drop_table("case_sequences")
