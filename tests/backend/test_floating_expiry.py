"""A 流动党员活动证 that expires without its yearly review ends the member's floating flag.

``floating.clear_expired`` (run daily by ``flask letters expire-check``) clears the flag of
members whose cards have all run out; a reviewed card keeps it, and a member marked floating by
hand without any card is not touched (docs/transfers-and-letters.md).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backend.models import AuditEntry, Member
from backend.services import floating
from tests.builders import SYSTEM

ISSUED = date(2026, 11, 20)


def _card(db, settings, member: Member):  # type: ignore[no-untyped-def]
    return floating.issue_floating_card(
        db,
        SYSTEM,
        settings,
        member.id,
        host_name="深圳某流动党委",
        destination="广东深圳",
        today=ISSUED,
    )


def test_an_unreviewed_card_ends_the_flag_the_reviewed_one_keeps_it(
    app, db, build, settings
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    lapsed = build.member(orgs["b1"], name="周八")
    reviewed = build.member(orgs["b1"], name="吴九")
    by_hand = build.member(orgs["b1"], name="郑十")
    lapsed_card = _card(db, settings, lapsed)
    # Valid twelve months from issue (to 2027-11-19); 吴九's yearly review before then renews
    # it for twelve months from the review day.
    floating.review_floating_card(
        db, SYSTEM, _card(db, settings, reviewed), year=2027, today=date(2027, 11, 1)
    )
    by_hand.floating = True  # the member form's tick box, no card
    db.commit()
    assert floating.clear_expired(db, SYSTEM, date(2027, 11, 19)) == []  # last valid day
    db.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["letters", "expire-check", "--on", "2027-11-20"])
    assert result.exit_code == 0, result.output
    assert "流动党员活动证过期未审验，已取消流动党员标记：周八" in result.output
    db.expire_all()
    flags = {m.name: m.floating for m in db.scalars(select(Member))}
    assert flags == {"周八": False, "吴九": True, "郑十": True}
    audit = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "member.floating", AuditEntry.entity_id == str(lapsed.id)
        )
    ).all()
    assert [a.after for a in audit][-1] == {"floating": False}
    assert lapsed_card.state.value == "issued"  # the card itself stays on the register
    again = runner.invoke(args=["letters", "expire-check", "--on", "2027-01-02"])
    assert "已取消流动党员标记" not in again.output
