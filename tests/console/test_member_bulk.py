"""Bulk actions on the member roll and the header search, over HTTP (both databases): move
picked members to a branch (each audited, all or nothing), export them, print their card
slips; find members by name, card or ID number inside one's own subtree, masked for the
counter."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from backend.models import AuditEntry, Member, MemberStatus, Role, Transfer, TransferNotice
from backend.services.masking import mask_id_number
from tests.builders import Builders
from tests.console.conftest import page_text


def _setup(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["c1"], "c1staff", Role.ORG_STAFF)
    build.user(o["district"], "chuangkou", Role.COUNTER)
    build.user(o["district"], "shenji", Role.AUDITOR)
    people = {
        "zhang": build.member(o["b1"], name="张小明"),
        "wang": build.member(o["b1"], name="王大力"),
        "li": build.member(o["b1"], name="李芳", sex="F", birth=date(1999, 1, 9)),
        # probation ran out long ago: a transfer must wait for the old branch's decision
        "yu": build.member(
            o["b1"], name="于预备", status=MemberStatus.PROBATIONARY, joined=date(2020, 3, 1)
        ),
        "zhao": build.member(o["b3"], name="赵红", sex="F"),
    }
    build.card(people["zhang"])
    build.card(people["li"])
    db.commit()
    for row in [*o.values(), *people.values()]:
        db.refresh(row)
    # detached with their columns loaded: reading them later takes no SQLite lock
    db.expunge_all()
    db.rollback()
    return {"orgs": o, **people}


def _ids(*members: Member | int, **more: object) -> MultiDict:
    ids = [m if isinstance(m, int) else m.id for m in members]
    return MultiDict([*(("member_id", str(i)) for i in ids), *more.items()])


def test_the_roll_offers_the_bulk_form_with_a_box_per_member(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("c1staff")
    html = client.get("/console/members?sex=F").get_data(as_text=True)
    assert f'name="member_id" value="{data["li"].id}" form="bulk-form"' in html
    assert 'id="bulk-move"' in html and 'id="bulk-export"' in html
    assert 'name="back" value="sex=F"' in html


def test_moving_picked_members_is_all_or_nothing_and_each_move_is_audited(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    b2 = data["orgs"]["b2"].id
    zhang, wang, b1 = data["zhang"].id, data["wang"].id, data["orgs"]["b1"].id
    sign_in("c1staff")
    refused = client.post(
        "/console/members/bulk/move",
        data=_ids(zhang, data["yu"], to_org_id=b2, back="sex=M"),
        follow_redirects=True,
    )
    text = page_text(refused)
    assert "于预备：该预备党员预备期已于" in text and "全部未转接" in text
    db.expire_all()
    assert db.get(Member, zhang).org_id == b1  # nothing moved
    assert db.scalar(select(func.count()).select_from(Transfer)) == 0
    db.rollback()  # let go of SQLite's lock before the next request

    moved = client.post(
        "/console/members/bulk/move",
        data=_ids(zhang, wang, to_org_id=b2, back="sex=M"),
    )
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/members?sex=M")
    assert "已将2名党员转入" in page_text(client.get("/console/members"))
    db.expire_all()
    assert {db.get(Member, m).org_id for m in (zhang, wang)} == {b2}
    audited = db.scalars(
        select(AuditEntry.entity_id).where(AuditEntry.action == "member.transfer")
    ).all()
    assert sorted(audited) == sorted([str(zhang), str(wang)])
    transfers = db.scalars(select(Transfer)).all()
    assert len(transfers) == 2 and len({t.notice_id for t in transfers}) == 1
    assert db.scalar(select(func.count()).select_from(TransferNotice)) == 1


def test_a_member_outside_the_scope_cannot_be_moved_or_exported(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    zhang, li, zhao = data["zhang"].id, data["li"].id, data["zhao"].id
    b1, b2 = data["orgs"]["b1"].id, data["orgs"]["b2"].id
    sign_in("c1staff")
    r = client.post(
        "/console/members/bulk/move",
        data=_ids(zhang, zhao, to_org_id=b2),
        follow_redirects=True,
    )
    assert "不在您的管理范围内" in page_text(r)
    db.expire_all()
    assert db.get(Member, zhang).org_id == b1
    db.rollback()
    x = client.post("/console/members/bulk/export", data=_ids(li, zhao))
    rows = [r for r in load_workbook(io.BytesIO(x.data)).active.iter_rows(values_only=True)]
    names = {c for row in rows for c in row if c}
    assert "李芳" in names and "赵红" not in names and "张小明" not in names


def test_export_and_card_slips_of_picked_members(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    build.user(db.merge(data["orgs"]["district"]), "admin", Role.ADMIN)
    db.commit()
    db.expunge_all()
    db.rollback()
    sign_in("admin")
    x = client.post("/console/members/bulk/export", data=_ids(data["zhang"], data["wang"]))
    assert x.status_code == 200
    names = [row[2] for row in load_workbook(io.BytesIO(x.data)).active.iter_rows(values_only=True)]
    assert "张小明" in names and "王大力" in names and "李芳" not in names
    exported = db.scalar(select(AuditEntry).where(AuditEntry.action == "member.export"))
    assert sorted(exported.after["members"]) == sorted([data["zhang"].id, data["wang"].id])
    db.rollback()

    pdf = client.post(
        "/console/members/bulk/cards", data=_ids(data["zhang"], data["wang"], data["li"])
    )
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "党员卡发卡凭条" in text and "张*明" in text and "李*" in text
    assert data["zhang"].card_no in text and data["li"].card_no in text
    assert "王大力" not in text and "王*力" not in text  # no card in use: no slip
    assert "1名党员没有在用的党员卡，未打印：王*力" in page_text(client.get("/console/members"))


def test_the_auditor_may_export_but_not_move_or_print(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("shenji")
    html = client.get("/console/members").get_data(as_text=True)
    assert 'id="bulk-export"' in html and 'id="bulk-move"' not in html
    assert 'id="bulk-cards"' not in html
    r = client.post(
        "/console/members/bulk/move",
        data=_ids(data["zhang"], to_org_id=data["orgs"]["b2"].id),
    )
    assert r.status_code == 403


def test_header_search_finds_in_scope_and_masks_ids_for_the_counter(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("c1staff")
    html = page_text(client.get("/console/search?q=李芳"))
    assert "找到 1 名党员" in html and data["li"].id_number in html  # staff keep records: full
    other = page_text(client.get("/console/search?q=赵红"))  # another 党委's member
    assert "找到 0 名党员" in other and "没有找到符合条件的党员" in other
    by_card = page_text(client.get(f"/console/search?q={data['zhang'].card_no}"))
    assert "张小明" in by_card
    by_id = page_text(client.get(f"/console/search?q={data['li'].id_number}"))
    assert "李芳" in by_id
    client.post("/console/logout")
    sign_in("chuangkou")
    html = page_text(client.get("/console/search?q=赵红"))
    assert "赵红" in html and mask_id_number(data["zhao"].id_number) in html
    assert data["zhao"].id_number not in html
    assert "请输入姓名、卡号、党员编号或身份证号" not in html
    empty = page_text(client.get("/console/search?q=" + "x" * 60))
    assert "查询内容过长" in empty
