"""The papers a transfer prints, the letter register and public verification by QR code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PIL import ImageOps
from pyzbar.pyzbar import decode
from sqlalchemy import select

from backend.errors import Conflict, Invalid
from backend.models import AuditEntry, Letter, Member, Membership
from backend.services import floating, letter_register, transfer_out, transfer_within
from backend.services.dues_year import hall_today
from backend.services.letter_register import LetterStatus
from backend.services.letters import letter_document, lower_number, transfer_documents
from devices.printer.document import PrintDocument
from devices.printer.layout import QRRow, layout
from devices.printer.profile import PrinterProfile
from devices.printer.raster import qr_image
from tests.builders import SYSTEM

TODAY = date(2026, 11, 20)


def texts(doc: PrintDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.TYPE == "text"]


def kv_list(doc: PrintDocument) -> list[tuple[str, str]]:
    return [(b.key, b.value) for b in doc.blocks if b.TYPE == "kv"]


def member_in_b1(db, build, **kw):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], **kw)
    period = db.scalar(select(Membership).where(Membership.member_id == member.id))
    period.start_date = date(2020, 1, 1)
    return orgs, member


def send_out(db, settings, member: Member, today: date = TODAY, **kw):  # type: ignore[no-untyped-def]
    req = transfer_out.OutRequest(to_name="某市某区委组织部", **kw)
    return transfer_out.transfer_out(db, SYSTEM, settings, member.id, req, today=today)


def test_lower_numerals_for_report_days() -> None:
    assert [lower_number(n) for n in (7, 10, 15, 20, 30, 99, 105, 120)] == [
        "七",
        "十",
        "十五",
        "二十",
        "三十",
        "九十九",
        "一百零五",
        "一百二十",
    ]


def test_introduction_letter_holds_every_field_in_three_parts(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build, name="张小明")
    build.ledger(member, 2026, paid_months=set(range(1, 12)))
    transfer = send_out(db, settings, member)
    (paper,) = transfer_documents(db, settings, transfer)
    doc = paper.document
    assert paper.kind == "letter" and doc.title == "中国共产党党员组织关系介绍信"
    labels = [b.label for b in doc.blocks if b.TYPE == "part_break"]
    assert labels == ["第一联 存根", "第二联 介绍信", "第三联 回执联"]
    assert sum(b.TYPE == "cut" for b in doc.blocks) == 3
    kvs = kv_list(doc)
    number = "No. 01010000-2026-J0001"
    assert kvs.count(("编号", number)) == 3
    lines = texts(doc)
    # 存根
    assert (
        "张小明同志系中共正式党员，组织关系由第一街道党工委幸福社区第一党支部转到某市某区委组织部。"
        in lines
    )
    assert ("党费已交到", "贰零贰陆年拾壹月") in kvs
    assert ("有效期", "叁拾天") in kvs
    assert ("开具日期", "2026年11月20日") in kvs
    assert "（回执粘贴处）" in lines
    # 介绍信
    assert (
        "某市某区委组织部：张小明同志，从第一街道党工委幸福社区第一党支部到某市某区委组织部，"
        "请接转组织关系。"
    ) in lines
    assert f"张小明，男，46岁，汉族，系中共正式党员，身份证号码{member.id_number}。" in lines
    assert "党费已交到贰零贰陆年拾壹月。" in lines
    assert "（有效期叁拾天）" in lines
    assert "第一街道党工委（盖章）" in lines and "2026年11月20日" in lines
    for pair in (
        ("党员联系电话", "13912345678"),
        ("党委通讯地址", "示范区人民路1号"),
        ("联系电话", "010-12345678"),
        ("传真", "010-12345679"),
        ("邮编", "100001"),
    ):
        assert pair in kvs
    (qr,) = [b for b in doc.blocks if b.TYPE == "qr"]
    assert qr.data.startswith("http://127.0.0.1:5000/v/l/01010000-2026-J0001.")
    # 回执联
    assert "第一街道党工委：" in lines
    assert "张小明同志的党员组织关系已转达我处。" in lines
    assert ("经办人", "__________") in kvs
    # The JSON form the kiosk receives rebuilds the same document.
    assert PrintDocument.from_dict(doc.to_dict()) == doc


def test_validity_is_capped_and_written_in_capitals(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build)
    with pytest.raises(Invalid, match="介绍信有效期不能超过90天"):
        send_out(db, settings, member, valid_days=91)
    capped = replace(settings, letter_max_valid_days=60, letter_valid_days=15)
    with pytest.raises(Invalid, match="不能超过60天"):
        send_out(db, capped, member, valid_days=61)
    transfer = send_out(db, capped, member)
    letter = db.get(Letter, transfer.letter_id)
    assert ("有效期", "壹拾伍天") in kv_list(letter_document(settings, letter))
    assert letter.valid_until == date(2026, 12, 5)


def test_slip_report_days_follow_the_setting(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs, member = member_in_b1(db, build, name="王𬌗")
    t = transfer_within.transfer_within(
        db,
        SYSTEM,
        replace(settings, report_days=10),
        member.id,
        orgs["b3"].id,
        on=TODAY,
        today=TODAY,
    )
    slip = transfer_documents(db, settings, t)[0].document
    assert texts(slip)[0] == "王𬌗：您的组织关系已转到机关党支部，请持单十天内报到。"
    assert ("支部书记", "赵书记") in kv_list(slip) and ("联系电话", "13800000003") in kv_list(slip)


def test_letter_numbers_are_gap_free_per_issuer_year_and_series(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    numbers = []
    for org in ("b1", "b2", "b3", "b1"):
        member = build.member(orgs[org])
        db.scalar(select(Membership).where(Membership.member_id == member.id)).start_date = TODAY
        numbers.append(db.get(Letter, send_out(db, settings, member).letter_id).number)
    cert_holder = build.member(orgs["b1"])
    cert = floating.issue_certificate(
        db,
        SYSTEM,
        settings,
        cert_holder.id,
        host_name="某社区党委",
        start=TODAY,
        end=date(2027, 2, 1),
        purpose="探亲",
        today=TODAY,
    )
    assert numbers == [
        "01010000-2026-J0001",
        "01010000-2026-J0002",
        "01020000-2026-J0001",
        "01010000-2026-J0003",
    ]
    assert cert.number == "01010000-2026-Z0001"


def test_register_return_expiry_and_revocation(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    letters = []
    for _ in range(3):
        member = build.member(orgs["b1"])
        db.scalar(select(Membership).where(Membership.member_id == member.id)).start_date = TODAY
        letters.append(db.get(Letter, send_out(db, settings, member).letter_id))
    late = date(2026, 12, 21)  # thirty-one days on: all three have expired unless returned
    returned, revoked, silent = letters
    letter_register.record_return(
        db, SYSTEM, returned, returned_on=date(2026, 12, 1), handler="孙干事", today=late
    )
    letter_register.revoke(db, SYSTEM, revoked, reason="介绍信遗失，另行开具")
    assert letter_register.expired_unreturned(db, SYSTEM, late) == [silent]
    assert letter_register.expired_unreturned(db, SYSTEM, TODAY) == []
    assert [letter_register.status_of(x, late) for x in letters] == [
        LetterStatus.RECEIVED,
        LetterStatus.REVOKED,
        LetterStatus.EXPIRED,
    ]
    with pytest.raises(Conflict, match="该介绍信的回执已经登记过"):
        letter_register.record_return(db, SYSTEM, returned, returned_on=late, today=late)
    with pytest.raises(Conflict, match="该介绍信已作废，不能登记回执"):
        letter_register.record_return(db, SYSTEM, revoked, returned_on=late, today=late)
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "letter"))
    assert {"letter.issue", "letter.return", "letter.revoke"} <= set(actions)


def test_certificate_only_for_six_months_or_less(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build, name="李四")
    with pytest.raises(Invalid, match="外出超过六个月，应转接组织关系"):
        floating.issue_certificate(
            db,
            SYSTEM,
            settings,
            member.id,
            host_name="某社区党委",
            start=TODAY,
            end=date(2027, 5, 21),
            purpose="务工",
            today=TODAY,
        )
    letter = floating.issue_certificate(
        db,
        SYSTEM,
        settings,
        member.id,
        host_name="某社区党委",
        start=TODAY,
        end=date(2027, 5, 20),
        purpose="务工",
        today=TODAY,
    )
    doc = letter_document(settings, letter)
    assert doc.title == "党员证明信"
    assert texts(doc)[0] == "某社区党委："
    assert (
        f"兹证明李四同志（男，身份证号码{member.id_number}）系中共正式党员，组织关系在"
        "第一街道党工委幸福社区第一党支部。该同志因务工，自2026年11月20日至2027年5月20日在你处，"
        "请准予参加组织生活。"
    ) in texts(doc)
    assert ("有效期至", "2027年5月20日") in kv_list(doc)


def test_floating_card_issue_review_and_end(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build, name="周八")
    card = floating.issue_floating_card(
        db,
        SYSTEM,
        settings,
        member.id,
        host_name="深圳某流动党委",
        destination="广东深圳",
        today=TODAY,
    )
    assert member.floating and card.number == "01000000-2026-L0001"
    kvs = dict(kv_list(letter_document(settings, card)))
    assert kvs["流入地党组织"] == "深圳某流动党委" and kvs["流出地党组织"].endswith("第一党支部")
    assert kvs["年度审验"] == "2026年度已审验" and kvs["有效期至"] == "2027年11月19日"
    with pytest.raises(Conflict, match="已有有效的流动党员活动证"):
        floating.issue_floating_card(
            db, SYSTEM, settings, member.id, host_name="x", destination="y", today=TODAY
        )
    floating.review_floating_card(db, SYSTEM, card, year=2027, today=date(2027, 10, 8))
    assert card.valid_until == date(2028, 10, 7)
    floating.end_floating(db, SYSTEM, card, reason="已返回")
    assert not member.floating and card.state.value == "revoked"


def test_letter_qr_opens_a_page_saying_valid_and_a_tampered_one_says_invalid(
    client, db, build, settings
) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build, name="张小明")
    today = hall_today(settings.dues)
    transfer = send_out(db, settings, member, today=today)
    letter = db.get(Letter, transfer.letter_id)
    doc = letter_document(settings, letter)
    db.commit()
    # Decode the QR code exactly as the printer draws it.
    profile = PrinterProfile()
    (row,) = [r for r in layout(doc, profile) if isinstance(r, QRRow)]
    image = ImageOps.expand(qr_image(row, profile).convert("L"), border=20, fill=255)
    url = decode(image)[0].data.decode()
    path = url.removeprefix(settings.public_base_url)
    page = client.get(path).get_data(as_text=True)
    assert "有效" in page and "无效" not in page
    assert "张*明" in page and member.id_number not in page
    body = client.get(path + "?format=json").json
    assert body["status_label"] == "有效"
    assert ["转出", "第一街道党工委幸福社区第一党支部"] in [
        [f["label"], f["value"]] for f in body["fields"]
    ]

    forged = path.replace("J0001", "J0002")
    assert "无效" in client.get(forged).get_data(as_text=True)
    bad_sig = path[:-1] + ("0" if path[-1] != "0" else "1")
    assert client.get(bad_sig + "?format=json").json["status_label"] == "无效"
    logged = db.scalars(select(AuditEntry).where(AuditEntry.action == "verify.rejected")).all()
    assert len(logged) == 2
    db.rollback()

    letter_register.revoke(db, SYSTEM, db.get(Letter, letter.id), reason="遗失")
    db.commit()
    assert client.get(path + "?format=json").json["status_label"] == "已作废"


def test_cli_lists_letters_expired_without_return(app, db, build, settings) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = member_in_b1(db, build, name="张小明")
    send_out(db, settings, member)
    db.commit()
    runner = app.test_cli_runner()
    quiet = runner.invoke(args=["letters", "expire-check", "--on", "2026-12-20"])
    assert quiet.exit_code == 0, quiet.output
    assert "截至2026年12月20日，没有逾期未收回回执的介绍信。" in quiet.output
    late = runner.invoke(args=["letters", "expire-check", "--on", "2026-12-21"])
    assert late.exit_code == 1
    assert (
        "01010000-2026-J0001  张小明  转往某市某区委组织部  有效期至2026年12月20日" in late.output
    )
