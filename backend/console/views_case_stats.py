"""Console page: member case statistics of a year by type, organization and month, with its
xlsx export (docs/cases.md)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.paging import wants_xlsx
from backend.console.web import actor, db, login_required, settings, today
from backend.downloads import content_disposition
from backend.services import cases_stats, exports
from backend.services.policy import Action


@console_bp.get("/cases/stats")
@login_required(Action.READ)
def case_stats() -> ResponseReturnValue:
    form = Form(request.args)
    year = form.integer("year", "年度") or today().year
    if not 2000 <= year <= 2100:
        year = today().year
    form.values["year"] = str(year)
    stats = cases_stats.statistics(db(), actor(), year, today())
    if wants_xlsx():
        sheet = cases_stats.sheet(stats, settings().center_name)
        return Response(
            exports.to_xlsx(sheet),
            mimetype=exports.XLSX_MIME,
            headers={"Content-Disposition": content_disposition(f"{sheet.title}.xlsx")},
        )
    return render_template("cases/stats.html", form=form, stats=stats, types=cases_stats.TYPES)
