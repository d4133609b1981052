"""Dues reports (党费收缴统计表): quarterly and annual, per organization or per member.

Both figures come from the ledger (``dues_months``), counted by the month the dues are for:
a quarter's report holds what was due for its three months and what has been paid for those
months (valid payments only: a void takes its amount back out of the ledger). Each ledger month
carries the organization the member belonged to in that month, so rows add up to the total of
the organization above them and no member-month is counted twice across a transfer.

One aggregate per report: ``dues_months`` grouped by ``org_id`` over the subtree (an indexed
path prefix), then folded into the wanted rows in Python — a few thousand organizations at most,
whatever the number of members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Label, Row, func, select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import DuesMonth, Member, Organization, OrgType
from backend.services.actor import Actor
from backend.services.exports import Column, Sheet
from backend.services.percent import percent_text
from backend.services.scope import get_org

QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
BASIS = (
    "按所属月份统计：应交为该期间各月应交党费（减免月份不计），实交为这些月份已交党费（作废已冲回）"
)


@dataclass(frozen=True)
class Period:
    """The months ``start_month``..``end_month`` of one year."""

    year: int
    start_month: int = 1
    end_month: int = 12

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100:
            raise Invalid(f"年度不正确：{self.year}", code="year")
        if not 1 <= self.start_month <= self.end_month <= 12:
            raise Invalid("统计月份不正确", code="period")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise Invalid("季度应为1至4", code="quarter")
        return cls(year, quarter * 3 - 2, quarter * 3)

    @classmethod
    def parse(cls, year: int, quarter: int | None) -> Period:
        return cls(year) if quarter is None else cls.quarter(year, quarter)

    @property
    def label(self) -> str:
        if (self.start_month, self.end_month) == (1, 12):
            return f"{self.year}年度"
        if self.start_month % 3 == 1 and self.end_month == self.start_month + 2:
            return f"{self.year}年{QUARTER_NAMES[self.end_month // 3 - 1]}"
        if self.start_month == self.end_month:
            return f"{self.year}年{self.start_month}月"
        return f"{self.year}年{self.start_month}—{self.end_month}月"


@dataclass
class Figures:
    due_fen: int = 0
    paid_fen: int = 0
    unpaid_fen: int = 0  # owed for months of the period (future months of a running period too)
    waived_months: int = 0
    pending_months: int = 0  # amount awaiting assessment (待核定)

    def add(self, other: Figures) -> None:
        self.due_fen += other.due_fen
        self.paid_fen += other.paid_fen
        self.unpaid_fen += other.unpaid_fen
        self.waived_months += other.waived_months
        self.pending_months += other.pending_months

    @property
    def rate_percent(self) -> str:
        """交纳率 to one decimal, '—' when nothing is due."""
        return percent_text(self.paid_fen, self.due_fen, empty="—")


@dataclass
class ReportRow:
    key: str  # organization code, or the member number
    name: str
    figures: Figures
    org_id: int | None = None
    member_id: int | None = None


@dataclass
class DuesReport:
    org: Organization
    period: Period
    by: str  # "org" (rows of organizations) | "member" (rows of members)
    rows: list[ReportRow]
    total: Figures = field(default_factory=Figures)

    @property
    def title(self) -> str:
        return f"{self.org.name}{self.period.label}党费收缴统计表"

    @property
    def basis(self) -> str:
        return BASIS


def _sums() -> tuple[Label[Any], ...]:
    """The report's five figures as aggregate ``FILTER`` clauses (PostgreSQL, SQLite ≥ 3.30)."""
    counted = DuesMonth.waived.is_(False)
    owing = counted & (DuesMonth.due_fen > DuesMonth.paid_fen)
    return (
        func.sum(DuesMonth.due_fen).filter(counted).label("due"),
        func.sum(DuesMonth.paid_fen).label("paid"),
        func.sum(DuesMonth.due_fen - DuesMonth.paid_fen).filter(owing).label("unpaid"),
        func.count().filter(DuesMonth.waived.is_(True)).label("waived"),
        func.count().filter(counted & DuesMonth.due_fen.is_(None)).label("pending"),
    )


def _figures(row: Row[Any]) -> Figures:
    return Figures(
        int(row.due or 0),
        int(row.paid or 0),
        int(row.unpaid or 0),
        int(row.waived or 0),
        int(row.pending or 0),
    )


def _period_filter(period: Period) -> ColumnElement[bool]:
    return (
        (DuesMonth.year == period.year)
        & (DuesMonth.month >= period.start_month)
        & (DuesMonth.month <= period.end_month)
    )


def per_org_figures(session: Session, org: Organization, period: Period) -> dict[str, Figures]:
    """Figures of every organization in ``org``'s subtree that has ledger months, by path.

    Grouped by the integer ``org_id``; the paths (a few thousand rows) are read separately, so
    the big aggregate never groups by text. The subtree is a semi-join, left out when ``org`` is
    the only root (the whole district: every ledger row is in it).
    """
    in_subtree = Organization.path.startswith(org.path, autoescape=True)
    stmt = select(DuesMonth.org_id, *_sums()).where(_period_filter(period))
    if not _sole_root(session, org):
        stmt = stmt.where(DuesMonth.org_id.in_(select(Organization.id).where(in_subtree)))
    figures = {
        row.org_id: _figures(row) for row in session.execute(stmt.group_by(DuesMonth.org_id))
    }
    paths = {
        org_id: path
        for org_id, path in session.execute(
            select(Organization.id, Organization.path).where(in_subtree)
        )
    }
    return {paths[org_id]: f for org_id, f in figures.items()}


def _sole_root(session: Session, org: Organization) -> bool:
    if org.parent_id is not None:
        return False
    roots = session.scalar(
        select(func.count()).select_from(Organization).where(Organization.parent_id.is_(None))
    )
    return roots == 1


def _child_rows(session: Session, org: Organization, period: Period) -> list[ReportRow]:
    children = session.scalars(
        select(Organization).where(Organization.parent_id == org.id).order_by(Organization.code)
    ).all()
    by_id = {str(c.id): ReportRow(c.code, c.name, Figures(), org_id=c.id) for c in children}
    own = ReportRow(org.code, f"{org.name}（本级）", Figures(), org_id=org.id)
    for path, figures in per_org_figures(session, org, period).items():
        rest = path[len(org.path) :]
        row = by_id.get(rest.split("/", 1)[0]) if rest else own
        if row is None:  # a child created after its parent's path prefix: cannot happen
            raise AssertionError(f"organization path {path} outside {org.path}")
        row.figures.add(figures)
    rows = [by_id[str(c.id)] for c in children if c.active or _has_data(by_id[str(c.id)])]
    if _has_data(own):
        rows.insert(0, own)
    return rows


def _has_data(row: ReportRow) -> bool:
    f = row.figures
    return bool(f.due_fen or f.paid_fen or f.waived_months or f.pending_months)


def _member_rows(session: Session, org: Organization, period: Period) -> list[ReportRow]:
    stmt = (
        select(Member.id, Member.name, Member.member_no, Member.card_no, *_sums())
        .select_from(DuesMonth)
        .join(Member, Member.id == DuesMonth.member_id)
        .where(_period_filter(period), DuesMonth.org_id == org.id)
        .group_by(Member.id, Member.name, Member.member_no, Member.card_no)
        .order_by(Member.card_no, Member.id)
    )
    return [
        ReportRow(r.member_no or r.card_no or str(r.id), r.name, _figures(r), member_id=r.id)
        for r in session.execute(stmt)
    ]


def dues_report(session: Session, actor: Actor, org_id: int | None, period: Period) -> DuesReport:
    """The report for an organization in the actor's subtree (default: the actor's own)."""
    org_id = org_id if org_id is not None else actor.org_id
    if org_id is None:
        org_id = _district_id(session)
    org = get_org(session, actor, org_id)
    if org.type is OrgType.BRANCH:
        report = DuesReport(org, period, "member", _member_rows(session, org, period))
    else:
        report = DuesReport(org, period, "org", _child_rows(session, org, period))
    for row in report.rows:
        report.total.add(row.figures)
    return report


def _district_id(session: Session) -> int:
    org_id = session.scalar(
        select(Organization.id).where(Organization.parent_id.is_(None)).order_by(Organization.id)
    )
    if org_id is None:
        raise Invalid("尚未建立任何党组织", code="no_orgs")
    return int(org_id)


def subtree_total(session: Session, org: Organization, period: Period) -> Figures:
    """The same figures as one flat aggregate (no grouping): the reports' cross-check."""
    stmt = (
        select(*_sums())
        .select_from(DuesMonth)
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(_period_filter(period), Organization.path.startswith(org.path, autoescape=True))
    )
    return _figures(session.execute(stmt).one())


def report_sheet(report: DuesReport, *, printed_on: date, printed_by: str) -> Sheet:
    """The report as a table: the same rows on screen, in the xlsx and in the PDF."""
    first = (
        [Column("党员编号", width=16), Column("姓名", width=10)]
        if report.by == "member"
        else [Column("组织编码", width=12), Column("党组织", width=28)]
    )
    columns = first + [
        Column("应交党费（元）", "money", 14),
        Column("实交党费（元）", "money", 14),
        Column("未交（元）", "money", 12),
        Column("交纳率", width=9),
        Column("减免月数", "int", 9),
    ]

    def values(key: str, name: str, f: Figures) -> list[object]:
        return [key, name, f.due_fen, f.paid_fen, f.unpaid_fen, f.rate_percent, f.waived_months]

    return Sheet(
        title=report.title,
        columns=columns,
        rows=[values(r.key, r.name, r.figures) for r in report.rows],
        header_lines=[
            f"组织：{report.org.name}（{report.org.code}）　期间：{report.period.label}"
            f"（{report.period.start_month}月至{report.period.end_month}月）",
            f"统计口径：{report.basis}",
        ],
        total=values("", "合计", report.total),
        footer_lines=[f"制表：{printed_by}　制表日期：{printed_on:%Y年%m月%d日}"],
    )
