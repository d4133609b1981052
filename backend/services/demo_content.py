"""Demo content for the touch board: the disclosure folder, an honor roll and fund donors.

Called by the ``demo-data`` command with the organizations it created. The demo documents name
their publishers by codes of the founding scheme (``01010000`` …, docs/founding-spec.md); when
the demo district numbers its organizations differently, a document goes to the first
organization of the same level.
Loading twice adds nothing: imported files are recognised by content, entries by their key.
The people and companies named here are invented.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import Donation, HonorEntry, HonorKind, Organization, OrgType
from backend.services import honors
from backend.services.actor import Actor
from backend.services.disclosure_categories import ensure_default_categories
from backend.services.disclosure_import import OrgResolver, import_folder
from backend.services.media import NewMedia
from backend.settings import DATA_DIR

DEMO_DISCLOSURE_DIR = DATA_DIR / "demo" / "disclosure"
DEMO_REVIEWER = "演示数据保密审查员"
DISTRICT_BODY = "中共示范区委员会"
STREET_BODY = "中共城关街道工作委员会"

# (title, year, name, unit, org code, awarding body, citation, photo colour, consent)
PEOPLE = (
    (
        "优秀共产党员",
        2026,
        "王淑芬",
        "幸福社区第一党支部（退休教师）",
        "01010101",
        DISTRICT_BODY,
        "退休后坚持为社区青少年义务辅导功课八年，组建“银龄帮帮团”，带动二十余名老党员参与志愿服务。",
        (196, 80, 70),
        True,
    ),
    (
        "优秀共产党员",
        2026,
        "陈立新",
        "幸福社区第二党支部",
        "01010102",
        DISTRICT_BODY,
        "疫情防控和防汛抢险中冲在一线，连续三年被评为社区优秀志愿者。",
        (70, 110, 170),
        False,
    ),
    (
        "优秀共产党员",
        2025,
        "刘海燕",
        "开发区管委会机关党支部",
        "01020001",
        DISTRICT_BODY,
        "扎根窗口服务岗位，推行“一次办好”，全年办理业务三千余件，零差错、零投诉。",
        (150, 90, 160),
        True,
    ),
    (
        "优秀党务工作者",
        2026,
        "赵文斌",
        "幸福社区党总支",
        "01010100",
        STREET_BODY,
        "规范党费收缴和党员档案管理，推动总支各支部“三会一课”记录全部规范化。",
        (60, 140, 100),
        True,
    ),
    (
        "优秀党务工作者",
        2025,
        "孙丽萍",
        "城关街道党工委",
        "01010000",
        STREET_BODY,
        "牵头建设党员服务大厅触摸查询和党务公开栏目，方便党员群众就近查询办事。",
        (200, 140, 50),
        False,
    ),
)
# (title, year, org code, awarding body, citation, with photo)
ORGANIZATIONS = (
    (
        "先进基层党组织",
        2026,
        "01010101",
        DISTRICT_BODY,
        "坚持“支部建在楼栋上”，打造“楼道微治理”服务品牌，党员亮身份、作表率。",
        True,
    ),
    (
        "先进基层党组织",
        2025,
        "01020001",
        DISTRICT_BODY,
        "机关党建与业务工作深度融合，连续两年考核优秀。",
        False,
    ),
)
# (donor, kind, unit, amount in fen, date, consent to publish)
DONORS = (
    ("示范区建筑工程有限公司", "unit", None, 2_000_000, date(2026, 6, 30), True),
    ("示范区第一中学教职工", "unit", None, 360_000, date(2026, 7, 1), True),
    ("周国庆", "person", "退休职工", 200_000, date(2026, 7, 1), True),
    ("李卫东", "person", None, 100_000, date(2026, 5, 20), False),
    ("吴晓梅", "person", None, 50_000, date(2026, 9, 10), False),
)
_LEVEL_TYPES = (OrgType.DISTRICT, OrgType.COMMITTEE, OrgType.GENERAL_BRANCH, OrgType.BRANCH)


@dataclass(frozen=True)
class DemoContentResult:
    documents: int
    honors: int
    donations: int


def load_demo_content(
    session: Session, actor: Actor, orgs_by_code: Mapping[str, Organization]
) -> DemoContentResult:
    """Publish the demo disclosure items and fill the honor roll. ``actor`` must be a system
    actor: the demo's secrecy review is recorded under ``DEMO_REVIEWER``."""
    if actor.type != "system":
        raise Invalid("演示数据须以系统身份载入", code="demo_actor")
    if not orgs_by_code:
        raise Invalid("载入演示内容前须先建立组织", code="demo_orgs")
    resolve = _resolver(orgs_by_code)
    ensure_default_categories(session, actor)
    imported = import_folder(
        session,
        actor,
        DEMO_DISCLOSURE_DIR,
        resolve_org=resolve,
        reviewer=DEMO_REVIEWER,
        publish=True,
    )
    added = 0
    for title, year, name, unit, code, body, citation, colour, consent in PEOPLE:
        org = resolve(code)
        if _honor_exists(session, HonorKind.PERSON, title, year, org, name):
            continue
        honors.add_honor(
            session,
            actor,
            kind=HonorKind.PERSON,
            title=title,
            year=year,
            awarding_body=body,
            org=org,
            citation=citation,
            person_name=name,
            unit_name=unit,
            photo=NewMedia(f"{year}-{title}-{name}.png", _portrait(colour)),
            photo_consent=consent,
        )
        added += 1
    for title, year, code, body, citation, with_photo in ORGANIZATIONS:
        org = resolve(code)
        if _honor_exists(session, HonorKind.ORGANIZATION, title, year, org, None):
            continue
        honors.add_honor(
            session,
            actor,
            kind=HonorKind.ORGANIZATION,
            title=title,
            year=year,
            awarding_body=body,
            org=org,
            citation=citation,
            photo=NewMedia(f"{year}-{title}.png", _group_photo()) if with_photo else None,
        )
        added += 1
    donations = 0
    receiving = resolve("01000000")
    for donor, kind, donor_unit, amount, when, consent in DONORS:
        if session.scalar(
            select(Donation.id).where(
                Donation.donor_name == donor,
                Donation.donated_on == when,
                Donation.amount_fen == amount,
            )
        ):
            continue
        honors.add_donation(
            session,
            actor,
            donor_name=donor,
            donor_kind=kind,
            unit=donor_unit,
            amount_fen=amount,
            donated_on=when,
            receiving_org=receiving,
            consent_public=consent,
        )
        donations += 1
    return DemoContentResult(len(imported.created), added, donations)


def _resolver(orgs_by_code: Mapping[str, Organization]) -> OrgResolver:
    def resolve(code: str | None) -> Organization:
        if code and code in orgs_by_code:
            return orgs_by_code[code]
        wanted = _level_type(code or "01000000")
        same_level = sorted(
            (o for o in orgs_by_code.values() if o.type is wanted), key=lambda o: o.code
        )
        if same_level:
            return same_level[0]
        return min(orgs_by_code.values(), key=lambda o: (len(o.path), o.code))

    return resolve


def _level_type(code: str) -> OrgType:
    """The level a code of the founding scheme names: the last segment that is not ``00``."""
    segments = [code[i : i + 2] for i in range(0, 8, 2)]
    level = max((i for i, s in enumerate(segments) if s != "00"), default=0)
    return _LEVEL_TYPES[level]


def _honor_exists(
    session: Session,
    kind: HonorKind,
    title: str,
    year: int,
    org: Organization,
    name: str | None,
) -> bool:
    return (
        session.scalar(
            select(HonorEntry.id).where(
                HonorEntry.kind == kind,
                HonorEntry.title == title,
                HonorEntry.year == year,
                HonorEntry.org_id == org.id,
                HonorEntry.person_name.is_(None)
                if name is None
                else HonorEntry.person_name == name,
            )
        )
        is not None
    )


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, "PNG", optimize=True)
    return out.getvalue()


def _portrait(colour: tuple[int, int, int]) -> bytes:
    """A neutral head-and-shoulders placeholder standing in for a consented photo."""
    image = Image.new("RGB", (240, 300), (236, 232, 226))
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 45, 165, 145), fill=(245, 222, 200))
    draw.rounded_rectangle((35, 160, 205, 320), radius=60, fill=colour)
    draw.polygon([(105, 160), (135, 160), (120, 200)], fill="white")
    return _png(image)


def _group_photo() -> bytes:
    image = Image.new("RGB", (480, 270), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 60), fill=(196, 30, 36))
    for i in range(7):
        x = 40 + i * 60
        draw.ellipse((x, 120, x + 36, 156), fill=(245, 222, 200))
        draw.rounded_rectangle((x - 8, 160, x + 44, 240), radius=18, fill=(70, 80, 110))
    return _png(image)
