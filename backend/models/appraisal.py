"""Assessment (考核) of organizations and 民主评议党员: indicator templates, rounds, the subjects
of a round, raters' scores, evidence, automatic indicator values, satisfaction votes and manual
adjustments (docs/appraisal.md).

Scores are stored as whole hundredths of a point (``*_cp``), so sums and averages are exact and
rounding happens once, where the composite is formed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class AppraisalTemplate(Base):
    """One version of an indicator tree for one year; ``kind`` is ``org`` or ``member``.
    A template used by a round is never changed: a correction is a new version."""

    __tablename__ = "appraisal_templates"
    __table_args__ = (
        UniqueConstraint("kind", "year", "version", name="uq_appraisal_templates_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    base_points: Mapped[int] = mapped_column(default=100)
    bonus_cap_cp: Mapped[int] = mapped_column(default=0)  # 加分上限
    deduction_cap_cp: Mapped[int] = mapped_column(default=0)  # 扣分上限
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    nodes: Mapped[list[AppraisalNode]] = relationship(
        order_by="AppraisalNode.sort_order", viewonly=True
    )


class AppraisalNode(Base):
    """A node of the tree: category, second level or leaf indicator. ``weight`` is the percent
    of its parent (siblings add up to 100). A leaf has an explanation and a scoring standard;
    ``source`` names an automatic indicator (``appraisal_indicators.REGISTRY``) or is empty."""

    __tablename__ = "appraisal_nodes"
    __table_args__ = (UniqueConstraint("template_id", "code", name="uq_appraisal_nodes_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("appraisal_templates.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appraisal_nodes.id"))
    code: Mapped[str] = mapped_column(String(20))  # "1", "1.2", "1.2.3"
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text, default="")
    standard: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(String(40))
    is_leaf: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)


class AppraisalRound(Base):
    """One assessment round for a period, run by ``org`` over the subjects in its subtree.
    Rater weights and grade rules are copied in when the round is made, so a later change of
    settings never changes a finished round."""

    __tablename__ = "appraisal_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("appraisal_templates.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # org | member
    year: Mapped[int]
    quarter: Mapped[int | None]  # None: the whole year
    title: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | scored | published
    rater_weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    grade_rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample_seed: Mapped[int | None]
    always_check: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sampled_at: Mapped[datetime | None]
    scored_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_documents.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[AppraisalTemplate] = relationship()
    org: Mapped[Organization] = relationship()


class AppraisalSubject(Base):
    """An organization (or member) assessed in a round, with its outcome once scored.
    ``sampled`` False with ``carried_from_id`` set: not checked this time, the previous score
    carried forward."""

    __tablename__ = "appraisal_subjects"
    __table_args__ = (
        UniqueConstraint("round_id", "org_id", "member_id", name="uq_appraisal_subjects_round"),
        Index("ix_appraisal_subjects_org", "org_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("appraisal_rounds.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    sampled: Mapped[bool] = mapped_column(default=True)
    always_checked: Mapped[bool] = mapped_column(default=False)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("appraisal_subjects.id"))
    indicator_cp: Mapped[int | None]  # weighted indicator score, before adjustments
    score_cp: Mapped[int | None]
    rank: Mapped[int | None]
    grade: Mapped[str | None] = mapped_column(String(10))

    org: Mapped[Organization] = relationship()
    member: Mapped[Member | None] = relationship()


class AppraisalScore(Base):
    """One rater's score of one leaf for one subject. ``rater`` names the person or body
    (e.g. the peer organization's name); one score per rater per leaf."""

    __tablename__ = "appraisal_scores"
    __table_args__ = (
        UniqueConstraint(
            "subject_id", "node_id", "rater_kind", "rater", name="uq_appraisal_scores_rater"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("appraisal_subjects.id"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("appraisal_nodes.id"))
    rater_kind: Mapped[str] = mapped_column(String(10))  # self | peer | superior
    rater: Mapped[str] = mapped_column(String(100))
    points_cp: Mapped[int]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppraisalEvidence(Base):
    """A file backing a self-assessment of one leaf (the bytes are a ``MediaFile``)."""

    __tablename__ = "appraisal_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("appraisal_subjects.id"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("appraisal_nodes.id"))
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppraisalAutoValue(Base):
    """An automatic indicator's value for a subject, with how it was computed."""

    __tablename__ = "appraisal_auto_values"
    __table_args__ = (
        UniqueConstraint("subject_id", "node_id", name="uq_appraisal_auto_values_node"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("appraisal_subjects.id"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("appraisal_nodes.id"))
    points_cp: Mapped[int | None]  # None: nothing to measure, the leaf does not count
    formula: Mapped[str] = mapped_column(String(500))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppraisalVote(Base):
    """A member's satisfaction vote on their organization in a round — one per member."""

    __tablename__ = "appraisal_votes"
    __table_args__ = (UniqueConstraint("round_id", "member_id", name="uq_appraisal_votes_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("appraisal_rounds.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("appraisal_subjects.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    choice: Mapped[str] = mapped_column(String(20))  # satisfied | fair | unsatisfied
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppraisalAdjustment(Base):
    """A manual addition or deduction on a subject's score, always with its reason."""

    __tablename__ = "appraisal_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("appraisal_subjects.id"), index=True)
    points_cp: Mapped[int]  # positive: 加分; negative: 扣分
    reason: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
