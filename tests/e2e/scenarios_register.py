"""Counter scenarios of issue 12, item 8: the register's 回执登记 and 逾期未回执 list, dialogs
whose text and buttons stay inside their panel, and the numbered, verifiable papers of a
probationary member's 区内转接."""

from __future__ import annotations

from typing import Any

from tests.e2e.steps import (
    ENTER,
    confirm,
    dismiss,
    open_member,
    paper,
    press_in_row,
    press_key,
    press_text,
    qr_payloads,
    screen,
    sign_in,
    type_into,
    wait_printed,
)
from tests.kiosk.harness import frames, press, screen_text, wait_for, wait_for_text, walk
from tests.kiosk.scenarios import Stage


def outside(dialog: Any) -> list[str]:
    """Texts and buttons of ``dialog`` that stick out of its panel."""
    left, bottom = dialog.to_window(dialog.x, dialog.y)
    right, top = left + dialog.width, bottom + dialog.height
    bad = []
    for widget in walk(dialog):
        if widget is dialog or not getattr(widget, "text", "") or widget.opacity == 0:
            continue
        x, y = widget.to_window(widget.x, widget.y)
        if x < left - 1 or y < bottom - 1 or x + widget.width > right + 1:
            bad.append(f"{widget.text!r} at y={y:.0f}..{y + widget.height:.0f}")
        elif y + widget.height > top + 1:
            bad.append(f"{widget.text!r} at y={y:.0f}..{y + widget.height:.0f} (top {top:.0f})")
    return bad


async def letter_returns(stage: Stage) -> None:
    """The register lists 逾期未回执; 回执登记 records the slip (keyboard only) and the letter
    leaves the warning list; a wrong date is refused in the form, nothing lost."""
    overdue, valid = stage.member("letter_overdue"), stage.member("letter_valid")
    await sign_in(stage)
    await press("介绍信和接转登记簿")
    await stage.on_screen("counter_register")
    await press("逾期未回执")
    await wait_for_text("逾期未收回回执的介绍信共")
    assert overdue["name"] in screen_text() and valid["name"] not in screen_text()
    stage.shot("counter-register-overdue")
    await press_in_row(overdue["name"], "回执登记")
    await wait_for_text("登记回执")
    asks = stage.app.controller.asks
    [dialog] = asks.open_dialogs
    assert not outside(dialog), outside(dialog)
    assert dialog.ids.handler.ids.input.focus, "the first box to fill has the focus"
    await type_into(dialog.ids.returned_on, "昨天")
    await type_into(dialog.ids.handler, "王接收", enter=True)
    assert dialog.ids.phone.ids.input.focus, "Enter moves on to the next box"
    await type_into(dialog.ids.phone, "0571-88880000", enter=True)
    await wait_for_text("回执日期请写成")
    assert asks.open_dialogs == [dialog] and dialog.ids.handler.value == "王接收"
    await type_into(dialog.ids.returned_on, stage.world["today"])
    await press_key(ENTER)  # in the date box: on to the next box, the form stays
    assert asks.open_dialogs == [dialog]
    await press("登记回执", dialog)
    text = await dismiss("已登记回执")
    assert overdue["letter_no"] in text and f"回执日期{stage.world['today']}" in text
    await wait_for_text("没有逾期未收回回执的介绍信")
    await press("介绍信登记簿")
    await wait_for(lambda: valid["name"] in screen_text(), "the register")
    await press_in_row(valid["name"], "回执登记")
    await wait_for_text("登记回执")
    await press_key((27, 41))  # Escape: nothing recorded
    await frames(2)
    assert asks.open_dialogs == []


async def void_dialog_fits(stage: Stage) -> None:
    """作废缴费: the question, the reason box and both buttons sit inside the panel."""
    await sign_in(stage)
    await open_member(stage, "void_box")
    await press("收款")
    await stage.on_screen("counter_pay")
    await press("+")
    await press("收款")
    await confirm(stage, "确认收款", "确认收款")
    await dismiss("收款成功")
    await stage.on_screen("counter_member")
    await press("缴费记录")
    await stage.on_screen("counter_history")
    await wait_for_text("共")
    await press("作废")
    await wait_for_text("作废缴费")
    [dialog] = stage.app.controller.asks.open_dialogs
    await frames(3)
    stage.shot("counter-void-dialog")
    assert not outside(dialog), outside(dialog)
    assert dialog.height > 300, f"the panel is {dialog.height:.0f} px high"
    await press("取消", dialog)


async def within_probationary(stage: Stage) -> None:
    """区内转接 of a 预备党员: the 证明单 and the notice are printed; their text and QR codes
    go back to the test, which checks them on the backend's verification page."""
    await sign_in(stage)
    await open_member(stage, "probation")
    await press("区内转接")
    await stage.on_screen("counter_within")
    form = screen(stage, "counter_within")
    await wait_for(lambda: form.ids.branches.children, "the branch list")
    await type_into(form.ids.filter, "第二")
    await press_text("幸福社区第二党支部")
    await press("转接并打印证明单")
    await confirm(stage, "确认区内转接", "确认转接")
    await dismiss("转接完成")
    files = await wait_printed(stage, "transfer-", 2)
    stage.facts["papers"] = {
        f.stem: {"text": paper(f)[0], "qr": qr_payloads(paper(f)[1])} for f in files
    }
