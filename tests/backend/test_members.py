"""Member, organization and card rules: what a desk clerk is told when an entry is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, DomainError, Invalid
from backend.models import AuditEntry, Card, CardState, Member, MemberArchive, Membership
from backend.services import cards, members, orgs
from backend.services.idnumber import normalize_mobile, parse_id_number
from backend.services.members import MemberData
from tests.builders import SYSTEM, Builders

# ---- ID numbers (GB 11643-1999) and phones: pure rules -----------------------------------


def test_the_domain_examples_are_valid_id_numbers() -> None:
    woman = parse_id_number("11010519491231002x")
    assert (woman.number, woman.birth_date, woman.sex) == (
        "11010519491231002X",
        date(1949, 12, 31),
        "F",
    )
    man = parse_id_number("440524188001010014")
    assert (man.birth_date, man.sex) == (date(1880, 1, 1), "M")


def test_a_legacy_15_digit_number_is_upgraded_with_its_check_char() -> None:
    assert parse_id_number("110105491231002").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "身份证号校验位不正确，请核对"),
        ("440524188001010015", "身份证号校验位不正确，请核对"),
        ("99010519491231002X", "身份证号的地区码不正确"),
        ("110105194902300026", "身份证号中的出生日期不存在"),
        ("110105209901010012", "身份证号中的出生日期不合理"),
        ("1101051949123100", "身份证号应为18位（最后一位可为X）"),
        ("11010519491231002Y", "身份证号应为18位（最后一位可为X）"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_id_number(number, today=date(2026, 3, 1))
    assert exc.value.message == reason


def test_mobiles_are_normalized_or_refused() -> None:
    assert normalize_mobile("+86 139-1234-5678") == "13912345678"
    assert normalize_mobile("  ") is None
    with pytest.raises(Invalid) as exc:
        normalize_mobile("12345678901")
    assert exc.value.message == "手机号码格式不正确（应为11位，以1开头）"


def data(**changes: object) -> MemberData:
    values: dict[str, object] = {
        "name": "张小明",
        "id_number": "11010519491231002X",
        "joined_date": date(1975, 7, 1),
        "full_member_date": date(1976, 7, 1),
    }
    values.update(changes)
    return MemberData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sex": "男"}, "性别与身份证号不一致"),
        ({"birth_date": date(1949, 12, 30)}, "出生日期与身份证号不一致"),
        ({"name": "  "}, "姓名不能为空，且不超过50个字"),
        ({"joined_date": date(1940, 1, 1)}, "入党日期不能早于出生日期"),
        ({"status": "预备"}, "预备党员不应有转正日期"),
        ({"full_member_date": date(1970, 1, 1)}, "转正日期不能早于入党日期"),
        ({"status": "积极分子"}, "党员类别应为正式或预备"),
        ({"education": "博士"}, "学历应为：" + "、".join(members.EDUCATION_LEVELS) + "之一"),
    ],
)
def test_member_records_are_checked_as_a_whole(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(Invalid) as exc:
        data(**changes).normalize(today=date(2026, 3, 1))
    assert exc.value.message == reason


def test_sex_and_birth_date_come_from_the_id_number_when_omitted() -> None:
    normalized = data(sex=None, phone="139 1234 5678").normalize(today=date(2026, 3, 1))
    assert (normalized.sex, normalized.birth_date) == ("F", date(1949, 12, 31))
    assert normalized.phone == "13912345678"


# ---- organization codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "type_", "parent", "reason"),
    [
        ("01020101", "branch", "g1", "组织编码01020101应以上级组织编码010101开头"),
        ("01020101", "branch", "c2", "组织编码01020101中跳过的层级应为00"),
        ("01010100", "branch", "g1", "组织编码01010100第4级不能为00"),
        ("01010201", "general_branch", "c1", "组织编码01010201的下级编码段应为00"),
        ("0101010", "branch", "g1", "组织编码应为8位数字：0101010"),
        ("01010103", "branch", "b1", "党支部不能设在党支部之下"),
    ],
)
def test_an_org_code_must_extend_its_parent(  # type: ignore[no-untyped-def]
    db, build: Builders, code: str, type_: str, parent: str, reason: str
) -> None:
    tree = build.district()
    with pytest.raises(Invalid) as exc:
        orgs.create_org(db, SYSTEM, code=code, name="新支部", type=type_, parent=tree[parent])
    assert exc.value.message == reason


def test_a_branch_directly_under_a_committee_uses_00_and_codes_are_unique(db, build) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    branch = orgs.create_org(
        db, SYSTEM, code="01020002", name="直属第二支部", type="branch", parent=tree["c2"]
    )
    assert branch.path == f"{tree['c2'].path}{branch.id}/"
    with pytest.raises(Conflict) as exc:
        orgs.create_org(db, SYSTEM, code="01020002", name="重复", type="branch", parent=tree["c2"])
    assert exc.value.message == "组织编码01020002已存在"


# ---- members ---------------------------------------------------------------------------


def test_members_get_sequential_card_numbers_and_member_numbers(db, build) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    first = build.member(tree["b1"])
    second = build.member(tree["b3"])
    assert (first.card_no, first.member_no) == ("00001", "0101010100001")
    assert (second.card_no, second.member_no) == ("00002", "0102000100002")
    assert db.scalar(select(Membership.org_id).where(Membership.member_id == second.id)) == (
        tree["b3"].id
    )


def test_the_same_person_cannot_be_registered_twice_or_outside_a_branch(db, build) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    member = build.member(tree["b1"])
    again = data(id_number=member.id_number, sex=None, joined_date=date(2005, 7, 1))
    again.full_member_date = None
    with pytest.raises(Conflict) as exc:
        members.create_member(db, SYSTEM, again, tree["b2"])
    assert exc.value.message == f"身份证号{member.id_number[:6]}…已登记为在册党员"
    with pytest.raises(Invalid) as exc:
        members.create_member(db, SYSTEM, data(), tree["g1"])
    assert exc.value.message == "党员只能编入党支部"


def test_card_numbers_run_out_loudly_not_silently(db, build) -> None:  # type: ignore[no-untyped-def]
    build.district()
    for expected in range(1, 10):
        assert members.next_card_no(db, 1) == str(expected)
    with pytest.raises(Conflict) as exc:
        members.next_card_no(db, 1)
    assert exc.value.message == "1位卡号已用完，请调整卡号位数设置"


# ---- cards -----------------------------------------------------------------------------


def test_one_active_card_per_member_and_a_uid_bound_elsewhere_is_refused(
    db, build, settings
) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    owner = build.member(tree["b1"], name="张小明")
    other = build.member(tree["b2"], name="李四")
    uid = build.card(owner, "04A23B1C")
    key = settings.card_uid_key
    with pytest.raises(Conflict) as exc:
        cards.issue_card(db, SYSTEM, owner, "0A0B0C0D", key)
    assert exc.value.message == "该党员已有在用的卡，请先挂失或注销旧卡"
    with pytest.raises(Conflict) as exc:
        cards.issue_card(db, SYSTEM, other, "04:a2:3b:1c", key)  # the same UID, other spelling
    assert exc.value.message == "这张卡已登记给张*明（正常），不能再发给他人"
    with pytest.raises(Conflict) as exc:
        cards.issue_card(db, SYSTEM, owner, uid, key)
    assert exc.value.message == "这张卡已经是该党员的在用卡"
    # Reported lost: a replacement may be issued, and the lost card stays refused for others.
    lost = cards.find_card(db, uid, key)
    cards.set_card_state(db, SYSTEM, lost, CardState.LOST)
    replacement = cards.issue_card(db, SYSTEM, owner, "0A0B0C0D", key)
    assert replacement.issue_seq == 2 and replacement.card_no == owner.card_no
    with pytest.raises(Conflict) as exc:
        cards.issue_card(db, SYSTEM, other, uid, key)
    assert exc.value.message == "这张卡已登记给张*明（已挂失），不能再发给他人"
    with pytest.raises(Invalid) as exc:
        cards.issue_card(db, SYSTEM, other, "XYZ", key)
    assert exc.value.message == "卡片识别码格式不正确"


# ---- the deleted-member archive ---------------------------------------------------------


def test_archiving_keeps_the_record_revokes_cards_and_is_audited(db, build) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    member = build.member(tree["b1"], name="王𬌗")
    build.card(member)
    entry = members.archive_member(
        db, SYSTEM, member, reason="转出本区", letter_no="2026001", on=date(2026, 3, 1)
    )
    db.commit()
    kept = db.get(Member, member.id)
    assert kept is not None and kept.archived and kept.name == "王𬌗"
    archive = db.scalar(select(MemberArchive).where(MemberArchive.member_id == member.id))
    assert archive.id == entry.id and archive.snapshot["name"] == "王𬌗"
    assert archive.snapshot["id_number"] == member.id_number and archive.reason == "转出本区"
    assert db.scalar(select(Card.state).where(Card.member_id == member.id)) is CardState.REVOKED
    period = db.scalar(select(Membership).where(Membership.member_id == member.id))
    assert period.end_date == date(2026, 3, 1)
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "member.archive")
        )
        == 1
    )
    with pytest.raises(DomainError) as exc:
        members.archive_member(db, SYSTEM, kept, reason="再次")
    assert exc.value.message == "该党员已在删除党员库中"
    # The same person may be registered again later (e.g. transferred back in).
    back = data(id_number=member.id_number, sex=None, joined_date=date(2005, 7, 1))
    back.full_member_date = None
    returned = members.create_member(db, SYSTEM, back, tree["b2"])
    assert returned.id != member.id


def test_archiving_needs_a_reason(db, build) -> None:  # type: ignore[no-untyped-def]
    member = build.member(build.district()["b1"])
    with pytest.raises(Invalid) as exc:
        members.archive_member(db, SYSTEM, member, reason="  ")
    assert exc.value.message == "删除党员须填写原因"
