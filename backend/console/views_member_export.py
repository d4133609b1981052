"""The member roll as a spreadsheet, with the filters on screen: staff work in Excel."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from sqlalchemy import func, select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_members import filters_from
from backend.console.web import actor, db, login_required, today
from backend.downloads import content_disposition
from backend.services import audit
from backend.services.exports import XLSX_MIME, Column, Sheet, to_xlsx
from backend.services.member_filters import member_query
from backend.services.policy import Action

EXPORT_LIMIT = 20_000
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
@login_required(Action.READ)
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
        header_lines=[f"导出日期：{day.isoformat()}，共{total}名"],
    )
    for m, org, behind in session_.execute(stmt):
        sheet.rows.append(
            [
                m.member_no or "",
                m.card_no or "",
                m.name,
                {"M": "男", "F": "女"}.get(m.sex, ""),
                m.id_number,
                m.birth_date.isoformat(),
                m.education or "",
                m.joined_date.isoformat(),
                m.status.label,
                org.name,
                org.code,
                m.phone or "",
                m.monthly_dues_fen,
                int(behind),
                "是" if m.hardship else "",
                "是" if m.floating else "",
            ]
        )
    # Personal data leaving the system: who took which list is kept in the audit log.
    audit.record(
        session_,
        actor(),
        "member.export",
        "member",
        None,
        after={"filters": {k: v for k, v in form.values.items() if v}, "rows": total},
    )
    return Response(
        to_xlsx(sheet),
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": content_disposition(f"党员名册{day:%Y%m%d}.xlsx")},
    )
