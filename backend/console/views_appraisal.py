"""Assessment (考核) in the console: the rounds of the user's subtree, a round's ranking with the
comparison and trend charts, a subject's scores with how each automatic indicator was computed,
additions and deductions with their reasons, computing, publishing and the PDF report
(docs/appraisal.md). Not 党费核定, which is ``views_assessment``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.appraisal_charts import comparison_chart, trend_chart
from backend.console.views_finance import attachment
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, Invalid
from backend.models import (
    AppraisalAdjustment,
    AppraisalAutoValue,
    AppraisalNode,
    AppraisalRound,
    AppraisalScore,
    Organization,
)
from backend.services import (
    appraisal_analysis,
    appraisal_publish,
    appraisal_report,
    appraisal_results,
    appraisal_sampling,
)
from backend.services import appraisal_rounds as rounds
from backend.services.appraisal_scoring import RATER_LABELS
from backend.services.appraisal_templates import nodes_of
from backend.services.exports import PDF_MIME
from backend.services.policy import Action
from backend.services.scope import org_in_scope

add_menu_entry(
    "考核评议",
    "console.appraisal_rounds",
    section="组织与党员",
    order=60,
    active_prefix="console.appraisal",
)
STATES = {"open": "评分中", "scored": "已计分", "published": "已公布"}


@console_bp.get("/appraisal")
@login_required(Action.READ)
def appraisal_rounds():
    rounds = (
        db()
        .scalars(
            select(AppraisalRound)
            .join(Organization, AppraisalRound.org_id == Organization.id)
            .where(org_in_scope(actor()))
            .order_by(AppraisalRound.year.desc(), AppraisalRound.id.desc())
            .limit(200)
        )
        .all()
    )
    return render_template("appraisal/rounds.html", rounds=rounds, states=STATES)


@console_bp.get("/appraisal/<int:round_id>")
@login_required(Action.READ)
def appraisal_round(round_id: int):
    round_ = rounds.get_round(db(), actor(), round_id)
    bars = appraisal_analysis.comparison(db(), round_)
    history = appraisal_analysis.trend(db(), round_)
    return render_template(
        "appraisal/round.html",
        round=round_,
        state=STATES[round_.state],
        subjects=appraisal_publish.ranking(db(), round_),
        name=appraisal_publish.subject_name,
        comparison=comparison_chart(f"{round_.title}得分比较", bars) if bars else None,
        trend=trend_chart(f"{round_.title}得分趋势", history) if history.periods else None,
    )


@console_bp.post("/appraisal/<int:round_id>/score")
@login_required(Action.APPRAISAL_ROUND)
def appraisal_round_score(round_id: int):
    round_ = rounds.get_round(db(), actor(), round_id)
    try:
        outcome = appraisal_results.score_round(
            db(), actor(), settings().appraisal, round_, settings().meetings
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(
            f"已计分：检查{outcome.scored}个，沿用上期{outcome.carried}个，优秀{outcome.excellent}个",
            "success",
        )
    return redirect(url_for("console.appraisal_round", round_id=round_id))


@console_bp.post("/appraisal/<int:round_id>/sample")
@login_required(Action.APPRAISAL_ROUND)
def appraisal_round_sample(round_id: int):
    """抽查: the always-check list as organization codes, how many others to draw, and an
    optional seed (a new one is drawn and recorded when left empty)."""
    round_ = rounds.get_round(db(), actor(), round_id)
    codes = request.form.get("always", "").replace("，", " ").replace(",", " ").split()
    try:
        always = [_org_by_code(code).id for code in codes]
        count, seed = _whole(request.form.get("count", ""), "抽查数量"), None
        if request.form.get("seed", "").strip():
            seed = _whole(request.form["seed"], "随机种子")
        appraisal_sampling.sample_round(
            db(), actor(), round_, always_check=always, count=count, seed=seed
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"已抽查，随机种子 {round_.sample_seed}", "success")
    return redirect(url_for("console.appraisal_round", round_id=round_id))


def _org_by_code(code: str) -> Organization:
    org = db().scalar(select(Organization).where(Organization.code == code, org_in_scope(actor())))
    if org is None:
        raise Invalid(f"没有编码为{code}的党组织，或不在您的管理范围内", code="org_not_found")
    return org


def _whole(text: str, label: str) -> int:
    if not text.strip().isdigit():
        raise Invalid(f"{label}应为不小于0的整数", code="appraisal_number")
    return int(text.strip())


@console_bp.post("/appraisal/<int:round_id>/publish")
@login_required(Action.APPRAISAL_PUBLISH)
def appraisal_round_publish(round_id: int):
    round_ = rounds.get_round(db(), actor(), round_id)
    try:
        publication = appraisal_publish.publish_round(db(), actor(), round_)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(
            f"已生成党务公开草稿（须经保密审查后发布），上光荣榜{publication.honors}个", "success"
        )
    return redirect(url_for("console.appraisal_round", round_id=round_id))


@console_bp.get("/appraisal/<int:round_id>/report.pdf")
@login_required(Action.READ)
def appraisal_round_pdf(round_id: int):
    round_ = rounds.get_round(db(), actor(), round_id)
    data = appraisal_report.round_report_pdf(db(), round_, today())
    return attachment(data, PDF_MIME, f"{round_.title}结果分析报告.pdf")


@console_bp.get("/appraisal/subjects/<int:subject_id>")
@login_required(Action.READ)
def appraisal_subject(subject_id: int):
    subject = rounds.get_subject(db(), actor(), subject_id)
    round_ = db().get(AppraisalRound, subject.round_id)
    assert round_ is not None
    nodes: list[AppraisalNode] = nodes_of(db(), round_.template)
    scores = (
        db().scalars(select(AppraisalScore).where(AppraisalScore.subject_id == subject.id)).all()
    )
    auto = {
        v.node_id: v
        for v in db().scalars(
            select(AppraisalAutoValue).where(AppraisalAutoValue.subject_id == subject.id)
        )
    }
    adjustments = (
        db()
        .scalars(
            select(AppraisalAdjustment)
            .where(AppraisalAdjustment.subject_id == subject.id)
            .order_by(AppraisalAdjustment.id)
        )
        .all()
    )
    return render_template(
        "appraisal/subject.html",
        subject=subject,
        round=round_,
        name=appraisal_publish.subject_name(subject),
        nodes=nodes,
        scores=scores,
        auto=auto,
        adjustments=adjustments,
        rater_labels=RATER_LABELS,
        evidence=rounds.evidence_of(db(), subject),
    )


@console_bp.post("/appraisal/subjects/<int:subject_id>/scores")
@login_required(Action.APPRAISAL_SCORE)
def appraisal_subject_score(subject_id: int):
    subject = rounds.get_subject(db(), actor(), subject_id)
    node = request.form.get("node_id", "")
    try:
        rounds.record_score(
            db(),
            actor(),
            subject,
            node_id=int(node) if node.isdigit() else 0,
            rater_kind=request.form.get("rater_kind", ""),
            points=request.form.get("points", ""),
            rater=request.form.get("rater") or None,
            note=request.form.get("note", ""),
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("评分已记录", "success")
    return redirect(url_for("console.appraisal_subject", subject_id=subject_id))


@console_bp.post("/appraisal/subjects/<int:subject_id>/adjust")
@login_required(Action.APPRAISAL_ADJUST)
def appraisal_subject_adjust(subject_id: int):
    subject = rounds.get_subject(db(), actor(), subject_id)
    try:
        appraisal_results.add_adjustment(
            db(),
            actor(),
            settings().appraisal,
            subject,
            points=request.form.get("points", ""),
            reason=request.form.get("reason", ""),
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("加减分已记录", "success")
    return redirect(url_for("console.appraisal_subject", subject_id=subject_id))
