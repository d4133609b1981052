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
