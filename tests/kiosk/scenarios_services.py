"""The member's 办事服务 hub (issue 15, item 4): reached from the member screen after a tap,
one big button per service entry, back to the member screen, and forgotten with the member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kiosk.screens.services import SERVICE_ENTRIES
from tests.kiosk.harness import find_button, frames, press, small_touch_targets, walk
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


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "services_hub": services_hub,
}
