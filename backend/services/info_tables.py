"""The words of the two information tables, shared by the console pages and their PDFs, so the
screen and the print never disagree (docs/info-tables.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import MediaFile, Member, Organization
from backend.services import member_info, org_breakdown, org_info
from backend.services.info_pdfs import MemberTable, OrgTable

COMMITTEE_HEADER = ("党内职务", "姓名", "性别", "出生年月", "学历", "任职日期")


def _day(value: date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def _sex(value: str | None) -> str:
    return {"M": "男", "F": "女"}.get(value or "", "")


def count_lines(groups: dict[str, org_breakdown.Group]) -> list[tuple[str, str]]:
    """Each group as one line: ("性别", "男12名；女3名")."""
    return [
        (g.title, "；".join(f"{label}{count}名" for label, count in g.parts))
        for g in groups.values()
    ]


def committee_rows(session: Session, org: Organization) -> list[tuple[str, ...]]:
    return [
        (
            seat.post,
            seat.member.name,
            _sex(seat.member.sex),
            f"{seat.member.birth_date:%Y年%m月}",
            seat.member.education or "",
            _day(seat.since),
        )
        for seat in org_info.committee(session, org)
    ]


def org_table(session: Session, org: Organization, today: date) -> OrgTable:
    groups = org_breakdown.breakdown(session, org.path, today)
    total = groups["status"].total
    photos = [
        session.scalar(select(MediaFile.data).where(MediaFile.id == p.media_id)) or b""
        for p in org_info.place_photos(session, org)
    ]
    details = [
        ("组织名称", org.name),
        ("组织编码", org.code),
        ("组织类别", org.type.label),
        ("上级组织", org.parent.name if org.parent else ""),
        ("批准成立日期", _day(org.approved_on)),
        ("党员总数", f"{total}名"),
        ("书记", org.secretary or ""),
        ("联系电话", org.phone or ""),
        ("联系人（联系小组）", org.liaison or ""),
        ("联系人电话", org.liaison_phone or ""),
        ("办公地址", org.address or ""),
        ("活动场所", org.meeting_place or ""),
    ]
    return OrgTable(
        title=f"{org.name}基本情况信息表",
        details=details,
        committee_header=COMMITTEE_HEADER,
        committee=committee_rows(session, org),
        counts=count_lines(groups),
        photos=photos,
        printed_on=today,
    )


def member_details(session: Session, member: Member) -> list[tuple[str, str]]:
    appraisals = "；".join(f"{a.year}年{a.result}" for a in member_info.appraisals(session, member))
    hardship = "是" + (f"（{member.hardship_note}）" if member.hardship_note else "")
    return [
        ("姓名", member.name),
        ("性别", _sex(member.sex)),
        ("民族", member.ethnicity),
        ("出生日期", _day(member.birth_date)),
        ("学历", member.education or ""),
        ("党员类别", f"{member.status.label}党员"),
        ("入党日期", _day(member.joined_date)),
        ("转正日期", _day(member.full_member_date)),
        ("所在党支部", member.org.name),
        ("党员编号", member.member_no or ""),
        ("党内职务", "、".join(member_info.posts(session, member)) or "无"),
        ("卡号", member.card_no or ""),
        ("工作单位及职务", member.work_unit or ""),
        ("参加工作日期", _day(member.work_start_date)),
        ("身份证号", member.id_number),
        ("联系电话", member.phone or ""),
        ("家庭住址", member.address or ""),
        ("流动党员", "是" if member.floating else "否"),
        ("参加组织生活情况", member.org_life or ""),
        ("民主评议结果", appraisals),
        ("困难党员", hardship if member.hardship else "否"),
        ("特长", member.skills or ""),
    ]


def member_table(session: Session, member: Member, today: date) -> MemberTable:
    photo = (
        session.scalar(select(MediaFile.data).where(MediaFile.id == member.photo_id))
        if member.photo_id
        else None
    )
    return MemberTable(
        title="党员信息表",
        details=member_details(session, member),
        photo=photo,
        printed_on=today,
    )
