"""Scenarios of the board side: disclosure browsing and tiers, honor roll, attract loop, and
the accessibility options; ``SCENARIOS`` here is the full table the driver uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.kiosk import (
    scenarios,
    scenarios_attendance,
    scenarios_board,
    scenarios_cases,
    scenarios_honor,
    scenarios_lockdown,
    scenarios_member,
    scenarios_offline_board,
    scenarios_service,
    scenarios_services,
    scenarios_voice,
    scenarios_volunteers,
    scenarios_wedge,
)
from tests.kiosk.harness import (
    all_widget_text,
    frames,
    press,
    screen_text,
    small_touch_targets,
    touch,
    wait_for,
    wait_for_text,
)
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member

MEMBER_NOTICE = "已刷卡：同时显示您所在组织的党内公开内容"


def titles(stage: Stage) -> list[str]:
    return [row["title"] for row in stage.app.sm.get_screen("disclosure").ids.documents.data]


async def disclosure(stage: Stage) -> None:
    """Browse without a card (public tier only), page through a long list, pick a category,
    read an item with a picture and bigger text; then tap a card: the member's own
    organization's items appear, and vanish again when they leave."""
    content = stage.world["content"]
    await stage.on_screen("home")
    await press("党务公开")
    await stage.on_screen("disclosure")
    await wait_for(lambda: len(titles(stage)) == 50, "first page of 50")
    assert content["public_title"] in titles(stage)
    assert not any(
        content["member_title"] in t or content["other_unit_title"] in t for t in titles(stage)
    )
    board = stage.app.sm.get_screen("disclosure")
    board.ids.documents.scroll_y = 0
    await wait_for(lambda: len(titles(stage)) > 50, "the second page after scrolling down")
    stage.shot("disclosure-list")
    button = next(b for b in board.ids.category_list.children if content["category"] in b.text)
    await touch(button)
    await wait_for(lambda: titles(stage) == [content["public_title"]], "one item in category")
    await frames(3)
    row = next(w for w in board.ids.documents.children[0].children if w.doc_id)
    await touch(row)
    await stage.on_screen("document")
    await wait_for_text("全体党员参加了主题党日活动。")
    reader = stage.app.sm.get_screen("document")
    await wait_for(
        lambda: any(
            getattr(w, "texture", None) is not None and w.height > 0
            for w in reader.ids.blocks.children
            if type(w).__name__ == "Image"
        ),
        "the picture",
    )
    before = reader.ids.blocks.children[-1].font_size
    await press("字大一点 A＋")
    assert reader.ids.blocks.children[-1].font_size > before
    stage.shot("disclosure-document")
    await press("返回列表")
    await stage.on_screen("disclosure")
    await touch(next(b for b in board.ids.category_list.children if b.text.startswith("全部")))
    await wait_for(lambda: len(titles(stage)) == 50, "all items again")
    member = stage.member("regular")
    stage.tap(member["uid"])
    await wait_for(
        lambda: any(content["member_title"] in t for t in titles(stage)),
        "the member's branch item after the tap",
    )
    assert stage.app.sm.current == "disclosure"
    assert MEMBER_NOTICE in screen_text()
    assert not any(content["other_unit_title"] in t for t in titles(stage))
    stage.shot("disclosure-member")
    stage.reader.remove()
    await stage.on_screen("home")
    assert_member_gone(stage, member)
    assert not any(content["member_title"] in t for t in titles(stage))
    await press("党务公开")
    await stage.on_screen("disclosure")
    await wait_for(lambda: len(titles(stage)) == 50, "public list")
    assert not any(content["member_title"] in t for t in titles(stage))


async def honors(stage: Stage) -> None:
    """The honor roll: people, organizations, donors by name only with consent."""
    roll = stage.world["honors"]
    await stage.on_screen("home")
    await press("光荣榜")
    await stage.on_screen("honors")
    await wait_for_text(roll["honored"])
    text = all_widget_text(stage.app.root)  # rows below the fold exist only as list data
    for expected in (
        "优秀共产党员",
        "优秀党务工作者",
        "先进基层党组织",
        roll["worker"],
        "扎根社区二十年，热心服务群众。",
        roll["donor_public"],
    ):
        assert expected in text, expected
    assert roll["donor_private"] not in text
    assert f"捐赠合计 {roll['anonymous_total']} 元" in text
    assert f"合计 {roll['donations_total']} 元" in text
    await wait_for(
        lambda: any(
            r.get("texture") is not None for r in stage.app.sm.get_screen("honors").ids.roll.data
        ),
        "the consented photo",
    )
    await frames(3)
    stage.shot("honors")


async def attract(stage: Stage) -> None:
    """Left alone, the home screen turns into a slowly scrolling roll; a touch ends it."""
    await stage.on_screen("home")
    await stage.on_screen("attract", timeout=15)
    await wait_for_text(stage.world["honors"]["honored"])
    await wait_for_text(stage.world["content"]["public_title"])
    scroller = stage.app.sm.get_screen("attract").ids.scroller
    start = scroller.scroll_y
    await wait_for(lambda: scroller.scroll_y < start, "the roll scrolling")
    stage.shot("attract")
    await touch(stage.app.sm.get_screen("attract"))
    await stage.on_screen("home")


async def accessibility(stage: Stage) -> None:
    """Large text and high contrast from the home screen; every button at least 15 mm."""
    await stage.on_screen("home")
    assert small_touch_targets() == []
    home = stage.app.sm.get_screen("home")
    heading = next(w for w in home.walk() if getattr(w, "text", None) == "党员服务大厅")
    normal = heading.font_size
    await press("大字模式")
    await press("高对比度")
    assert heading.font_size > normal * 1.2
    assert tuple(stage.app.theme.background) == (0, 0, 0, 1)
    stage.shot("home-large-contrast")
    for button, screen in (
        ("刷卡查询党费", "lookup"),
        ("党务公开", "disclosure"),
        ("光荣榜", "honors"),
    ):
        await press(button)
        await stage.on_screen(screen)
        await frames(3)
        assert small_touch_targets() == [], screen
        await press("返回首页" if screen != "lookup" else "返回")
        await stage.on_screen("home")
    await show_member(stage, "regular")
    assert small_touch_targets() == []
    stage.shot("member-large-contrast")


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    **scenarios.SCENARIOS,
    **scenarios_attendance.SCENARIOS,
    **scenarios_service.SCENARIOS,
    **scenarios_wedge.SCENARIOS,
    **scenarios_board.SCENARIOS,
    **scenarios_member.SCENARIOS,
    **scenarios_services.SCENARIOS,
    **scenarios_cases.SCENARIOS,
    **scenarios_honor.SCENARIOS,
    **scenarios_volunteers.SCENARIOS,
    **scenarios_lockdown.SCENARIOS,
    **scenarios_offline_board.SCENARIOS,
    **scenarios_voice.SCENARIOS,
    "disclosure": disclosure,
    "honors": honors,
    "attract": attract,
    "accessibility": accessibility,
}
