"""The member roll as a spreadsheet, with the filters on screen: staff work in Excel."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, flash, redirect, request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_members import filters_from
from backend.console.web import actor, audit_apart, db, login_required, today
from backend.models import Member, Organization
from backend.services.exports import XLSX_MIME, Column, Sheet, to_xlsx
from backend.services.member_filters import member_query

EXPORT_LIMIT = 200_000  # the xlsx is streamed: a whole district fits
COLUMNS = [
    Column("党员编号", width=16),
    Column("卡号", width=8),
    Column("姓名", width=10),
    Column("性别", width=5),
    Column("身份证号", width=20),
    Column("出生日期", width=11),
    Column("学历", width=9),
    Column("入党日期", width=11),
    Column("党员类别", width=8),
    Column("所在党组织", width=24),
    Column("组织编码", width=10),
    Column("联系电话", width=13),
    Column("月交党费（元）", kind="money", width=12),
    Column("连续欠交月数", kind="int", width=10),
    Column("困难党员", width=8),
    Column("流动党员", width=8),
]


@console_bp.get("/members.xlsx")
@login_required()
def members_export():  # type: ignore[no-untyped-def]
    form = Form(request.args)
    filters = filters_from(form)
    day = today()
    stmt = member_query(actor(), filters, day, with_months_behind=True)
    session_ = db()
    total = session_.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if (total or 0) > EXPORT_LIMIT:
        flash(f"符合条件的党员有{total}名，超过{EXPORT_LIMIT}名，请按党组织分批导出", "error")
        return redirect(url_for("console.members", **request.args.to_dict()))
    sheet = Sheet(
        title="党员名册",
        columns=COLUMNS,
        rows=roll_rows(session_, stmt),  # type: ignore[arg-type]
        header_lines=[f"导出日期：{day.isoformat()}，共{total}名"],
    )
    data = to_xlsx(sheet)
    # Personal data leaving the system: who took which list is kept in the audit log.
    audit_apart(
        "member.export",
        "member",
        None,
        {"filters": {k: v for k, v in form.values.items() if v}, "rows": total},
    )
    return Response(
        data,
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": "attachment; filename=members.xlsx"},
    )


def roll_rows(session_: Session, stmt: Select) -> Iterator[list[object]]:
    """The roll's lines from one query of plain columns (no ORM objects), streamed."""
    columns = stmt.with_only_columns(
        Member.member_no,
        Member.card_no,
        Member.name,
        Member.sex,
        Member.id_number,
        Member.birth_date,
        Member.education,
        Member.joined_date,
        Member.status,
        Organization.name,
        Organization.code,
        Member.phone,
        Member.monthly_dues_fen,
        stmt.selected_columns.months_behind,
        Member.hardship,
        Member.floating,
        maintain_column_froms=True,
    )
    for r in session_.execute(columns.execution_options(yield_per=2000)):
        yield [
            r[0] or "",
            r[1] or "",
            r[2],
            {"M": "男", "F": "女"}.get(r[3], ""),
            r[4],
            r[5].isoformat(),
            r[6] or "",
            r[7].isoformat(),
            r[8].label,
            r[9],
            r[10],
            r[11] or "",
            r[12],
            int(r[13]),
            "是" if r[14] else "",
            "是" if r[15] else "",
        ]
