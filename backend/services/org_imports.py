"""Bulk import of organizations (党组织编码库) from .xlsx/.csv, like the member import: every row
is checked first, each bad row reported with its row number, column and a Chinese reason, and
one bad row stops the whole file (docs/info-tables.md).

A row's parent is an organization already in the actor's subtree or an earlier-or-later row of
the same file; codes are checked by ``orgs.check_code`` (8 digits, the parent's segments, skipped
levels ``00``), the same rule as the console's form. Organizations are written parents first
through ``orgs.create_org``, which checks the policy (``Action.ORG_EDIT``) and audits each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import Organization, OrgType
from backend.services import audit, hall_clock, org_info, orgs, policy
from backend.services.actor import Actor
from backend.services.import_report import (
    ImportRejected,
    ImportReport,
    Progress,
    RowCells,
    missing_columns,
    row_number,
)
from backend.services.import_rows import Column, parse_code, parse_date, parse_text
from backend.services.policy import Action
from backend.services.scope import org_in_scope

ORG_COLUMNS = (
    Column("组织编码", True, "8位：区、党委、总支、支部各2位，缺少的层级为00，如 01010101"),
    Column("组织名称", True, "如 幸福社区第一党支部"),
    Column("组织类型", True, "党委/党工委/党总支/党支部"),
    Column("上级组织编码", True, "已有组织或本文件中另一行的编码"),
    Column("书记", False, ""),
    Column("联系电话", False, ""),
    Column("办公地址", False, ""),
    Column("批准成立日期", False, "日期，如 2019-06-18"),
    Column("活动场所", False, ""),
)

_TYPES = {
    "党委": OrgType.COMMITTEE,
    "党工委": OrgType.COMMITTEE,
    "党总支": OrgType.GENERAL_BRANCH,
    "总支": OrgType.GENERAL_BRANCH,
    "党支部": OrgType.BRANCH,
    "支部": OrgType.BRANCH,
}
_LIMITS = {"组织名称": 100, "书记": 50, "联系电话": 30, "办公地址": 200, "活动场所": 200}


@dataclass(frozen=True)
class OrgRow:
    row_number: int
    code: str
    name: str
    type: OrgType
    parent_code: str
    secretary: str | None
    phone: str | None
    address: str | None
    approved_on: date | None
    meeting_place: str | None


def _type(value: object) -> OrgType | None:
    text = parse_text(value)
    if text is None:
        return None
    if text not in _TYPES:
        raise Invalid("组织类型应为：党委、党工委、党总支、党支部之一", code="org_type")
    return _TYPES[text]


def _bounded(column: str) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        text = parse_text(value)
        if text is not None and len(text) > _LIMITS[column]:
            raise Invalid(f"不能超过{_LIMITS[column]}个字", code="import_text")
        return text

    return parse


def _read(row: Mapping[str, Any], number: int, today: date) -> tuple[OrgRow | None, RowCells]:
    cells = RowCells(row, number)
    code = cells.get("组织编码", parse_code, required=True)
    name = cells.get("组织名称", _bounded("组织名称"), required=True)
    org_type = cells.get("组织类型", _type, required=True)
    parent_code = cells.get("上级组织编码", parse_code, required=True)
    extra = {
        "secretary": cells.get("书记", _bounded("书记")),
        "phone": cells.get("联系电话", _bounded("联系电话")),
        "address": cells.get("办公地址", _bounded("办公地址")),
        "approved_on": cells.get("批准成立日期", parse_date),
        "meeting_place": cells.get("活动场所", _bounded("活动场所")),
    }
    if extra["approved_on"] is not None and extra["approved_on"] > today:
        cells.fail("批准成立日期", "日期不能晚于今天")
    if cells.errors or not (code and name and org_type and parent_code):
        return None, cells
    return OrgRow(number, code, name, org_type, parent_code, **extra), cells


def preview_orgs(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport[OrgRow]:
    """Check every row: fields, codes (``orgs.check_code`` against the parent), parents in
    scope and active or in the file, codes not taken and not repeated in the file."""
    rows = list(rows)
    today = today or hall_clock.today()
    report: ImportReport[OrgRow] = ImportReport(len(rows))
    report.errors.extend(missing_columns(rows, ORG_COLUMNS))
    if report.errors:
        return report
    in_scope = {o.code: o for o in session.scalars(select(Organization).where(org_in_scope(actor)))}
    parsed: list[tuple[OrgRow | None, RowCells]] = [
        _read(row, row_number(row, index), today) for index, row in enumerate(rows)
    ]
    first_seen: dict[str, int] = {}
    for org_row, _cells in parsed:
        if org_row is not None:
            first_seen.setdefault(org_row.code, org_row.row_number)
    from_file = {r.code: r for r, _c in parsed if r is not None}
    taken = set(
        session.scalars(select(Organization.code).where(Organization.code.in_(list(from_file))))
    )
    for org_row, cells in parsed:
        if org_row is not None:
            _check_row(org_row, cells, in_scope, from_file, first_seen, taken)
        report.errors.extend(cells.errors)
        if org_row is not None and not cells.errors:
            report.ok_rows.append(org_row)
    order = {c.name: i for i, c in enumerate(ORG_COLUMNS)}
    report.errors.sort(key=lambda e: (e.row_number, order.get(e.column or "", -1)))
    if progress:
        progress("校验", len(rows), len(rows))
    return report


def _check_row(
    row: OrgRow,
    cells: RowCells,
    in_scope: dict[str, Organization],
    from_file: dict[str, OrgRow],
    first_seen: dict[str, int],
    taken: set[str],
) -> None:
    if first_seen[row.code] != row.row_number:
        cells.fail("组织编码", f"与第{first_seen[row.code]}行的组织编码重复")
        return
    if row.code in taken:
        cells.fail("组织编码", f"组织编码{row.code}已存在")
        return
    parent = in_scope.get(row.parent_code)
    if parent is not None and not parent.active:
        cells.fail("上级组织编码", f"上级组织{row.parent_code}已撤销")
        return
    if parent is None and row.parent_code in from_file and row.parent_code != row.code:
        pending = from_file[row.parent_code]
        # stands in for the parent still to be created: check_code reads its type and code
        parent = Organization(code=pending.code, type=pending.type, name=pending.name)
    if parent is None:
        cells.fail(
            "上级组织编码",
            f"上级组织编码{row.parent_code}不存在或不在您的管理范围内（也不在本文件中）",
        )
        return
    try:
        orgs.check_code(row.code, row.type, parent)
    except Invalid as exc:
        column = "组织类型" if exc.code == "org_parent_type" else "组织编码"
        cells.fail(column, exc.message)


def import_orgs(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> int:
    """All or nothing: create every organization of the file, parents before children."""
    policy.authorize(actor, Action.ORG_EDIT)
    today = today or hall_clock.today()
    report = preview_orgs(session, actor, rows, today=today, progress=progress)
    if not report.ok:
        raise ImportRejected(report)
    created: dict[str, Organization] = {
        o.code: o for o in session.scalars(select(Organization).where(org_in_scope(actor)))
    }
    for done, row in enumerate(sorted(report.ok_rows, key=lambda r: orgs.LEVEL[r.type]), 1):
        org = orgs.create_org(
            session,
            actor,
            code=row.code,
            name=row.name,
            type=row.type,
            parent=created[row.parent_code],
            secretary=row.secretary,
            phone=row.phone,
            address=row.address,
        )
        if row.approved_on or row.meeting_place:
            info = org_info.OrgInfo(approved_on=row.approved_on, meeting_place=row.meeting_place)
            org_info.update_info(session, actor, org, info, today=today)
        created[org.code] = org
        if progress and done % 50 == 0:
            progress("写入", done, len(report.ok_rows))
    audit.record(
        session,
        actor,
        "import.orgs",
        "import",
        None,
        after={"rows": report.total_rows, "created": len(report.ok_rows)},
    )
    session.flush()
    return len(report.ok_rows)
