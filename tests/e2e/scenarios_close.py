"""The counter's day close (日结): cash taken with 实收 and 找零 on the screen and the slip, the
day's totals on the 日结 screen, the 日结单 printed and decoded from the printer's bytes, its
reprint marked 补打, and no payment after the close. Played as ``counter2``, so the other
scenarios' clerk keeps an open day."""

from __future__ import annotations

from tests.e2e.steps import (
    confirm,
    dismiss,
    flat,
    open_member,
    paper,
    screen,
    sign_in,
    type_into,
    wait_printed,
)
from tests.kiosk.harness import press, screen_text, wait_for_text
from tests.kiosk.scenarios import Stage


async def day_close(stage: Stage) -> None:
    today = stage.world["today"]
    await sign_in(stage, "counter2")
    await open_member(stage, "close")
    await press("收款")
    await stage.on_screen("counter_pay")
    pay = screen(stage, "counter_pay")
    await press("+")
    await press("+")
    await wait_for_text("已选2个月，合计 ￥153.00")
    await type_into(pay.ids.tendered, "200")
    await wait_for_text("找零 ￥47.00")
    stage.shot("counter-pay-tendered")
    await press("收款")
    asked = await confirm(stage, "确认收款", "确认收款")
    assert "实收：￥200　找零 ￥47.00" in asked, asked
    done = await dismiss("收款成功")
    assert "实收￥200.00，找零￥47.00" in done, done
    slip_no = done.split("凭条编号", 1)[1].split("，", 1)[0]
    [slip] = await wait_printed(stage, f"slip-{slip_no}")
    printed = flat(paper(slip)[0])
    assert "实收￥200.00" in printed and "找零￥47.00" in printed, printed

    await press("查找党员")
    await stage.on_screen("counter_find")
    await press("日结")
    await stage.on_screen("counter_close")
    await wait_for_text("未日结")
    text = screen_text()
    assert f"凭条号段：{slip_no}—{slip_no}（共1张）　有效缴费：1笔" in text, text
    assert "现金：￥153.00（实收￥200.00，找零￥47.00）" in text
    stage.shot("counter-day-close")
    await press("日结并打印")
    asked = await confirm(stage, "确认日结", "日结并打印")
    assert "应交现金￥153.00" in asked and "日结后今天不能再收款" in asked
    await dismiss("已日结，正在打印日结单")
    [close] = await wait_printed(stage, f"day-close-{today}-counter2")
    printed = flat(paper(close)[0])
    for expected in (
        "日结单",
        f"日结日期{today}",
        "经办人counter2",
        f"凭条号段{slip_no}—{slip_no}",
        "有效缴费1笔",
        "现金￥153.00",
        "现金实收￥200.00",
        "现金找零￥47.00",
        "银行转账￥0.00",
        "合计￥153.00",
        "应交现金￥153.00",
    ):
        assert expected in printed, f"{expected} not in {printed}"
    await wait_for_text("已日结（")
    await press("补打日结单")
    await dismiss("第1次补打")
    [again] = await wait_printed(stage, f"day-close-{today}-counter2-reprint-1")
    printed = flat(paper(again)[0])
    assert "日结单（补打）" in printed and "补打次数第1次" in printed, printed

    # After the close this clerk takes no more payments today.
    await open_member(stage, "close")
    await press("收款")
    await stage.on_screen("counter_pay")
    await press("+")
    await press("收款")
    await confirm(stage, "确认收款", "确认收款")
    await dismiss("当天不能再收款")
