"""A card tapped at the counter while a question is open or a payment is on its way: the tap
is refused with a message, the member on screen stays, and the money goes to that member."""

from __future__ import annotations

from tests.e2e.steps import dismiss, flat, open_member, paper, screen, sign_in, wait_printed
from tests.kiosk.harness import frames, press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage


async def tap_during_confirmation(stage: Stage) -> None:
    first, second = stage.member("tap_first"), stage.member("tap_second")
    counter = stage.app.controller
    await sign_in(stage, stage.world["clerk2"]["username"])
    await open_member(stage, "tap_first")
    await press("收款")
    await stage.on_screen("counter_pay")
    await press("+")
    await wait_for_text("已选1个月")
    await press("收款")
    await wait_for_text("确认收款")
    [dialog] = counter.asks.open_dialogs
    stage.tap(second["uid"])
    await wait_for(
        lambda: getattr(dialog, "notice", "") or stage.app.sm.current != "counter_pay",
        "the tap refused in the open question (or, wrongly, taken)",
    )
    await frames(10)  # a lookup, had one been sent, would have answered by now
    assert stage.app.sm.current == "counter_pay", "the tap switched the page behind the dialog"
    shown = screen_text(dialog)
    assert "这次刷卡未受理" in shown and "请先点“确认收款”或“取消”" in shown, shown
    stage.shot("counter-tap-refused-in-question")
    assert counter.member is not None and counter.member["name"] == first["name"]
    assert second["name"] not in screen_text(), "the second member must not appear"
    await press("确认收款", dialog)
    text = await dismiss("收款成功")
    assert second["name"] not in text
    slip_no = text.split("凭条编号", 1)[1].split("，", 1)[0]
    [slip] = await wait_printed(stage, f"slip-{slip_no}")
    printed = flat(paper(slip)[0])
    assert f"缴费人{first['name'][0]}*" in printed, printed
    clerk = stage.world["clerk2"]
    assert f"经办人{clerk['full_name']}" in printed and clerk["username"] not in printed, printed
    await stage.on_screen("counter_member")
    await wait_for_text(first["name"])
    assert second["name"] not in screen_text()

    # A payment on its way: the tap arriving in the same instant is refused too.
    await press("收款")
    await stage.on_screen("counter_pay")
    await press("+")
    await press("收款")
    await wait_for_text("确认收款")
    [dialog] = counter.asks.open_dialogs
    dialog.answer(True)  # the request is sent; its answer cannot arrive before the next line
    assert screen(stage, "counter_pay").in_flight
    counter.card_tapped(second["uid"])
    await wait_for_text("正在提交，请等结果出来后再刷卡")
    await wait_for_text("收款成功")
    await stage.on_screen("counter_member")
    await wait_for_text(first["name"])
    assert counter.member["name"] == first["name"] and second["name"] not in screen_text()
    stage.facts["paid"] = True

    # Nothing in flight, no question open: the tap opens the second member.
    for dialog in list(stage.app.dialogs.open_dialogs):
        stage.app.dialogs.close(dialog)
    stage.tap(second["uid"])
    await wait_for(lambda: counter.member and counter.member["name"] == second["name"], "next")
    await stage.on_screen("counter_member")
