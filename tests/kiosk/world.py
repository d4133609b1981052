"""A small district for the kiosk tests, built with the backend's own services into SQLite.

Members whose unpaid months are counted back from today (so the scenarios hold in any month),
cards in every state, a registered kiosk, disclosure items in two tiers with a picture, and an
honor roll with consenting and non-consenting donors. ``build_world`` returns what the
scenarios need to know (UIDs, card numbers, expected texts) as plain JSON.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from backend.models import Base, CardState, DuesMonth
from backend.services import (
    appraisal_rounds,
    appraisal_templates,
    cards,
    disclosure,
    disclosure_workflow,
    hall_clock,
    honors,
    media,
)
from backend.services.disclosure_categories import ensure_default_categories
from backend.services.masking import mask_name
from backend.services.money import format_yuan
from backend.settings import AppraisalSettings, Settings
from tests.builders import SYSTEM, Builders
from tests.kiosk.world_honor import honor_services_world
from tests.kiosk.world_volunteers import volunteer_world

SECRET_KEY = "kiosk-test-secret"
CARD_UID_KEY = "kiosk-test-card-key"
PUBLIC_DOCS = 120  # more than two pages of the board list
MONTHLY_FEN = 7650


def _month_back(today: date, n: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


def ledger_with_unpaid(session: Session, member: Any, today: date, unpaid: int) -> None:
    """Last year and this year at the member's amount; everything before this month paid
    except the ``unpaid`` months right before it; this month and later open."""
    owed = {_month_back(today, n) for n in range(1, unpaid + 1)}
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            past = (year, month) < (today.year, today.month)
            paid = past and (year, month) not in owed
            session.add(
                DuesMonth(
                    member_id=member.id,
                    org_id=member.org_id,
                    year=year,
                    month=month,
                    due_fen=member.monthly_dues_fen,
                    paid_fen=member.monthly_dues_fen if paid else 0,
                )
            )
    session.flush()


def _png(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _publish(session: Session, document: Any) -> None:
    disclosure_workflow.submit_review(session, SYSTEM, document)
    disclosure_workflow.approve(session, SYSTEM, document, reviewer="保密审查员")
    disclosure_workflow.publish(session, SYSTEM, document)


def _content(session: Session, district: dict[str, Any]) -> dict[str, Any]:
    categories = {c.name: c for c in ensure_default_categories(session, SYSTEM)}
    policy = categories.get("政策文件") or next(iter(categories.values()))
    activity = categories.get("党的活动") or policy
    picture = media.NewMedia(filename="活动照片.png", data=_png((200, 30, 30)), ref="photo")
    first = disclosure.create_document(
        session,
        SYSTEM,
        org=district["c1"],
        category=activity,
        title="主题党日活动掠影",
        body_md=(
            "# 活动概况\n\n全体党员参加了主题党日活动。\n\n![活动合影](photo)\n\n感谢大家的参与。"
        ),
        files=[picture],
    )
    _publish(session, first)
    for n in range(1, PUBLIC_DOCS):
        doc = disclosure.create_document(
            session,
            SYSTEM,
            org=district["district"],
            category=policy,
            title=f"政策文件第{n:03d}号",
            body_md=f"第{n}号文件的正文。",
            publish_on=hall_clock.today() - timedelta(days=n),
        )
        _publish(session, doc)
    party = disclosure.create_document(
        session,
        SYSTEM,
        org=district["b1"],
        category=policy,
        title="第一党支部党费收缴使用情况",
        body_md="本支部党费收缴使用情况如下。",
        tier="party",
        publish_on=hall_clock.today() - timedelta(days=1),
    )
    _publish(session, party)
    unit = disclosure.create_document(
        session,
        SYSTEM,
        org=district["b3"],
        category=policy,
        title="机关党支部内部通报",
        body_md="仅限机关党支部党员。",
        tier="unit",
        publish_on=hall_clock.today() - timedelta(days=1),
    )
    _publish(session, unit)
    return {
        "public_title": "主题党日活动掠影",
        "member_title": "第一党支部党费收缴使用情况",
        "other_unit_title": "机关党支部内部通报",
        "category": activity.name,
    }


def _honors(session: Session, district: dict[str, Any]) -> dict[str, Any]:
    year = hall_clock.today().year
    honors.add_honor(
        session,
        SYSTEM,
        kind="person",
        title="优秀共产党员",
        year=year,
        awarding_body="示范区委",
        org=district["b1"],
        person_name="李𬌗祥",
        citation="扎根社区二十年，热心服务群众。",
        photo=media.NewMedia(filename="photo.png", data=_png((30, 30, 200))),
        photo_consent=True,
    )
    honors.add_honor(
        session,
        SYSTEM,
        kind="person",
        title="优秀党务工作者",
        year=year,
        awarding_body="示范区委",
        org=district["b2"],
        person_name="赵䶮",
        citation="党务工作细致扎实。",
    )
    honors.add_honor(
        session,
        SYSTEM,
        kind="organization",
        title="先进基层党组织",
        year=year,
        awarding_body="示范区委",
        org=district["b1"],
    )
    today = hall_clock.today()
    honors.add_donation(
        session,
        SYSTEM,
        donor_name="钱乐善",
        amount_fen=50000,
        donated_on=today,
        receiving_org=district["c1"],
        consent_public=True,
    )
    honors.add_donation(
        session,
        SYSTEM,
        donor_name="孙不留名",
        amount_fen=20000,
        donated_on=today,
        receiving_org=district["c1"],
        consent_public=False,
    )
    return {
        "honored": "李𬌗祥",
        "worker": "赵䶮",
        "donor_public": "钱乐善",
        "donor_private": "孙不留名",
        "donations_total": "700.00",
        "anonymous_total": "200.00",
    }


def _member_facts(member: Any, unpaid: int, uid: str) -> dict[str, Any]:
    return {
        "uid": uid,
        "card_no": member.card_no,
        "id_last6": member.id_number[-6:],
        "name": member.name,
        "name_masked": mask_name(member.name),
        "org_name": member.org.name,
        "monthly": format_yuan(member.monthly_dues_fen),
        "unpaid": unpaid,
        "arrears": format_yuan(member.monthly_dues_fen * unpaid),
    }


def _appraisal_round(session: Session, district: dict[str, Any], today: date) -> dict[str, Any]:
    """An open round over the branches, for the 满意度测评 screen (docs/appraisal.md)."""
    template = appraisal_templates.create_template(
        session,
        SYSTEM,
        kind="org",
        year=today.year,
        name="测评",
        tree=[
            {
                "name": "作风建设",
                "weight": 100,
                "children": [
                    {"name": "满意度", "weight": 100, "standard": "测评", "source": "satisfaction"}
                ],
            }
        ],
    )
    round_ = appraisal_rounds.create_round(
        session,
        SYSTEM,
        AppraisalSettings(),
        template=template,
        org=district["district"],
        year=today.year,
        quarter=None,
        title=f"{today.year}年度党支部满意度测评",
    )
    return {"round_id": round_.id, "title": round_.title}


def build_world(folder: Path) -> dict[str, Any]:
    """Create ``folder/hall.db`` and return the facts the scenarios assert against."""
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "hall.db"
    url = f"sqlite:///{db_path}"
    settings = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    today = hall_clock.today()
    with Session(engine) as session:
        build = Builders(session, settings)
        district = build.district()
        people: dict[str, Any] = {}
        # UIDs with hex letters, as real cards have: a wedge reader types them with Shift.
        for key, name, org, unpaid, uid in (
            ("regular", "𠮷小明", "b1", 2, "43FB29E9"),
            ("reminder", "刘五月", "b2", 5, "1D40F15B"),
            ("final", "陈六月", "b3", 6, "7CB9A7E7"),
        ):
            member = build.member(district[org], name=name, monthly_fen=MONTHLY_FEN)
            ledger_with_unpaid(session, member, today, unpaid)
            people[key] = _member_facts(member, unpaid, build.card(member, uid))
        lost = build.member(district["b1"], name="周丢卡")
        lost_uid = build.card(lost)
        card = cards.find_card(session, lost_uid, settings.card_uid_key)
        assert card is not None
        cards.set_card_state(session, SYSTEM, card, CardState.LOST)
        device_key = build.device("test-kiosk")
        content = _content(session, district)
        roll = _honors(session, district)
        honor_services = honor_services_world(session, district)
        volunteers = volunteer_world(session, settings, district)
        ballot = _appraisal_round(session, district, today)
        session.commit()
    engine.dispose()
    world = {
        "database_url": url,
        "device_key": device_key,
        "members": people,
        "lost_uid": lost_uid,
        "unknown_uid": "0BADC0DE",
        "content": content,
        "honors": roll,
        "honor_services": honor_services,
        "volunteers": volunteers,
        "appraisal": ballot,
        "today": today.isoformat(),
    }
    (folder / "world.json").write_text(json.dumps(world, ensure_ascii=False, indent=2), "utf-8")
    return world
