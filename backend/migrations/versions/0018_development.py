"""member development cases (发展党员) and organizations' terms of office (换届)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "development_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("education", sa.String(length=20), nullable=True),
        sa.Column("work_unit", sa.String(length=100), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "APPLICANT",
                "ACTIVIST",
                "TARGET",
                "PROBATIONARY",
                "FULL",
                "STOPPED",
                name="devstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("talked_on", sa.Date(), nullable=True),
        sa.Column("activist_on", sa.Date(), nullable=True),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("probation_end", sa.Date(), nullable=True),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("full_approved_on", sa.Date(), nullable=True),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=200), nullable=True),
        sa.Column("contact_ids", sa.JSON(), nullable=False),
        sa.Column("sponsor_ids", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("reports", sa.JSON(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("conversion_notice_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversion_notice_id"],
            ["disclosure_documents.id"],
            name=op.f("fk_development_cases_conversion_notice_id_disclosure_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_development_cases_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["disclosure_documents.id"],
            name=op.f("fk_development_cases_notice_id_disclosure_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_development_cases_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_cases")),
    )
    with op.batch_alter_table("development_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_cases_id_number"), ["id_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_development_cases_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_development_cases_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_org_terms_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_terms")),
    )
    with op.batch_alter_table("org_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_terms_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("org_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_terms_org_id"))
    op.drop_table("org_terms")
    with op.batch_alter_table("development_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_cases_org_id"))
        batch_op.drop_index(batch_op.f("ix_development_cases_member_id"))
        batch_op.drop_index(batch_op.f("ix_development_cases_id_number"))
    op.drop_table("development_cases")
