"""The member's 办事服务 hub (issue 15, item 4): reached from the member screen after a tap,
one big button per service entry, back to the member screen, and forgotten with the member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kiosk.screens.services import SERVICE_ENTRIES
from tests.kiosk.harness import (
    find_button,
    frames,
    press,
    screen_text,
    small_touch_targets,
    wait_for_text,
    walk,
)
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member


def hub_labels(stage: Stage) -> list[str]:
    """The labels of the hub's buttons, in the order the member sees them."""
    grid = stage.app.sm.get_screen("services").ids.grid
    tiles = sorted(grid.children, key=lambda tile: (-tile.y, tile.x))
    return [tile.label for tile in tiles]


async def services_hub(stage: Stage) -> None:
    """GIVEN a member on their screen WHEN they press 办事服务 THEN the hub greets them by their
    masked name and offers every service entry as a big button; 返回 leads back to their
    screen; WHEN the card leaves on the hub THEN the kiosk goes home and forgets them."""
    await stage.on_screen("home")
    stage.app.controller.go("services")  # no member: the hub is not for anyone else
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    await press("办事服务")
    await stage.on_screen("services")
    await frames(3)
    hub = stage.app.sm.get_screen("services")
    assert hub.greeting.startswith(member["name_masked"]), hub.greeting
    expected = [e.label for e in SERVICE_ENTRIES if stage.app.sm.has_screen(e.screen)]
    assert expected and hub_labels(stage) == expected
    for label in expected:
        find_button(label, hub)
    hints = {w.text for w in walk(hub) if getattr(w, "text", "")}
    assert {e.hint for e in SERVICE_ENTRIES if e.label in expected} <= hints
    assert small_touch_targets() == []
    stage.shot("services-hub")
    first = next(e for e in SERVICE_ENTRIES if e.label == expected[0])
    await press(first.label)
    await stage.on_screen(first.screen)
    stage.app.controller.go("services")
    await stage.on_screen("services")
    await press("返回")
    await stage.on_screen("member")
    await press("办事服务")
    await stage.on_screen("services")
    stage.reader.remove()
    await stage.on_screen("home")
    assert hub.greeting == ""
    assert_member_gone(stage, member)


async def satisfaction_vote(stage: Stage) -> None:
    """GIVEN an open assessment round and a member on the hub WHEN they open 满意度测评 THEN the
    round and their own branch are asked about; WHEN they choose 满意 THEN the vote is taken and
    the choices go away; WHEN they come back THEN they are told they have voted already; WHEN
    the card leaves THEN the screen forgets them."""
    ballot = stage.world["appraisal"]
    member = await show_member(stage, "reminder")
    await press("办事服务")
    await stage.on_screen("services")
    await press("满意度测评")
    await stage.on_screen("vote")
    await wait_for_text(f"您对{member['org_name']}的工作是否满意")
    assert ballot["title"] in screen_text()
    assert small_touch_targets() == []
    stage.shot("vote")
    await press("满意")
    await wait_for_text("投票成功，感谢您的参与")
    screen = stage.app.sm.get_screen("vote")
    assert not screen.can_vote
    await press("返回")
    await stage.on_screen("services")
    await press("满意度测评")
    await stage.on_screen("vote")
    await wait_for_text("您已参加本次测评")
    stage.reader.remove()
    await stage.on_screen("home")
    assert screen.question == "" and screen.status == ""
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "services_hub": services_hub,
    "satisfaction_vote": satisfaction_vote,
}
