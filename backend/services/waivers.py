"""减免: reducing or waiving a member's dues, with the approvals it requires (docs/dues.md).

A request names the months (of one year), the reason and the evidence (the branch meeting's
resolution). The branch decides first; then the next-higher 党委 — retirees need the branch
alone. Only the last approval changes the ledger, in the same transaction, audited: a waived
month is marked ``waived`` (nothing due), a reduced month gets the reduced amount. Months already
paid cannot be reduced or waived.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import (
    DuesCategory,
    DuesMonth,
    Member,
    Organization,
    OrgType,
    WaiverApproval,
    WaiverKind,
    WaiverRequest,
    WaiverState,
)
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.dues_year import lock_member
from backend.services.policy import Action
from backend.services.scope import get_member, org_in_scope, path_in_scope

OPEN_STATES = (WaiverState.PENDING_BRANCH, WaiverState.PENDING_COMMITTEE, WaiverState.APPROVED)


def _text(value: str | None, what: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"请填写{what}", code="text_missing")
    if len(value) > limit:
        raise Invalid(f"{what}不能超过{limit}个字", code="text_too_long")
    return value


def committee_above(session: Session, org: Organization) -> Organization | None:
    """The nearest 党委 above an organization (the one that approves its branch's waivers);
    the district's 区委 for a branch with no 党委 above it."""
    ids = [int(part) for part in org.path.strip("/").split("/")][:-1]
    ancestors = session.scalars(select(Organization).where(Organization.id.in_(ids))).all()
    committees = [o for o in ancestors if o.type in (OrgType.COMMITTEE, OrgType.DISTRICT)]
    return max(committees, key=lambda o: len(o.path)) if committees else None


def _months(session: Session, request: WaiverRequest) -> list[DuesMonth]:
    return list(
        session.scalars(
            select(DuesMonth)
            .where(
                DuesMonth.member_id == request.member_id,
                DuesMonth.year == request.year,
                DuesMonth.month >= request.start_month,
                DuesMonth.month <= request.end_month,
            )
            .order_by(DuesMonth.month)
        )
    )


def _check_months(session: Session, request: WaiverRequest) -> list[DuesMonth]:
    rows = _months(session, request)
    wanted = request.end_month - request.start_month + 1
    if len(rows) != wanted:
        raise Conflict(
            f"{request.year}年所选月份中有的不在该党员的党费台账中，请核对月份",
            code="months_missing",
        )
    for row in rows:
        if row.paid_fen > 0:
            raise Conflict(f"{row.year}年{row.month}月的党费已交，不能减免", code="month_paid")
        if row.waived:
            raise Conflict(f"{row.year}年{row.month}月已经减免", code="month_waived")
        if request.kind is WaiverKind.REDUCE and (
            row.due_fen is None or request.reduced_fen is None or request.reduced_fen >= row.due_fen
        ):
            raise Invalid(
                f"减交后的金额应低于{row.year}年{row.month}月原应交金额", code="reduced_too_high"
            )
    return rows


def submit(
    session: Session,
    actor: Actor,
    member_id: int,
    *,
    kind: WaiverKind | str,
    year: int,
    start_month: int,
    end_month: int,
    reason: str,
    evidence: str,
    reduced_fen: int | None = None,
) -> WaiverRequest:
    """Record a request for the branch to decide on."""
    policy.authorize(actor, Action.WAIVER_REQUEST)
    member = get_member(session, actor, member_id)
    try:
        kind = WaiverKind(kind)
    except ValueError:
        raise Invalid("减免方式应为减交或免交", code="waiver_kind") from None
    if not 1 <= start_month <= end_month <= 12:
        raise Invalid("减免月份不正确", code="period")
    if kind is WaiverKind.REDUCE and (reduced_fen is None or reduced_fen <= 0):
        raise Invalid("减交须填写减交后的每月金额（大于0）", code="reduced_missing")
    overlapping = session.scalar(
        select(WaiverRequest.id).where(
            WaiverRequest.member_id == member.id,
            WaiverRequest.year == year,
            WaiverRequest.state.in_(OPEN_STATES),
            WaiverRequest.start_month <= end_month,
            WaiverRequest.end_month >= start_month,
        )
    )
    if overlapping is not None:
        raise Conflict("这些月份已有减免申请，请勿重复提交", code="waiver_overlap")
    retiree = member.dues_category is DuesCategory.RETIRED
    committee = None if retiree else committee_above(session, member.org)
    request = WaiverRequest(
        member_id=member.id,
        org_id=member.org_id,
        committee_org_id=committee.id if committee is not None else None,
        kind=kind,
        year=year,
        start_month=start_month,
        end_month=end_month,
        reduced_fen=reduced_fen if kind is WaiverKind.REDUCE else None,
        reason=_text(reason, "减免原因"),
        evidence=_text(evidence, "依据（如支部党员大会决议）"),
        state=WaiverState.PENDING_BRANCH,
        created_by=actor.name,
    )
    _check_months(session, request)
    session.add(request)
    session.flush()
    audit.record(session, actor, "waiver.submit", "waiver", request.id, after=_image(request))
    return request


def _image(request: WaiverRequest) -> dict[str, object]:
    return {
        "member_id": request.member_id,
        "kind": request.kind.value,
        "months": f"{request.year}-{request.start_month:02d}..{request.end_month:02d}",
        "reduced_fen": request.reduced_fen,
        "state": request.state.value,
    }


def get_request(session: Session, actor: Actor, request_id: int) -> WaiverRequest:
    request = session.get(WaiverRequest, request_id)
    if request is None or not path_in_scope(actor, request.org.path):
        raise NotFound("未找到该减免申请，或不在您的管理范围内", code="waiver_not_found")
    return request


def decide(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    approve: bool,
    decided_on: date,
    comment: str = "",
) -> WaiverRequest:
    """Record the branch's or the 党委's decision; the last approval applies the request."""
    policy.authorize(actor, Action.WAIVER_APPROVE)
    request = get_request(session, actor, request_id)
    if request.state is WaiverState.PENDING_BRANCH:
        level, org = "branch", request.org
    elif request.state is WaiverState.PENDING_COMMITTEE:
        committee = request.committee_org
        assert committee is not None  # a request waiting for the 党委 names it
        level, org = "committee", committee
        if not path_in_scope(actor, org.path):
            raise Forbidden(f"该申请须由{org.name}审批", code="committee_approval_required")
    else:
        raise Conflict(f"该申请{request.state.label}，不能再审批", code="waiver_closed")
    _separate_duties(actor, request)
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise Invalid("审批意见不能超过300个字", code="text_too_long")
    before = _image(request)
    session.add(
        WaiverApproval(
            request=request,
            level=level,
            org_id=org.id,
            approved=approve,
            comment=comment,
            decided_on=decided_on,
            decided_by=actor.name,
        )
    )
    if not approve:
        request.state = WaiverState.REJECTED
    elif level == "branch" and request.committee_org_id is not None:
        request.state = WaiverState.PENDING_COMMITTEE
    else:
        _apply(session, actor, request)
    session.flush()
    action = "waiver.approve" if approve else "waiver.reject"
    audit.record(
        session,
        actor,
        action,
        "waiver",
        request.id,
        before=before,
        after={**_image(request), "level": level, "comment": comment},
    )
    return request


def _separate_duties(actor: Actor, request: WaiverRequest) -> None:
    """Whoever entered the request approves none of it, and the two approvals are made by two
    different people (docs/roles.md, separation of duties)."""
    policy.require_other_person(
        actor,
        names=[request.created_by],
        message="不能审批自己提交的减免申请，请由其他工作人员审批",
        code="self_approval",
    )
    policy.require_other_person(
        actor,
        names=[a.decided_by for a in request.approvals],
        message="两级审批须由不同的人作出：您已作出支部审批，党委审批请由其他工作人员办理",
        code="same_approver",
    )


def _apply(session: Session, actor: Actor, request: WaiverRequest) -> None:
    lock_member(session, request.member_id)
    rows = _check_months(session, request)
    before = [{"month": r.month, "due_fen": r.due_fen, "waived": r.waived} for r in rows]
    for row in rows:
        if request.kind is WaiverKind.WAIVE:
            row.waived = True
        else:
            row.due_fen = request.reduced_fen
    request.state = WaiverState.APPROVED
    request.applied_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "dues.waiver_applied",
        "member",
        request.member_id,
        before={"year": request.year, "months": before},
        after={
            "year": request.year,
            "waiver_id": request.id,
            "months": [{"month": r.month, "due_fen": r.due_fen, "waived": r.waived} for r in rows],
        },
    )


def requests_query(actor: Actor, *, states: tuple[WaiverState, ...] | None = None) -> Select:
    """Requests in the actor's scope (with their member), newest first; the console pages it."""
    stmt = (
        select(WaiverRequest)
        .join(Organization, Organization.id == WaiverRequest.org_id)
        .join(Member, Member.id == WaiverRequest.member_id)
        .where(org_in_scope(actor))
        .order_by(WaiverRequest.created_at.desc(), WaiverRequest.id.desc())
    )
    if states:
        stmt = stmt.where(WaiverRequest.state.in_(states))
    return stmt


def list_requests(
    session: Session, actor: Actor, *, states: tuple[WaiverState, ...] | None = None
) -> list[WaiverRequest]:
    return list(session.scalars(requests_query(actor, states=states)))


def awaiting(actor: Actor, request: WaiverRequest) -> bool:
    """Whether this actor may decide the request now (for the console's buttons)."""
    if request.state is WaiverState.PENDING_BRANCH:
        return path_in_scope(actor, request.org.path)
    if request.state is WaiverState.PENDING_COMMITTEE and request.committee_org is not None:
        return path_in_scope(actor, request.committee_org.path)
    return False
