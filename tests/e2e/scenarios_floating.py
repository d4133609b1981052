"""Counter scenarios of floating members: a 党员证明信 refused for an absence of more than six
months (the backend's Chinese words on screen), then issued and printed; a 流动党员活动证
issued and printed, reviewed for next year and ended.

Run by ``tests.kiosk.driver --scenarios tests.e2e.scenarios_floating``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from tests.e2e.steps import (
    confirm,
    dismiss,
    open_member,
    paper,
    screen,
    sign_in,
    type_into,
    wait_printed,
)
from tests.kiosk.harness import press, screen_text, wait_for_text
from tests.kiosk.scenarios import Stage

HOST = "上海市浦东新区陆家嘴街道党工委"
FLOATING_HOST = "深圳市南山区流动党员党支部"
PLACE = "广东省深圳市"


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the 28th at most, so every month has it)."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))


async def floating_member(stage: Stage) -> None:
    today = date.fromisoformat(stage.world["today"])
    await sign_in(stage)
    await open_member(stage, "pay")
    await press("流动党员/证明信")
    await stage.on_screen("counter_floating")
    form = screen(stage, "counter_floating")
    await wait_for_text("该党员没有有效的流动党员活动证")

    await type_into(form.ids.host_name, HOST)
    await type_into(form.ids.purpose, "务工")
    await type_into(form.ids.start, today.isoformat())
    await type_into(form.ids.end, months_later(today, 7).isoformat())
    await press("开具党员证明信")
    await confirm(stage, "确认开具党员证明信", "开具并打印")
    await wait_for_text("外出超过六个月")
    stage.facts["refusal"] = screen_text()
    stage.shot("counter-floating-refused")
    await dismiss("外出超过六个月")
    assert not list((stage.work / "prints").glob("letter-*.bin"))

    await type_into(form.ids.end, months_later(today, 3).isoformat())
    await press("开具党员证明信")
    asked = await confirm(stage, "确认开具党员证明信", "开具并打印")
    assert f"前往{HOST}" in asked, asked
    stage.facts["certificate_done"] = await dismiss("已开具党员证明信")
    [certificate] = await wait_printed(stage, "letter-")
    stage.facts["certificate"] = paper(certificate)[0]
    assert form.ids.host_name.value == ""

    await type_into(form.ids.floating_host, FLOATING_HOST)
    await type_into(form.ids.destination, PLACE)
    stage.shot("counter-floating")
    await press("发放流动党员活动证")
    asked = await confirm(stage, "确认发放流动党员活动证", "发放并打印")
    assert f"流入地党组织：{FLOATING_HOST}" in asked, asked
    stage.facts["floating_done"] = await dismiss("已开具流动党员活动证")
    files = await wait_printed(stage, "letter-", 2)
    [card] = [f for f in files if f != certificate]
    stage.facts["card"] = paper(card)[0]
    await wait_for_text(f"{today.year}年度已审验")
    stage.facts["card_shown"] = screen_text()
    stage.shot("counter-floating-card")

    await press(f"审验{today.year + 1}年度")
    await confirm(stage, "流动党员活动证年度审验", "审验")
    stage.facts["reviewed"] = await dismiss(f"已完成{today.year + 1}年度审验")
    await wait_for_text(f"{today.year + 1}年度已审验")

    await press("终止流动")
    await wait_for_text("请填写原因")
    dialog = stage.app.controller.asks.open_dialogs[-1]
    await type_into(dialog.ids.reason, "已返回居住地")
    await press("终止流动", dialog)
    stage.facts["ended"] = await dismiss("已作废")
    await wait_for_text("该党员没有有效的流动党员活动证")


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "floating_member": floating_member,
}
