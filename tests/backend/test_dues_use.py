"""Using the dues an organization keeps (docs/dues.md, Using the dues kept).

A use counts in the 收缴使用公示 only once the committee's (支委会) decision is recorded, by
someone other than whoever recorded the use; a use beyond what the organization keeps of the
dues collected is refused, naming the available amount; the publication exists per quarter as
well as per year.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import AuditEntry, Role
from backend.services import dues_desk, dues_use
from backend.services.actor import Actor
from backend.settings import RemittanceSettings
from tests.builders import Builders

YEAR = 2026
TODAY = date(YEAR, 9, 30)
SYSTEM = Actor.system("test")
# branches pass 60 % upward and keep 40 %
SHARES = RemittanceSettings(branch_bp=6000, general_branch_bp=10_000, committee_bp=10_000)


@pytest.fixture
def branch(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    build.ledger(member, YEAR, paid_months=set(range(1, 10)))  # 450.00 paid, Jan–Sep
    staff = build.user(orgs["b1"], "zhibu1")
    other = build.user(orgs["b1"], "zhibu2")
    db.flush()
    return orgs["b1"], Actor.for_user(staff), Actor.for_user(other)


def test_a_branch_keeps_its_share_and_cannot_spend_beyond_it(db, branch) -> None:  # type: ignore[no-untyped-def]
    org, clerk, _other = branch
    held = dues_use.balance(db, org, SHARES)
    assert (held.kept_fen, held.available_fen) == (18000, 18000)  # 40 % of 450.00
    dues_use.record_use(
        db,
        clerk,
        SHARES,
        org.id,
        used_on=date(YEAR, 7, 1),
        purpose="订阅党报党刊",
        amount_fen=12000,
    )
    with pytest.raises(Conflict) as refused:
        dues_use.record_use(
            db, clerk, SHARES, org.id, used_on=date(YEAR, 7, 2), purpose="购书", amount_fen=6001
        )
    assert refused.value.code == "beyond_kept_share"
    assert refused.value.message == (
        "党费使用不能超过本组织留存的党费：可用余额60.00元（留存180.00元，已登记使用120.00元），"
        "本次60.01元"
    )
    dues_use.record_use(
        db, clerk, SHARES, org.id, used_on=date(YEAR, 7, 2), purpose="购书", amount_fen=6000
    )
    assert dues_use.balance(db, org, SHARES).available_fen == 0


def test_a_use_counts_only_after_the_committees_decision(db, branch) -> None:  # type: ignore[no-untyped-def]
    org, clerk, other = branch
    use = dues_use.record_use(
        db,
        clerk,
        SHARES,
        org.id,
        used_on=date(YEAR, 8, 5),
        purpose="慰问困难党员",
        amount_fen=10000,
    )
    pub = dues_desk.publication(db, SYSTEM, org.id, YEAR, remittance=SHARES)
    assert (pub.used_fen, [u.id for u in pub.pending]) == (0, [use.id])
    with pytest.raises(Forbidden, match="请由另一名工作人员记录"):
        dues_use.approve_use(
            db, clerk, use.id, meeting_on=date(YEAR, 8, 1), meeting="第8次支委会",
            decision="同意", today=TODAY,
        )  # fmt: skip
    with pytest.raises(Invalid, match="不能晚于今天"):
        dues_use.approve_use(
            db, other, use.id, meeting_on=date(YEAR, 10, 1), meeting="第8次支委会",
            decision="同意", today=TODAY,
        )  # fmt: skip
    with pytest.raises(Invalid, match="请填写支委会决定内容"):
        dues_use.approve_use(
            db, other, use.id, meeting_on=date(YEAR, 8, 1), meeting="第8次支委会",
            decision=" ", today=TODAY,
        )  # fmt: skip
    dues_use.approve_use(
        db, other, use.id, meeting_on=date(YEAR, 8, 1), meeting="第8次支委会",
        decision="同意慰问困难党员2名，每人50元", today=TODAY,
    )  # fmt: skip
    with pytest.raises(Conflict, match="已记录支委会决定"):
        dues_use.approve_use(
            db, other, use.id, meeting_on=date(YEAR, 8, 1), meeting="x", decision="y", today=TODAY
        )
    pub = dues_desk.publication(db, SYSTEM, org.id, YEAR, remittance=SHARES)
    assert (pub.used_fen, pub.pending) == (10000, [])
    sheet = dues_desk.publication_sheet(pub, printed_on=TODAY)
    assert sheet.rows[0][3] == "2026-08-01 第8次支委会：同意慰问困难党员2名，每人50元"
    assert "经支委会决定使用100.00元" in sheet.header_lines[0]
    logged = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "dues_use"))
    assert list(logged) == ["dues_use.create", "dues_use.approve"]


def test_the_publication_by_quarter(db, branch) -> None:  # type: ignore[no-untyped-def]
    org, clerk, other = branch
    for used_on, amount in ((date(YEAR, 2, 10), 3000), (date(YEAR, 8, 10), 5000)):
        use = dues_use.record_use(
            db, clerk, SHARES, org.id, used_on=used_on, purpose="组织生活用品", amount_fen=amount
        )
        dues_use.approve_use(
            db, other, use.id, meeting_on=used_on, meeting="支委会", decision="同意", today=TODAY
        )
    q3 = dues_desk.publication(db, SYSTEM, org.id, YEAR, quarter=3, remittance=SHARES)
    assert q3.title == "幸福社区第一党支部2026年第三季度党费收缴使用情况公示"
    assert (q3.collected_fen, q3.kept_fen, q3.used_fen) == (15000, 6000, 5000)
    year = dues_desk.publication(db, SYSTEM, org.id, YEAR, remittance=SHARES)
    assert year.title == "幸福社区第一党支部2026年度党费收缴使用情况公示"
    assert (year.collected_fen, year.kept_fen, year.used_fen) == (45000, 18000, 8000)
    header = dues_desk.publication_sheet(q3, printed_on=TODAY).header_lines[0]
    assert header.startswith("2026年第三季度本组织及所属党组织共收缴党费150.00元")
    assert "本组织留存60.00元" in header


def test_the_counter_cannot_record_the_decision(db, build: Builders, branch) -> None:  # type: ignore[no-untyped-def]
    org, clerk, _other = branch
    use = dues_use.record_use(
        db, clerk, SHARES, org.id, used_on=date(YEAR, 8, 5), purpose="慰问", amount_fen=1000
    )
    window = Actor.for_user(build.user(org, "chuangkou", Role.COUNTER))
    with pytest.raises(Forbidden):
        dues_use.approve_use(
            db, window, use.id, meeting_on=date(YEAR, 8, 1), meeting="支委会", decision="同意",
            today=TODAY,
        )  # fmt: skip
