"""The counter scenarios, played against the real app in counter mode.

Run by ``tests.kiosk.driver --scenarios tests.e2e.scenarios`` (see ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.e2e import (
    scenarios_close,
    scenarios_desk,
    scenarios_keyboard,
    scenarios_register,
    scenarios_taps,
    scenarios_transfers,
)
from tests.e2e.steps import open_member, screen, sign_in, type_into
from tests.kiosk.harness import all_widget_text, press, screen_text, wait_for_text
from tests.kiosk.scenarios import Stage


async def signing_in(stage: Stage) -> None:
    """A wrong password is refused as the backend says; the right one opens the desk; 锁定
    locks; a staff card and its PIN sign in again."""
    await stage.on_screen("counter_login")
    stage.shot("counter-login")
    login = screen(stage, "counter_login")
    await type_into(login.ids.username, "counter")
    await type_into(login.ids.password, "wrong-password", enter=True)
    await wait_for_text("用户名或密码错误")
    await sign_in(stage)
    assert "counter（示范区委）" in screen_text()
    stage.shot("counter-find")
    await press("锁定")
    await stage.on_screen("counter_login")
    await wait_for_text("柜台已锁定，请重新登录")
    assert stage.app.controller.staff.token is None
    stage.tap(stage.world["staff_uid"])
    await wait_for_text("已读取工作证")
    await type_into(login.ids.pin, stage.world["staff_pin"], enter=True)
    await stage.on_screen("counter_find")


async def idle_lock(stage: Stage) -> None:
    """A member's record on screen and nobody touches the counter: after the lock time a
    countdown shows, then the counter locks and nothing of the member is left anywhere."""
    await sign_in(stage)
    member = await open_member(stage, "zhang_b1")
    assert "身份证号：" in screen_text()
    await wait_for_text("秒后将自动退出", timeout=15)
    await stage.on_screen("counter_login", timeout=10)
    await wait_for_text("柜台已锁定，请重新登录")
    everything = all_widget_text(stage.app.root) + screen_text()
    for secret in (member["name"], member["card_no"], member["id_number"][-4:]):
        assert secret not in everything, f"{secret!r} is still in the widget tree"
    assert stage.app.controller.staff.token is None and stage.app.controller.member is None
    login = screen(stage, "counter_login")
    assert login.ids.username.value == "counter" and login.ids.password.value == ""


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "signing_in": signing_in,
    "idle_lock": idle_lock,
    "two_zhang_wei": scenarios_desk.two_zhang_wei,
    "dues_desk": scenarios_desk.dues_desk,
    "cards_at_desk": scenarios_desk.cards_at_desk,
    "within": scenarios_transfers.within,
    "out_of_district": scenarios_transfers.out_of_district,
    "into_district": scenarios_transfers.into_district,
    "transfer_fails": scenarios_transfers.transfer_fails,
    "branch_scope": scenarios_transfers.branch_scope,
    "paying_at_once": scenarios_transfers.paying_at_once,
    "tap_during_confirmation": scenarios_taps.tap_during_confirmation,
    "letter_returns": scenarios_register.letter_returns,
    "void_dialog_fits": scenarios_register.void_dialog_fits,
    "by_keyboard": scenarios_keyboard.by_keyboard,
    "within_probationary": scenarios_register.within_probationary,
    "day_close": scenarios_close.day_close,
}
