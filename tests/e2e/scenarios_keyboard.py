"""The counter by keyboard alone (issue 12, item 8): the first box of each screen has the
focus, the arrow keys walk search results, months and branches, Enter opens and chooses. On
the way, 区内转接 of a member with arrears warns and says where the arrears go."""

from __future__ import annotations

from typing import Any

from tests.e2e.steps import ENTER, find, press_key, screen, sign_in, type_into
from tests.kiosk.harness import frames, press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage

DOWN, UP, RIGHT = (274, 81), (273, 82), (275, 79)
SPACE, ESCAPE, PLUS = (32, 44), (27, 41), (61, 46)


def focused(field: Any) -> bool:
    return bool(field.ids.input.focus)


def highlighted(rows: Any) -> list[str]:
    return [row.text for row in rows.children[::-1] if getattr(row, "highlighted", False)]


async def by_keyboard(stage: Stage) -> None:
    one, two = stage.member("zhang_b1"), stage.member("zhang_b3")
    counter = stage.app.controller
    await sign_in(stage)
    finder = screen(stage, "counter_find")
    await wait_for(lambda: focused(finder.ids.query), "the search box has the focus")
    await find(stage, "张伟")
    rows = finder.ids.results
    order = [row.text for row in rows.children[::-1]]
    assert len(order) == 2
    await press_key(DOWN)
    assert highlighted(rows) == [order[0]] and not focused(finder.ids.query)
    await press_key(DOWN)
    assert highlighted(rows) == [order[1]]
    await press_key(UP)
    assert highlighted(rows) == [order[0]]
    stage.shot("counter-keyboard-results")
    await press_key(ENTER)
    await stage.on_screen("counter_member")
    first = one if one["card_no"] in order[0] else two
    await wait_for(lambda: counter.member and counter.member["id"] == first["id"], "opened")

    await press("收款")
    await stage.on_screen("counter_pay")
    pay = screen(stage, "counter_pay")
    await wait_for(lambda: pay.choices, "the months")
    await press_key(RIGHT)
    assert pay.choices[0].highlighted
    await press_key(SPACE)
    await wait_for_text("已选1个月")
    await press_key(RIGHT)
    assert pay.choices[1].highlighted and not pay.choices[0].highlighted
    await press_key(SPACE)
    await wait_for_text("已选2个月")
    await press_key(SPACE)
    await wait_for_text("已选1个月")
    await press_key(PLUS)
    await wait_for_text("已选2个月")
    await press_key(ENTER)
    await wait_for_text("确认收款")
    await press_key(ESCAPE)
    await frames(2)
    assert counter.asks.open_dialogs == [], "Escape cancels; nothing is charged"
    await press("返回")
    await stage.on_screen("counter_member")

    await press("区内转接")
    await stage.on_screen("counter_within")
    within = screen(stage, "counter_within")
    await wait_for(lambda: focused(within.ids.filter), "the filter box has the focus")
    await wait_for(lambda: within.ids.branches.children, "the branches")
    await type_into(within.ids.filter, "第二")
    await press_key(DOWN)
    [branch] = highlighted(within.ids.branches)
    await press_key(ENTER)
    await wait_for_text("接收支部：" + branch.split("　")[0])
    warned = screen_text()
    assert "注意：该党员累计欠交" in warned, "a member with arrears: the form warns"
    assert "转接月份之前的欠交仍记在原支部（幸福社区第一党支部）的台账上" in warned
    await press_key(ENTER)
    await wait_for_text("确认区内转接")
    [question] = counter.asks.open_dialogs
    asked = question.text
    assert "该党员累计欠交" in asked and "可在窗口补交" in asked, asked
    assert "仍记在原支部（幸福社区第一党支部）的台账上" in asked or "记入" in asked, asked
    stage.shot("counter-within-arrears")
    await press_key(ESCAPE)
    await frames(2)
    assert counter.asks.open_dialogs == []
    await press("返回")
    await stage.on_screen("counter_member")

    await press("转出区外")
    await stage.on_screen("counter_out")
    out = screen(stage, "counter_out")
    await wait_for(lambda: focused(out.ids.to_name), "the first box has the focus")
    await type_into(out.ids.to_name, "北京市某区某街道党工委", enter=True)
    assert focused(out.ids.addressee), "Enter moves on to the next box"
    await press("返回")
    await stage.on_screen("counter_member")

    await press("查找党员")
    await stage.on_screen("counter_find")
    await press("区外转入")
    await stage.on_screen("counter_in")
    into = screen(stage, "counter_in")
    await wait_for(lambda: focused(into.ids.name), "the first box has the focus")
    await wait_for(lambda: into.ids.branches.children, "the branches")
    await press_key(DOWN)
    assert len(highlighted(into.ids.branches)) == 1 and not focused(into.ids.name)
    await press_key(ENTER)
    await wait_for_text("接收支部：")
    assert "姓名" in screen_text()
