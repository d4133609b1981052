"""The demo's year of meetings (docs/demo.md): completion rates to show for the demo 总支's
branches, exactly one branch on the red-warnings page, a 主题党日 today for the kiosk's
attendance mode, and a 在职党员 who joined community activities."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.models import CommunityRegistration, Meeting, MeetingAttendance, Organization
from backend.services import (
    community,
    demo,
    meeting_rates,
    meeting_sign_in,
    meetings,
    warnings_board,
)
from backend.services.actor import Actor
from tests.backend.test_demo import fast_password_hashes  # noqa: F401  (autouse fixture)

MEMBERS = 150


def test_demo_has_a_year_of_meetings_and_one_branch_behind(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = demo.generate(
        db, settings, member_count=MEMBERS, device_key_path=tmp_path / "kiosk-device.key"
    )
    db.commit()
    today = report.today
    system = Actor.system()
    board = warnings_board.board(db, system, today, settings.dues, meetings=settings.meetings)
    assert board.meetings is not None
    behind = {(r.org_name, r.kind_label) for r in board.meetings.rows}
    branch = db.scalar(select(Organization.name).where(Organization.code == "01010102"))
    assert behind == {(branch, "党小组会"), (branch, "党课")}
    showcase = db.scalar(select(Organization).where(Organization.code == "01010101"))
    held = db.scalar(
        select(func.count()).where(Meeting.org_id == showcase.id, Meeting.recorded_at.is_not(None))
    )
    assert held >= 12 * 3 + 4 * 2  # 支委会, 党小组会, 主题党日 monthly; 党员大会, 党课 quarterly
    first_month = min(db.scalars(select(Meeting.held_on).where(Meeting.org_id == showcase.id)))
    assert (today - first_month).days >= 330
    absent = db.scalar(select(func.count()).where(MeetingAttendance.absence_reason.is_not(None)))
    assert absent > 0
    month = today.replace(day=1).toordinal() - 1
    last = type(today).fromordinal(month)
    rates = meeting_rates.month_rates(db, settings.meetings, [showcase.id], last.year, last.month)
    assert rates[showcase.id].rate_text == "100.0%"
    assert [m.topic for m in meetings.meetings_on(db, system, today)] == ["主题党日：学习新党章"]
    registration = db.scalar(select(CommunityRegistration))
    assert registration.org_id == showcase.id
    assert len(community.activities(db, registration)) == 2
    # Every demo card can be tried at a kiosk in attendance mode: their members are invited to
    # today's 主题党日 besides the host branch's own; a second tap says so.
    theme_day = meetings.meetings_on(db, system, today)[0]
    signed = []
    for card in report.demo_cards:
        if card.state_label != "正常" or "挂失" in card.note:
            continue
        first = meeting_sign_in.sign_in_by_card(db, settings, system, theme_day.id, card.uid, today)
        assert (first.name_masked, first.already) == (card.name_masked, False), card.note
        signed.append(card)
        assert first.present == len(signed)
    uid = signed[0].uid
    again = meeting_sign_in.sign_in_by_card(db, settings, system, theme_day.id, uid, today)
    assert again.already and again.present == len(signed) >= 5
