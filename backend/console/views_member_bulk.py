"""Bulk actions on members picked on the roll: print their card slips, export them, move them to
a branch. Each goes through the same service as one member at a time (card slips, the roll
export, 区内转接 with its rules and audit); a move is all or nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.once import answered_once
from backend.console.views_finance import send_pdf
from backend.console.views_member_export import export_response
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.services import transfer_selection
from backend.services.card_prints import card_prints
from backend.services.dues_year import hall_now
from backend.services.input_rules import whole_number
from backend.services.masking import mask_name
from backend.services.member_filters import MemberFilters
from backend.services.policy import Action

FILTER_KEYS = {
    "q", "org_id", "age_band", "education", "status", "sex", "behind",
    "hardship", "pre_1949", "pending", "archived", "page",
}  # fmt: skip


def picked() -> list[int]:
    return [n for n in (whole_number(v) for v in request.form.getlist("member_id")) if n]


def back_to_list() -> Response:
    """The roll with the filters the bulk form was sent from (only known filter names)."""
    back = parse_qsl(request.form.get("back", ""))
    args: dict[str, Any] = {k: v for k, v in back if k in FILTER_KEYS}
    return redirect(url_for("console.members", **args))


@console_bp.post("/members/bulk/<any(cards,export,move):action>")
@login_required(
    Action.READ,
    variants={"cards": Action.CARD_MANAGE, "move": Action.TRANSFER_MEMBER},
)
@answered_once(actions={"move"})
def members_bulk(action: str) -> ResponseReturnValue:
    ids = picked()
    if not ids:
        flash("请先勾选党员", "error")
        return back_to_list()
    try:
        if action == "export":
            form = Form(request.form)
            return export_response(
                form, MemberFilters(ids=tuple(ids), archived=form.flag("archived"))
            )
        if action == "cards":
            return print_cards(ids)
        return move(ids)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
        return back_to_list()


def print_cards(ids: list[int]) -> Response:
    at = hall_now(settings().dues)
    result = card_prints(db(), actor(), settings(), ids, at=at)
    if result.without_card:
        names = "、".join(mask_name(m.name) for m in result.without_card[:10])
        more = "等" if len(result.without_card) > 10 else ""
        flash(
            f"{len(result.without_card)}名党员没有在用的党员卡，未打印：{names}{more}",
            "warning",
        )
    if result.pdf is None:
        return back_to_list()
    return send_pdf(result.pdf, f"党员卡凭条{today():%Y%m%d}")


def move(ids: list[int]) -> Response:
    form = Form(request.form)
    to_org_id = form.integer("to_org_id", "转入党支部") or 0
    on = form.date("on", "转接日期") or today()
    if not form.ok:
        flash(next(iter(form.errors.values())), "error")
        return back_to_list()
    moved = transfer_selection.transfer_selected(
        db(), actor(), settings(), ids, to_org_id, on=on, today=today()
    )
    flash(f"已将{len(moved)}名党员转入{moved[0].to_name}，并通知接收组织", "success")
    return back_to_list()
