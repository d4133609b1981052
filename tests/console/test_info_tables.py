"""The information tables (docs/info-tables.md) over HTTP (both databases): 党组织基本情况信息表
and 党员信息表 edited with photos, printed as PDFs whose Chinese text reads back, and the
committee listed first on the branch roster."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from backend.models import (
    AuditEntry,
    CommitteeSeat,
    Member,
    MemberAppraisal,
    Organization,
    OrgPhoto,
    Role,
)
from tests.backend.test_disclosure_helpers import PNG_1PX
from tests.builders import Builders
from tests.console.conftest import page_text


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


@dataclass(frozen=True)
class Person:
    id: int
    card_no: str


def _setup(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    """Plain ids and card numbers: the test's session must hold no transaction (on SQLite each
    one holds the write lock) while the app serves a request."""
    o = build.district()
    build.user(o["g1"], "zongzhi", Role.ORG_STAFF)
    build.user(o["b1"], "zhibu", Role.COUNTER)
    made = {
        "a": build.member(o["b1"], name="甲普通"),
        "b": build.member(o["b1"], name="乙委员", sex="F"),
        "c": build.member(o["b1"], name="丙书记"),
        "d": build.member(o["b1"], name="丁副书记"),
        "far": build.member(o["b3"], name="戊外支部"),
    }
    data = {k: Person(m.id, m.card_no or "") for k, m in made.items()}
    ids = {k: org.id for k, org in o.items()}
    db.commit()
    return {"orgs": ids, **data}


def _seat(client, org_id: int, member: Person, post: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/orgs/{org_id}/seats",
        data={"member": member.card_no, "post": post, "since": "2024-03-01"},
    )


def test_org_table_is_edited_with_photos_and_committee_and_prints(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    b1 = data["orgs"]["b1"]
    sign_in("zongzhi")
    r = client.post(
        f"/console/orgs/{b1}/info",
        data={
            "approved_on": "2019-06-18",
            "liaison": "第一党小组",
            "liaison_phone": "13800001111",
            "meeting_place": "幸福社区党群服务中心二楼",
            "photo": (io.BytesIO(PNG_1PX), "活动室.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, page_text(r)
    org = db.get(Organization, b1)
    assert org.approved_on == date(2019, 6, 18) and org.meeting_place == "幸福社区党群服务中心二楼"
    photo_ids = db.scalars(select(OrgPhoto.id).where(OrgPhoto.org_id == b1)).all()
    db.rollback()  # end the read: on SQLite every transaction holds the write lock
    assert client.get(f"/console/orgs/{b1}/photos/{photo_ids[0]}").data == PNG_1PX
    assert len(photo_ids) == 1

    # a file that is not an image is refused beside the field, and nothing is saved
    r = client.post(
        f"/console/orgs/{b1}/info",
        data={"meeting_place": "别处", "photo": (io.BytesIO(b"%PDF-1.4 no"), "场所.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "图片场所.png不是PNG、JPEG、GIF或WebP图片" in page_text(r)
    db.expire_all()
    assert db.get(Organization, b1).meeting_place == "幸福社区党群服务中心二楼"
    db.rollback()

    assert _seat(client, b1, data["c"], "书记").status_code == 302
    assert _seat(client, b1, data["d"], "副书记").status_code == 302
    assert _seat(client, b1, data["b"], "组织委员").status_code == 302
    r = _seat(client, b1, data["a"], "书记")
    assert r.status_code == 400 and "已有书记（丙书记）" in page_text(r)
    r = _seat(client, b1, data["far"], "委员")
    assert r.status_code == 400 and "没有卡号或党员编号为" in page_text(r)
    page = page_text(client.get(f"/console/orgs/{b1}/info"))
    assert page.index("丙书记") < page.index("丁副书记") < page.index("乙委员")
    assert "正式党员4名；预备党员0名" in page and "男3名；女1名" in page

    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"org.info_update", "org.photo_add", "org.seat_set"} <= actions
    db.rollback()

    pdf = client.get(f"/console/orgs/{b1}/info.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "幸福社区第一党支部基本情况信息表" in text
    assert "2019年06月18日" in text and "幸福社区党群服务中心二楼" in text and "第一党小组" in text
    assert text.index("书记丙书记") < text.index("副书记丁副书记") < text.index("组织委员乙委员")
    assert "正式党员4名；预备党员0名" in text and "1949年10月1日前入党0名" in text


def test_member_table_is_edited_with_a_photo_and_prints(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    b1, person = data["orgs"]["b1"], data["c"]
    sign_in("zongzhi")
    _seat(client, b1, person, "书记")
    r = client.post(
        f"/console/members/{person.id}/info",
        data={
            "work_unit": "幸福社区居委会主任",
            "org_life": "正常参加",
            "skills": "书法、电脑维修",
            "hardship": "1",
            "hardship_note": "因病致困",
            "appraisal_year": "2025",
            "appraisal_result": "优秀",
            "photo": (io.BytesIO(PNG_1PX), "照片.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, page_text(r)
    member = db.get(Member, person.id)
    assert member.hardship and member.skills == "书法、电脑维修" and member.photo_id
    (appraisal,) = db.scalars(select(MemberAppraisal)).all()
    assert (appraisal.year, appraisal.result) == (2025, "优秀")
    db.rollback()
    assert client.get(f"/console/members/{person.id}/photo").data == PNG_1PX

    r = client.post(
        f"/console/members/{person.id}/info",
        data={"appraisal_year": "2025", "photo": (io.BytesIO(b"GIF8"), "x.gif")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "民主评议须同时填写年度和结果" in page_text(r)

    info = page_text(client.get(f"/console/members/{person.id}/info"))
    assert "幸福社区第一党支部书记" in info and "2025年优秀" in info
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "member.info_update")).one()
    assert entry.after["skills"] == "书法、电脑维修"
    db.rollback()

    pdf = client.get(f"/console/members/{person.id}/info.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.data)
    assert "党员信息表" in text and "丙书记" in text and "幸福社区第一党支部书记" in text
    assert "书法、电脑维修" in text and "2025年优秀" in text and "是（因病致困）" in text
    assert "正常参加" in text


def test_editing_needs_the_policy_and_the_scope(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("zhibu")  # a counter clerk may read, not edit
    b1 = data["orgs"]["b1"]
    assert client.get(f"/console/orgs/{b1}/info").status_code == 403
    assert client.post(f"/console/members/{data['a'].id}/info", data={}).status_code == 403
    assert client.get(f"/console/members/{data['a'].id}/info.pdf").status_code == 200
    assert db.scalars(select(CommitteeSeat)).all() == []


def test_roster_lists_the_committee_first_in_post_order(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    b1 = data["orgs"]["b1"]
    sign_in("zongzhi")
    for who, post in (("b", "宣传委员"), ("d", "副书记"), ("c", "书记")):
        assert _seat(client, b1, data[who], post).status_code == 302
    # a seat on the 总支's committee does not lift a member on the branch roster
    assert _seat(client, data["orgs"]["g1"], data["a"], "委员").status_code == 302
    roster = page_text(client.get(f"/console/members?org_id={b1}"))
    names = ["丙书记", "丁副书记", "乙委员", "甲普通"]
    rows = roster[roster.index("<tbody") :]  # the flashes of the seats above come first
    positions = [rows.index(n) for n in names]
    assert positions == sorted(positions)
