"""Counter scenarios of transfers: within the district (mid-year, with the 接转证明单 and the
notice), out of the district (the three-part 介绍信 with its QR code), into the district (with
a card bound and the 党费核定通知单), reprints from the registers, a transfer that fails in
the middle, a branch user's scope, and two staff paying the same member at the same moment."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

from tests.e2e.steps import (
    confirm,
    dismiss,
    find,
    open_member,
    paper,
    press_in_row,
    press_text,
    qr_payloads,
    screen,
    sign_in,
    type_into,
    wait_printed,
)
from tests.kiosk.harness import frames, press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage


def move_day(stage: Stage) -> str:
    """A day earlier this year: the first of the month four months back (January at the
    earliest), so the member has months in both branches whenever the test runs."""
    today = date.fromisoformat(stage.world["today"])
    return date(today.year, max(1, today.month - 4), 1).isoformat()


async def within(stage: Stage) -> None:
    await sign_in(stage)
    member = await open_member(stage, "within")
    await press("区内转接")
    await stage.on_screen("counter_within")
    form = screen(stage, "counter_within")
    await wait_for(lambda: form.ids.branches.children, "the branch list")
    await type_into(form.ids.filter, "第二")
    await press_text("幸福社区第二党支部　第一街道党工委 › 幸福社区党总支")
    await type_into(form.ids.date, move_day(stage))
    stage.shot("counter-within")
    await press("转接并打印证明单")
    asked = await confirm(stage, "确认区内转接", "确认转接")
    assert "将赵建国的组织关系从幸福社区第一党支部转到幸福社区第二党支部" in asked
    text = await dismiss("转接完成")
    assert "正在打印：组织关系接转证明单、党员转入通知" in text, text
    files = await wait_printed(stage, "transfer-", 2)
    stage.facts["papers"] = {f.stem: paper(f)[0] for f in files}
    await wait_for_text("所在组织：幸福社区第二党支部")
    assert f"党员编号：01010102{member['card_no']}" in screen_text()
    await press("查找党员")
    await press("介绍信和接转登记簿")
    await stage.on_screen("counter_register")
    await press("组织关系接转记录")
    await wait_for_text("区内转接　赵建国")
    await press_in_row("区内转接　赵建国", "补打")
    await dismiss("正在补打")
    reprints = await wait_printed(stage, "transfer-", 4)
    stage.facts["reprints"] = sorted(f.stem for f in reprints if "reprint" in f.stem)


async def out_of_district(stage: Stage) -> None:
    await sign_in(stage)
    await open_member(stage, "out")
    await press("转出区外")
    await stage.on_screen("counter_out")
    form = screen(stage, "counter_out")
    await type_into(form.ids.to_name, "北京市朝阳区和平街道党工委")
    await type_into(form.ids.days, "120", enter=False)
    await press("开具介绍信")
    await confirm(stage, "确认转出区外", "开具介绍信")
    await dismiss("介绍信有效期不能超过90天")
    await type_into(form.ids.days, "30")
    stage.shot("counter-out")
    await press("开具介绍信")
    asked = await confirm(stage, "确认转出区外", "开具介绍信")
    assert "转往北京市朝阳区和平街道党工委，有效期30天" in asked
    text = await dismiss("已转出")
    assert "正在打印：组织关系介绍信" in text, text
    [letter] = await wait_printed(stage, "transfer-")
    printed, items = paper(letter)
    stage.facts["letter"] = printed
    stage.facts["qr"] = qr_payloads(items)
    await wait_for_text("（已不在册）")
    await press("查找党员")
    await press("介绍信和接转登记簿")
    await stage.on_screen("counter_register")
    await wait_for_text("钱红梅")
    await press_in_row("钱红梅", "补打")
    await dismiss("正在补打组织关系介绍信")
    [again] = await wait_printed(stage, "letter-")
    stage.facts["reprint"] = paper(again)[0]


async def into_district(stage: Stage) -> None:
    data = stage.world["into"]
    await sign_in(stage)
    await press("区外转入")
    await stage.on_screen("counter_in")
    form = screen(stage, "counter_in")
    for field in ("name", "id_number", "joined_date", "education", "phone"):
        await type_into(form.ids[field], data[field])
    for field in ("from_name", "letter_no", "paid_to"):
        await type_into(form.ids[field], data[field])
    await wait_for(lambda: form.ids.branches.children, "the branch list")
    await press_text("机关党支部　第二街道党工委")
    stage.tap(stage.world["blanks"]["into"])
    await wait_for_text("已读取空白卡，办理转入时一并发卡")
    stage.shot("counter-in")
    await press("办理转入并打印")
    asked = await confirm(stage, "确认区外转入", "办理转入")
    assert f"{data['name']}由{data['from_name']}转入机关党支部（第二街道党工委），同时发卡" in asked
    text = await dismiss("转入完成")
    stage.facts["done"] = text
    files = await wait_printed(stage, "transfer-", 3)
    stage.facts["papers"] = {f.stem: paper(f)[0] for f in files}
    await stage.on_screen("counter_member")
    await wait_for_text("每月党费：待核定")
    assert "所在组织：机关党支部" in screen_text() and "（正常）" in screen_text()


async def transfer_fails(stage: Stage) -> None:
    """The backend fails in the middle of the move: the message is shown as the backend says
    it, and the member is still where they were."""
    await sign_in(stage)
    await open_member(stage, "fails")
    await press("区内转接")
    await stage.on_screen("counter_within")
    form = screen(stage, "counter_within")
    await wait_for(lambda: form.ids.branches.children, "the branch list")
    await press_text("幸福社区第二党支部")
    await press("转接并打印证明单")
    await confirm(stage, "确认区内转接", "确认转接")
    await dismiss("系统内部错误，请联系管理员")
    assert not list((stage.work / "prints").glob("transfer-*.bin"))
    await press("返回")
    await stage.on_screen("counter_member")
    stage.app.controller.refresh_member()
    await frames(10)
    await wait_for_text("所在组织：幸福社区第一党支部")


async def branch_scope(stage: Stage) -> None:
    """A branch user sees only their branch: another branch's member cannot be found, their
    card answers "not in your scope", and the transfer list still offers every branch."""
    other = stage.world["members"]["other_branch"]
    await sign_in(stage, "branch1")
    await find(stage, other["name"])
    assert "没有找到符合条件的党员" in screen_text()
    stage.tap(other["uid"])
    await dismiss("不在您的管理范围内")


async def paying_at_once(stage: Stage) -> None:
    """One of two staff at two counters: fill the same member's form, wait for the other,
    then press 收款 at the same moment; report what this counter showed."""
    facts = stage.facts_in
    await sign_in(stage, facts["user"])
    await open_member(stage, "race")
    await press("收款")
    await stage.on_screen("counter_pay")
    await press("+")
    await press("+")
    await wait_for_text("已选2个月")
    await press("收款")
    await wait_for_text("确认收款")
    dialog = stage.app.controller.asks.open_dialogs[-1]
    Path(facts["ready"]).write_text("ready")
    await wait_for(lambda: Path(facts["go"]).exists(), "the go signal", timeout=60)
    stage.facts["pressed_at"] = time.time()
    await press("确认收款", dialog)
    await wait_for(
        lambda: "收款成功" in screen_text() or "请勿重复缴费" in screen_text(), "an answer"
    )
    stage.facts["shown"] = screen_text()
    await asyncio.sleep(0.5)
    stage.facts["printed"] = sorted(f.stem for f in (stage.work / "prints").glob("*.bin"))
