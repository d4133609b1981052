"""The member roll as a spreadsheet, with the filters on screen: staff work in Excel."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_members import filters_from
from backend.console.web import actor, audit_apart, db, login_required, today
from backend.downloads import content_disposition
from backend.services.exports import XLSX_MIME, Sheet, to_xlsx
from backend.services.member_filters import MemberFilters, member_query
from backend.services.member_roll import COLUMNS, roll_rows
from backend.services.policy import Action

EXPORT_LIMIT = 200_000  # the xlsx is streamed: a whole district fits


@console_bp.get("/members.xlsx")
@login_required(Action.READ)
def members_export() -> ResponseReturnValue:
    form = Form(request.args)
    return export_response(form, filters_from(form))


def export_response(form: Form, filters: MemberFilters) -> WerkzeugResponse:
    """The roll matching ``filters`` as xlsx (also the bulk action's export of picked members)."""
    day = today()
    stmt = member_query(actor(), filters, day, with_months_behind=True)
    session_ = db()
    total = session_.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if (total or 0) > EXPORT_LIMIT:
        flash(f"符合条件的党员有{total}名，超过{EXPORT_LIMIT}名，请按党组织分批导出", "error")
        args: dict[str, Any] = request.args.to_dict()
        return redirect(url_for("console.members", **args))
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
        {
            "filters": {
                k: v for k, v in form.values.items() if v and k not in ("csrf_token", "once_token")
            },
            **({"members": list(filters.ids)} if filters.ids else {}),
            "rows": total,
        },
    )
    return Response(
        data,
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": content_disposition(f"党员名册{day:%Y%m%d}.xlsx")},
    )
