"""Opening a 考核 round from the console (docs/appraisal.md): the template, the year and
quarter (or the whole year), a title, and for an organization round the levels to assess. The
round is run by the user's own organization over its subtree."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.web import actor, current_user, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import AppraisalTemplate
from backend.services import appraisal_rounds as rounds
from backend.services.policy import Action

PERIODS = [("0", "全年")] + [(str(q), f"第{q}季度") for q in range(1, 5)]
LEVELS = [("branch", "党支部"), ("general_branch", "党总支"), ("committee", "党委")]
KINDS = {"org": "党组织考核", "member": "民主评议党员"}


def _templates() -> list[AppraisalTemplate]:
    return list(
        db().scalars(
            select(AppraisalTemplate).order_by(
                AppraisalTemplate.year.desc(),
                AppraisalTemplate.kind,
                AppraisalTemplate.version.desc(),
            )
        )
    )


@console_bp.route("/appraisal/new", methods=["GET", "POST"])
@login_required(Action.APPRAISAL_ROUND)
def appraisal_round_new():
    templates = _templates()
    year = today().year
    form = Form(
        request.form if request.method == "POST" else None,
        defaults={"year": year, "period": str((today().month - 1) // 3 + 1), "branch": "1"},
    )
    if request.method == "POST":
        chosen = form.integer("template_id", "考核指标体系", required=True)
        template = next((t for t in templates if t.id == chosen), None)
        if chosen is not None and template is None:
            form.error("template_id", "请从列表中选择考核指标体系")
        round_year = form.integer("year", "年度", required=True)
        if round_year is not None and not 2000 <= round_year <= year + 1:
            form.error("year", f"年度应在2000年到{year + 1}年之间")
        period = form.choice("period", "期间", [p for p, _ in PERIODS], required=True)
        title = form.text("title", "考核名称", required=True, max_len=100)
        levels = [level for level, _ in LEVELS if form.flag(level)]
        if template is not None and template.kind == "org" and not levels:
            form.error("branch", "请至少选择一个考核对象层级")
        if form.ok and template and round_year and period is not None and title:
            try:
                round_ = rounds.create_round(
                    db(),
                    actor(),
                    settings().appraisal,
                    template=template,
                    org=current_user().org,
                    year=round_year,
                    quarter=int(period) or None,
                    title=title,
                    levels=levels,
                )
                db().commit()
            except DomainError as exc:
                rollback()
                form.fail(exc, {"appraisal_title": "title", "appraisal_quarter": "period"})
            else:
                return redirect(url_for("console.appraisal_round", round_id=round_.id))
    options = [
        (str(t.id), f"{t.year}年 {t.name}（{KINDS.get(t.kind, t.kind)}，第{t.version}版）")
        for t in templates
    ]
    return render_template(
        "appraisal/new.html",
        form=form,
        templates=options,
        periods=PERIODS,
        levels=LEVELS,
        org_name=current_user().org.name,
    ), (200 if form.ok else 400)
