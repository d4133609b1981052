"""Organization changes: move (renumbering the subtree), merge, dissolve, edit — and the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Invalid
from backend.models import AuditEntry, DuesMonth, Member, Membership, Organization, Role
from backend.services import org_changes
from tests.builders import SYSTEM, Builders
from tests.console.conftest import page_text


def _codes(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {o.name: o.code for o in db.scalars(select(Organization))}


def test_move_renumbers_the_subtree_and_keeps_member_history(build: Builders, db) -> None:
    o = build.district()
    member = build.member(o["b1"], name="张三")
    old_no = member.member_no
    db.scalar(select(Membership).where(Membership.member_id == member.id)).start_date = date(
        2020, 1, 1
    )
    on = date(2025, 3, 1)
    org_changes.move_org(db, SYSTEM, o["g1"], o["c2"], "01020100", on=on)
    db.expire_all()
    codes = _codes(db)
    assert codes["幸福社区党总支"] == "01020100"
    assert codes["幸福社区第一党支部"] == "01020101"
    assert codes["幸福社区第二党支部"] == "01020102"
    assert codes["机关党支部"] == "01020001"  # the new parent's own branch is untouched
    b1 = db.get(Organization, o["b1"].id)
    assert b1.path == f"{o['district'].path}{o['c2'].id}/{o['g1'].id}/{o['b1'].id}/"
    moved = db.get(Member, member.id)
    assert moved.member_no == "01020101" + moved.card_no and old_no == "01010101" + moved.card_no
    periods = db.scalars(
        select(Membership).where(Membership.member_id == member.id).order_by(Membership.id)
    ).all()
    assert [(p.member_no, p.end_date) for p in periods] == [(old_no, on), (moved.member_no, None)]
    assert periods[1].start_date == on and periods[1].reason == "组织编码调整"
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2)).all()
    assert set(actions) == {"org.move", "member.renumber"}


def test_move_refuses_cycles_bad_codes_and_taken_codes(build: Builders, db) -> None:
    o = build.district()
    with pytest.raises(Invalid, match="不能把组织调整到它自己或它的下级组织之下"):
        org_changes.move_org(db, SYSTEM, o["c1"], o["g1"], "01010000")
    with pytest.raises(Invalid, match="应以上级组织编码0102开头"):
        org_changes.move_org(db, SYSTEM, o["g1"], o["c2"], "01030100")
    with pytest.raises(Conflict, match="组织编码01010101与现有组织01010101冲突"):
        org_changes.move_org(db, SYSTEM, o["b2"], o["g1"], "01010101")


def test_merge_moves_members_ledger_from_the_merge_month_and_dissolves(build: Builders, db) -> None:
    o = build.district()
    moving = build.member(o["b2"], name="李四")
    db.scalar(select(Membership).where(Membership.member_id == moving.id)).start_date = date(
        2020, 1, 1
    )
    build.ledger(moving, 2025, paid_months={1, 2})
    moved_count = org_changes.merge_branches(
        db, SYSTEM, build.settings, o["b2"], o["b1"], on=date(2025, 4, 10)
    )
    assert moved_count == 1
    db.expire_all()
    member = db.get(Member, moving.id)
    assert member.org_id == o["b1"].id and member.member_no == "01010101" + member.card_no
    attributed = dict(
        db.execute(
            select(DuesMonth.month, DuesMonth.org_id).where(DuesMonth.member_id == moving.id)
        ).all()
    )
    assert {attributed[m] for m in (1, 2, 3)} == {o["b2"].id}
    assert {attributed[m] for m in range(4, 13)} == {o["b1"].id}
    source = db.get(Organization, o["b2"].id)
    assert not source.active and source.dissolved_on == date(2025, 4, 10)
    reasons = db.scalars(
        select(Membership.reason).where(Membership.member_id == moving.id).order_by(Membership.id)
    ).all()
    assert reasons == ["建档", "支部合并（幸福社区第二党支部并入幸福社区第一党支部）"]


def test_dissolve_only_when_empty(build: Builders, db) -> None:
    o = build.district()
    build.member(o["b3"], name="王五")
    with pytest.raises(Conflict, match="该组织还有1名在册党员，请先转出或合并"):
        org_changes.dissolve_org(db, SYSTEM, o["b3"])
    with pytest.raises(Conflict, match="该组织下还有1个未撤销的下级组织"):
        org_changes.dissolve_org(db, SYSTEM, o["c2"])
    org_changes.dissolve_org(db, SYSTEM, o["b2"], on=date(2025, 1, 1))
    assert not o["b2"].active
    assert org_changes.suggest_code(db, o["g1"], "branch") == "01010103"
    assert org_changes.suggest_code(db, o["c2"], "branch") == "01020002"


def test_org_pages_add_edit_move_and_show_reasons(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["c1"], "c1staff", Role.ORG_STAFF)
    db.commit()
    sign_in("c1staff")
    form = page_text(client.get(f"/console/orgs/{o['g1'].id}/new?type=branch"))
    assert 'value="01010103"' in form  # the next free code is suggested
    bad = client.post(
        f"/console/orgs/{o['g1'].id}/new",
        data={"type": "branch", "code": "01020103", "name": "幸福社区第三党支部"},
    )
    assert bad.status_code == 400
    assert "组织编码01020103应以上级组织编码010101开头" in page_text(bad)
    good = client.post(
        f"/console/orgs/{o['g1'].id}/new",
        data={"type": "branch", "code": "01010103", "name": "幸福社区第三党支部"},
    )
    assert good.status_code == 302
    new_id = int(good.location.rsplit("/", 1)[1])
    edited = client.post(
        f"/console/orgs/{new_id}/edit",
        data={"name": "幸福社区第三党支部", "secretary": "周书记", "postcode": "12345"},
    )
    assert edited.status_code == 400 and "邮政编码应为6位数字" in page_text(edited)
    moved = client.post(
        f"/console/orgs/{new_id}/move", data={"parent_id": str(o["c1"].id), "code": "01010001"}
    )
    assert moved.status_code == 302
    detail = page_text(client.get(f"/console/orgs/{new_id}"))
    assert "01010001" in detail and "组织隶属关系和编码已调整" in detail
    # The scope root itself cannot be moved or dissolved by its own staff; other subtrees 404.
    refused = client.post(f"/console/orgs/{o['c1'].id}/dissolve", follow_redirects=True)
    assert "不能调整您自己所在的管理范围根组织，请由上级办理" in page_text(refused)
    assert client.get(f"/console/orgs/{o['c2'].id}").status_code == 404
