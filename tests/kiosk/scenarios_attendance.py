"""The meeting attendance mode at the kiosk (docs/meetings.md): staff enter it with their staff
card and PIN, members sign in by card tap (a second tap says 已签到, strangers and unknown cards
get a clear message), nothing is printed, and only the staff PIN ends the mode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.kiosk.harness import find_button, press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage


async def _type_pin(pin: str, ok_label: str = "确定") -> None:
    for digit in pin:
        await press(digit)
    await press(ok_label)


async def attendance_sign_in(stage: Stage) -> None:
    facts = stage.facts_in
    regular, reminder, final = (stage.member(k) for k in ("regular", "reminder", "final"))
    await stage.on_screen("home")
    await press("会议签到")
    await stage.on_screen("attendance_setup")
    await wait_for_text("请工作人员刷工作证")
    stage.tap(facts["staff_uid"])
    await wait_for_text("请输入工作证PIN")
    await _type_pin("9999")
    await wait_for_text("PIN不正确")
    assert stage.app.sm.current == "attendance_setup"
    await _type_pin(facts["pin"])
    label = facts["meeting_label"]
    await wait_for(lambda: any(label == t for t in screen_text().splitlines()), "meeting list")
    stage.shot("attendance-choose")
    await press(label)
    await stage.on_screen("attendance")
    await wait_for_text("已签到 0 人　应到 2 人")
    assert "请将党员卡放在读卡区签到" in screen_text()

    stage.tap(regular["uid"])
    await wait_for_text(f"{regular['name_masked']}，签到成功")
    await wait_for_text("已签到 1 人　应到 2 人")
    assert regular["name"] not in screen_text()  # the masked name only
    stage.tap(reminder["uid"])
    await wait_for_text(f"{reminder['name_masked']}，签到成功")
    await wait_for_text("已签到 2 人　应到 2 人")
    stage.shot("attendance-signed")
    stage.tap(regular["uid"])
    await wait_for_text(f"{regular['name_masked']}，您已签到，无需重复刷卡")
    assert "已签到 2 人　应到 2 人" in screen_text()
    stage.tap(stage.world["unknown_uid"])
    await wait_for_text("未能识别这张卡")
    stage.tap(final["uid"])
    await wait_for_text("您不在本次会议的参会人员中")
    assert final["name_masked"] not in screen_text()
    prints = stage.work / "prints"
    assert not prints.exists() or not any(prints.iterdir()), "attendance mode printed"

    await press("结束签到")
    await wait_for_text("请输入工作证PIN结束签到")
    await _type_pin("1111")
    await wait_for_text("PIN不正确")
    assert stage.app.sm.current == "attendance"
    await _type_pin(facts["pin"])
    await stage.on_screen("home")
    # The reader is the member kiosk's again: a tap opens the member's own screen.
    stage.tap(regular["uid"])
    await stage.on_screen("member")
    await wait_for_text(regular["name_masked"])
    await press("退出")
    await stage.on_screen("home")
    find_button("会议签到")


async def community_register(stage: Stage) -> None:
    """A member of another 党委 taps their card on 社区报到, picks the community branch from the
    list and is registered; doing it again says so."""
    member = stage.member("final")
    community = stage.facts_in["community"]
    await stage.on_screen("home")
    await press("社区报到")
    await stage.on_screen("community")
    stage.tap(stage.world["unknown_uid"])
    await wait_for_text("未能识别这张卡")
    await press("好的")
    stage.tap(member["uid"])
    await wait_for_text(f"{member['name_masked']}，请选择要报到的社区党支部")
    assert member["name"] not in screen_text()
    await wait_for_text(community)
    stage.shot("community-choose")
    await press(community)
    await wait_for_text(f"{member['name_masked']}，您已到{community}报到")
    await press("好的")
    await stage.on_screen("home")
    await press("社区报到")
    await stage.on_screen("community")
    stage.tap(member["uid"])
    await wait_for_text("请选择要报到的社区党支部")
    await wait_for_text(community)
    await press(community)
    await wait_for_text(f"已在{community}报到，无需重复报到")


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "attendance_sign_in": attendance_sign_in,
    "community_register": community_register,
}
