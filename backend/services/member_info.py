"""党员信息表: a member's photo, work unit, 参加组织生活情况, 民主评议 results, hardship and skills;
the member's 党内职务 are the committee seats held (``org_info``). See docs/info-tables.md.

Checked against ``Action.MEMBER_EDIT`` and the actor's subtree; one audit row per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Forbidden, Invalid
from backend.models import CommitteeSeat, Member, MemberAppraisal, Organization
from backend.models.info import APPRAISAL_RESULTS, ORG_LIFE_CHOICES
from backend.services import audit, media, policy
from backend.services.actor import Actor
from backend.services.org_info import post_rank
from backend.services.policy import Action
from backend.services.scope import path_in_scope

INFO_FIELDS = ("work_unit", "org_life", "skills", "hardship", "hardship_note", "photo_id")
_LIMITS = {"work_unit": 100, "skills": 200, "hardship_note": 200}
FIRST_APPRAISAL_YEAR = 1980


@dataclass(frozen=True)
class MemberInfo:
    work_unit: str | None = None
    org_life: str | None = None
    skills: str | None = None
    hardship: bool = False
    hardship_note: str | None = None
    photo: media.NewMedia | None = None  # None keeps the photo on file
    appraisal_year: int | None = None
    appraisal_result: str | None = None


def _snapshot(member: Member) -> dict[str, object]:
    full = audit.snapshot(member)
    return {k: full[k] for k in INFO_FIELDS}


def update_info(
    session: Session, actor: Actor, member: Member, info: MemberInfo, *, today: date
) -> Member:
    policy.authorize(actor, Action.MEMBER_EDIT)
    if not path_in_scope(actor, member.org.path):
        raise Forbidden("该党员不在您的管理范围内", code="out_of_scope")
    if member.archived:
        raise Invalid("已移入删除党员库的党员不能修改", code="member_archived")
    values: dict[str, object] = {}
    for key, limit in _LIMITS.items():
        text = (getattr(info, key) or "").strip() or None
        if text is not None and len(text) > limit:
            raise Invalid(f"内容过长（不超过{limit}个字）", code=key)
        values[key] = text
    if info.org_life is not None and info.org_life not in ORG_LIFE_CHOICES:
        raise Invalid(f"参加组织生活情况应为：{'、'.join(ORG_LIFE_CHOICES)}之一", code="org_life")
    values["org_life"] = info.org_life
    values["hardship"] = info.hardship
    if not info.hardship:
        values["hardship_note"] = None
    appraisal = _appraisal(info, today)
    before = _snapshot(member)
    if info.photo is not None:
        values["photo_id"] = media.store(session, info.photo).id
    for key, value in values.items():
        setattr(member, key, value)
    if appraisal is not None:
        _save_appraisal(session, member, *appraisal)
    session.flush()
    after = _snapshot(member)
    if appraisal is not None:
        after["appraisal"] = {"year": appraisal[0], "result": appraisal[1]}
    audit.record(
        session, actor, "member.info_update", "member", member.id, before=before, after=after
    )
    return member


def _appraisal(info: MemberInfo, today: date) -> tuple[int, str] | None:
    if info.appraisal_year is None and not info.appraisal_result:
        return None
    if info.appraisal_year is None or not info.appraisal_result:
        raise Invalid("民主评议须同时填写年度和结果", code="appraisal")
    if not FIRST_APPRAISAL_YEAR <= info.appraisal_year <= today.year:
        raise Invalid(
            f"评议年度应在{FIRST_APPRAISAL_YEAR}年至{today.year}年之间", code="appraisal_year"
        )
    if info.appraisal_result not in APPRAISAL_RESULTS:
        raise Invalid(f"评议结果应为：{'、'.join(APPRAISAL_RESULTS)}之一", code="appraisal")
    return info.appraisal_year, info.appraisal_result


def _save_appraisal(session: Session, member: Member, year: int, result: str) -> None:
    row = session.scalar(
        select(MemberAppraisal).where(
            MemberAppraisal.member_id == member.id, MemberAppraisal.year == year
        )
    )
    if row is None:
        session.add(MemberAppraisal(member_id=member.id, year=year, result=result))
    else:
        row.result = result


def appraisals(session: Session, member: Member) -> list[MemberAppraisal]:
    """民主评议 results, newest year first."""
    return list(
        session.scalars(
            select(MemberAppraisal)
            .where(MemberAppraisal.member_id == member.id)
            .order_by(MemberAppraisal.year.desc())
        )
    )


def posts(session: Session, member: Member) -> list[str]:
    """The member's 党内职务, e.g. "幸福社区第一党支部书记", highest post first."""
    rows = session.execute(
        select(Organization.name, CommitteeSeat.post)
        .join(Organization, CommitteeSeat.org_id == Organization.id)
        .where(CommitteeSeat.member_id == member.id)
        .order_by(post_rank(CommitteeSeat.post), Organization.code)
    )
    return [f"{name}{post}" for name, post in rows]
