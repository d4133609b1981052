"""志愿服务 at the kiosk (docs/volunteers.md), played against the real app and backend: the
member sees their own hours and joins a team of their community by choosing it; a kiosk set to
today's activity by staff (staff card + PIN) signs members in by card tap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.kiosk.harness import find_button, frames, press, screen_text, touch, wait_for_text
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member


async def volunteer_join(stage: Stage) -> None:
    """GIVEN the regular member with 2.5 hours this year on one team WHEN they open 志愿服务
    THEN they see their hours and the teams of their community only (leader masked); WHEN they
    press 加入 on the other team THEN it says 已加入; WHEN the card leaves THEN nothing of
    them remains."""
    facts = stage.world["volunteers"]
    member = await show_member(stage, "regular")
    await press("办事服务")
    await stage.on_screen("services")
    await press("志愿服务")
    await stage.on_screen("volunteers")
    await wait_for_text(facts["open_team"])
    text = screen_text()
    assert f"服务 {facts['year_hours']} 小时" in text, text
    assert facts["joined_team"] in text and facts["other_team"] not in text
    assert "陈*愿" in text and "13700001111" not in text and "137****1111" in text
    screen = stage.app.sm.get_screen("volunteers")
    rows = {row.title: row for row in screen.ids.teams.children}
    assert rows[facts["joined_team"]].joined and not rows[facts["open_team"]].joined
    stage.shot("volunteers-before-join")
    join = find_button("加入", rows[facts["open_team"]])
    await touch(join)
    await wait_for_text("已加入，欢迎参加志愿服务！")
    await frames(3)
    rows = {row.title: row for row in screen.ids.teams.children}
    assert rows[facts["open_team"]].joined
    stage.shot("volunteers-joined")
    stage.reader.remove()
    await stage.on_screen("home")
    assert screen.hours_text == "" and not screen.ids.teams.children
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "volunteer_join": volunteer_join,
}


async def _staff_card_and_pin(stage: Stage, facts: dict) -> None:
    stage.tap(facts["staff_uid"])
    await wait_for_text("请输入工作证PIN")
    for digit in facts["staff_pin"]:
        await press(digit)
    await press("确定")


async def volunteer_desk(stage: Stage) -> None:
    """GIVEN staff at the kiosk WHEN they tap their staff card, type the PIN and choose today's
    手机课堂 THEN the kiosk signs members in by card: the first tap 签到成功, the second 已签到,
    a member not on the team and an unknown card get clear messages, and it stays set; WHEN
    staff end it with card and PIN THEN the kiosk is back home and taps look members up again."""
    facts = stage.world["volunteers"]
    regular = stage.member("regular")
    await stage.on_screen("home")
    await press("志愿活动签到")
    await stage.on_screen("volunteer_desk")
    await wait_for_text("请工作人员刷工作证")
    await _staff_card_and_pin(stage, facts)
    await wait_for_text("请选择要签到的活动")
    desk = stage.app.sm.get_screen("volunteer_desk")
    choice = next(b for b in desk.ids.choices.children if "手机课堂" in b.text)
    await touch(choice)
    await wait_for_text("请党员刷卡签到")
    assert "已签到 0 人" in screen_text()
    stage.shot("volunteer-desk-ready")
    stage.tap(regular["uid"])
    await wait_for_text(f"{regular['name_masked']}签到成功")
    assert "已签到 1 人" in screen_text()
    stage.tap(regular["uid"])
    await wait_for_text(f"{regular['name_masked']}已签到")
    stage.tap(stage.member("reminder")["uid"])
    await wait_for_text(f"{facts['not_on_team_masked']}还不是")
    assert "刘五月" not in screen_text()
    stage.tap(stage.world["unknown_uid"])
    await wait_for_text("未能识别这张卡")
    stage.shot("volunteer-desk-unknown")
    assert stage.app.sm.current == "volunteer_desk" and stage.app.session.token is None
    await press("结束签到")
    await wait_for_text("请工作人员刷工作证以结束签到")
    await _staff_card_and_pin(stage, facts)
    await stage.on_screen("home")
    await show_member(stage, "regular")  # an ordinary kiosk again


SCENARIOS["volunteer_desk"] = volunteer_desk
