"""Transfer queries, counts and the printed list (查询、统计、打印), per organization and period.

A transfer belongs to an organization's subtree when it leaves it or enters it. Counts per
organization are by side: a 区内转接 from b1 to b2 is one 区内转出 for b1 and one 区内转入 for b2
— and both for their common 总支 — so each row's figures add up from its branches'. See
docs/transfers-and-letters.md (查询与统计).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from backend.errors import Invalid
from backend.models import MemberStatus, Organization, Transfer, TransferKind
from backend.services.exports import Column, Sheet
from backend.services.money import format_yuan

COLUMNS_OF_COUNTS = ("区内转入", "区内转出", "区外转入", "转出区外")
LIST_COLUMNS = [
    Column("转接日期", width=11),
    Column("类型", width=9),
    Column("区内/区外", width=8),
    Column("姓名", width=9),
    Column("性别", width=5),
    Column("出生日期", width=11),
    Column("学历", width=9),
    Column("党员类别", width=8),
    Column("原组织", width=26),
    Column("现组织/转往", width=26),
    Column("原党员编号", width=15),
    Column("新党员编号", width=15),
    Column("党费交至", width=9),
    Column("欠交党费（元）", kind="money", width=11),
    Column("报到日期", width=11),
]


@dataclass(frozen=True)
class TransferFilter:
    org: Organization  # the caller has checked it is in the actor's scope
    kind: TransferKind | None = None
    start: date | None = None
    end: date | None = None

    def check(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise Invalid("结束日期不能早于开始日期", code="period")

    def describe(self) -> str:
        period = f"{_d(self.start) or '最早'}至{_d(self.end) or '今'}"
        kind = self.kind.label if self.kind else "全部类型"
        return f"{self.org.name}，{kind}，{period}"


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def query(f: TransferFilter) -> Select:
    """Transfers leaving or entering ``f.org``'s subtree, newest first."""
    f.check()
    src, dst = aliased(Organization), aliased(Organization)
    inside = f.org.path
    stmt = (
        select(Transfer)
        .outerjoin(src, Transfer.from_org_id == src.id)
        .outerjoin(dst, Transfer.to_org_id == dst.id)
        .where(
            or_(
                src.path.startswith(inside, autoescape=True),
                dst.path.startswith(inside, autoescape=True),
            )
        )
    )
    if f.kind is not None:
        stmt = stmt.where(Transfer.kind == f.kind)
    if f.start is not None:
        stmt = stmt.where(Transfer.transfer_date >= f.start)
    if f.end is not None:
        stmt = stmt.where(Transfer.transfer_date <= f.end)
    return stmt.order_by(Transfer.transfer_date.desc(), Transfer.id.desc())


@dataclass
class Counts:
    """Per kind over the whole selection, and per side for each organization one level down."""

    by_kind: dict[TransferKind, int]
    rows: list[tuple[Organization, dict[str, int]]] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)


def _sides(t: Transfer, src: str | None, dst: str | None, path: str) -> list[str]:
    inside_from = src is not None and src.startswith(path)
    inside_to = dst is not None and dst.startswith(path)
    if t.kind is TransferKind.IN:
        return ["区外转入"] if inside_to else []
    if t.kind is TransferKind.OUT:
        return ["转出区外"] if inside_from else []
    return (["区内转入"] if inside_to else []) + (["区内转出"] if inside_from else [])


def counts(session: Session, f: TransferFilter) -> Counts:
    src, dst = aliased(Organization), aliased(Organization)
    base = query(f).subquery()
    rows = session.execute(
        select(Transfer, src.path, dst.path)
        .join(base, base.c.id == Transfer.id)
        .outerjoin(src, Transfer.from_org_id == src.id)
        .outerjoin(dst, Transfer.to_org_id == dst.id)
    ).all()
    result = Counts(by_kind=dict(Counter(t.kind for t, _s, _d in rows)))
    children = list(
        session.scalars(
            select(Organization)
            .where(Organization.parent_id == f.org.id)
            .order_by(Organization.code)
        )
    ) or [f.org]

    def figures(path: str) -> dict[str, int]:
        tally = Counter(side for t, s, d in rows for side in _sides(t, s, d, path))
        out = {k: tally.get(k, 0) for k in COLUMNS_OF_COUNTS}
        out["合计"] = sum(out.values())
        return out

    result.rows = [(org, figures(org.path)) for org in children]
    result.total = figures(f.org.path)
    return result


def _row(t: Transfer) -> list[object]:
    paid = f"{t.dues_paid_year}-{t.dues_paid_month:02d}" if t.dues_paid_year else ""
    return [
        t.transfer_date.isoformat(),
        t.kind.label,
        t.kind.scope_label,
        t.name,
        {"M": "男", "F": "女"}.get(t.sex, ""),
        t.birth_date.isoformat(),
        t.education or "",
        MemberStatus(t.status).label,
        t.from_name,
        t.to_name,
        t.old_member_no or "",
        t.new_member_no or "",
        paid,
        t.shortfall_fen or None,
        t.arrived_on.isoformat() if t.arrived_on else "",
    ]


def list_sheet(
    session: Session, f: TransferFilter, *, today: date, printed_by: str, limit: int
) -> Sheet:
    """The printed and exported list: the rows, then the counts by kind."""
    rows = list(session.scalars(query(f).limit(limit + 1)))
    if len(rows) > limit:
        raise Invalid(
            f"符合条件的转接记录超过{limit}条，请缩小时间范围或按下级组织分别导出",
            code="too_many",
        )
    sheet = Sheet(
        title=f"{f.org.name}组织关系接转登记表",
        columns=LIST_COLUMNS,
        header_lines=[
            f"查询条件：{f.describe()}",
            f"打印日期：{today.isoformat()}，共{len(rows)}人次",
        ],
        landscape=True,
    )
    for t in rows:
        sheet.rows.append(_row(t))
    tally = counts(session, f)
    summary = "，".join(f"{k}{v}" for k, v in tally.total.items())
    sheet.footer_lines.append(f"统计：{summary}（人次）")
    if any(t.shortfall_fen for t in rows):
        owed = sum(t.shortfall_fen for t in rows)
        sheet.footer_lines.append(f"欠费转出合计：{format_yuan(owed)}元")
    sheet.footer_lines.append(f"制表人：{printed_by}")
    return sheet
