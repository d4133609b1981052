"""assessment (考核): indicator templates, rounds, subjects, scores, evidence, automatic values,
satisfaction votes and manual adjustments (docs/appraisal.md)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appraisal_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_points", sa.Integer(), nullable=False),
        sa.Column("bonus_cap_cp", sa.Integer(), nullable=False),
        sa.Column("deduction_cap_cp", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_templates")),
        sa.UniqueConstraint("kind", "year", "version", name="uq_appraisal_templates_version"),
    )
    op.create_table(
        "appraisal_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("standard", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("is_leaf", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["appraisal_nodes.id"],
            name=op.f("fk_appraisal_nodes_parent_id_appraisal_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["appraisal_templates.id"],
            name=op.f("fk_appraisal_nodes_template_id_appraisal_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_nodes")),
        sa.UniqueConstraint("template_id", "code", name="uq_appraisal_nodes_code"),
    )
    op.create_index(
        op.f("ix_appraisal_nodes_template_id"), "appraisal_nodes", ["template_id"], unique=False
    )
    op.create_table(
        "appraisal_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("rater_weights", sa.JSON(), nullable=False),
        sa.Column("grade_rules", sa.JSON(), nullable=False),
        sa.Column("sample_seed", sa.Integer(), nullable=True),
        sa.Column("always_check", sa.JSON(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosure_documents.id"],
            name=op.f("fk_appraisal_rounds_disclosure_id_disclosure_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_appraisal_rounds_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["appraisal_templates.id"],
            name=op.f("fk_appraisal_rounds_template_id_appraisal_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_rounds")),
    )
    op.create_index(
        op.f("ix_appraisal_rounds_org_id"), "appraisal_rounds", ["org_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_rounds_template_id"), "appraisal_rounds", ["template_id"], unique=False
    )
    op.create_table(
        "appraisal_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("sampled", sa.Boolean(), nullable=False),
        sa.Column("always_checked", sa.Boolean(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("indicator_cp", sa.Integer(), nullable=True),
        sa.Column("score_cp", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_subjects_carried_from_id_appraisal_subjects"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_appraisal_subjects_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_appraisal_subjects_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["appraisal_rounds.id"],
            name=op.f("fk_appraisal_subjects_round_id_appraisal_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_subjects")),
        sa.UniqueConstraint("round_id", "org_id", "member_id", name="uq_appraisal_subjects_round"),
    )
    op.create_index(
        op.f("ix_appraisal_subjects_member_id"), "appraisal_subjects", ["member_id"], unique=False
    )
    op.create_index(
        "ix_appraisal_subjects_org", "appraisal_subjects", ["org_id", "round_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_subjects_round_id"), "appraisal_subjects", ["round_id"], unique=False
    )
    op.create_table(
        "appraisal_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("points_cp", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_adjustments_subject_id_appraisal_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_adjustments")),
    )
    op.create_index(
        op.f("ix_appraisal_adjustments_subject_id"),
        "appraisal_adjustments",
        ["subject_id"],
        unique=False,
    )
    op.create_table(
        "appraisal_auto_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("points_cp", sa.Integer(), nullable=True),
        sa.Column("formula", sa.String(length=500), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["appraisal_nodes.id"],
            name=op.f("fk_appraisal_auto_values_node_id_appraisal_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_auto_values_subject_id_appraisal_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_auto_values")),
        sa.UniqueConstraint("subject_id", "node_id", name="uq_appraisal_auto_values_node"),
    )
    op.create_index(
        op.f("ix_appraisal_auto_values_subject_id"),
        "appraisal_auto_values",
        ["subject_id"],
        unique=False,
    )
    op.create_table(
        "appraisal_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_files.id"],
            name=op.f("fk_appraisal_evidence_media_id_media_files"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["appraisal_nodes.id"],
            name=op.f("fk_appraisal_evidence_node_id_appraisal_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_evidence_subject_id_appraisal_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_evidence")),
    )
    op.create_index(
        op.f("ix_appraisal_evidence_subject_id"), "appraisal_evidence", ["subject_id"], unique=False
    )
    op.create_table(
        "appraisal_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("rater_kind", sa.String(length=10), nullable=False),
        sa.Column("rater", sa.String(length=100), nullable=False),
        sa.Column("points_cp", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["appraisal_nodes.id"],
            name=op.f("fk_appraisal_scores_node_id_appraisal_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_scores_subject_id_appraisal_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_scores")),
        sa.UniqueConstraint(
            "subject_id", "node_id", "rater_kind", "rater", name="uq_appraisal_scores_rater"
        ),
    )
    op.create_index(
        op.f("ix_appraisal_scores_subject_id"), "appraisal_scores", ["subject_id"], unique=False
    )
    op.create_table(
        "appraisal_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_appraisal_votes_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["appraisal_rounds.id"],
            name=op.f("fk_appraisal_votes_round_id_appraisal_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["appraisal_subjects.id"],
            name=op.f("fk_appraisal_votes_subject_id_appraisal_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_votes")),
        sa.UniqueConstraint("round_id", "member_id", name="uq_appraisal_votes_member"),
    )
    op.create_index(
        op.f("ix_appraisal_votes_round_id"), "appraisal_votes", ["round_id"], unique=False
    )
    op.create_index(
        op.f("ix_appraisal_votes_subject_id"), "appraisal_votes", ["subject_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_appraisal_votes_subject_id"), table_name="appraisal_votes")
    op.drop_index(op.f("ix_appraisal_votes_round_id"), table_name="appraisal_votes")
    op.drop_table("appraisal_votes")
    op.drop_index(op.f("ix_appraisal_scores_subject_id"), table_name="appraisal_scores")
    op.drop_table("appraisal_scores")
    op.drop_index(op.f("ix_appraisal_evidence_subject_id"), table_name="appraisal_evidence")
    op.drop_table("appraisal_evidence")
    op.drop_index(op.f("ix_appraisal_auto_values_subject_id"), table_name="appraisal_auto_values")
    op.drop_table("appraisal_auto_values")
    op.drop_index(op.f("ix_appraisal_adjustments_subject_id"), table_name="appraisal_adjustments")
    op.drop_table("appraisal_adjustments")
    op.drop_index(op.f("ix_appraisal_subjects_round_id"), table_name="appraisal_subjects")
    op.drop_index("ix_appraisal_subjects_org", table_name="appraisal_subjects")
    op.drop_index(op.f("ix_appraisal_subjects_member_id"), table_name="appraisal_subjects")
    op.drop_table("appraisal_subjects")
    op.drop_index(op.f("ix_appraisal_rounds_template_id"), table_name="appraisal_rounds")
    op.drop_index(op.f("ix_appraisal_rounds_org_id"), table_name="appraisal_rounds")
    op.drop_table("appraisal_rounds")
    op.drop_index(op.f("ix_appraisal_nodes_template_id"), table_name="appraisal_nodes")
    op.drop_table("appraisal_nodes")
    op.drop_table("appraisal_templates")
