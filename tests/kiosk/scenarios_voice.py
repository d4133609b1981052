"""Voice prompts played against the real app (docs/kiosk.md, 语音提示).

The speaker is the real one: with ``engine = "espeak"`` and a ``wav_folder`` espeak-ng writes
every prompt it finishes to a WAV file (the test machine has no sound card), and the speaker
keeps what it was asked to say. The scenarios hand both back as facts; the tests read the WAV
files.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from devices.voice.speaker import Speaker
from kiosk import voice_text
from tests.kiosk import fleet_db
from tests.kiosk.harness import press, screen_text, touch, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage, show_member


def _speaker(stage: Stage) -> Speaker:
    return stage.app.voice.speaker


def _asked(stage: Stage) -> list[str]:
    return list(_speaker(stage).asked)


async def _asked_to_say(stage: Stage, fragment: str, timeout: float = 15.0) -> str:
    return await wait_for(
        lambda: next((t for t in _asked(stage) if fragment in t), None),
        f"asked: {fragment}",
        timeout,
    )


async def _from_attract_to_home(stage: Stage) -> None:
    """Nobody was there (the attract loop); then someone touches the screen."""
    await stage.on_screen("home")
    stage.app.controller.attract()
    await stage.on_screen("attract")
    await touch(stage.app.sm.get_screen("attract"))
    await stage.on_screen("home")


def _saying_result(stage: Stage) -> bool:
    return _speaker(stage)._busy and any("查询成功" in t for t in _asked(stage)[-1:])


def _report(stage: Stage) -> None:
    speaker = _speaker(stage)
    stage.facts["asked"] = list(speaker.asked)
    stage.facts["spoken"] = [[text, str(wav)] for text, wav in speaker.spoken]


async def voice_prompts(stage: Stage) -> None:
    """GIVEN voice on WHEN someone touches the attract loop THEN the greeting and 请刷卡;
    the manual entry screen asks for a card; WHEN a member taps THEN the result is said without
    their name, ID, phone, organization or any amount; WHEN they walk away THEN the idle
    warning, and then silence."""
    await _from_attract_to_home(stage)
    await _asked_to_say(stage, voice_text.GREETING + voice_text.CARD_PROMPT)
    await press("刷卡查询党费")
    await stage.on_screen("lookup")
    await _asked_to_say(stage, "请刷卡，或者输入卡号")
    member = await show_member(stage, "regular")
    summary = await _asked_to_say(stage, "查询成功")
    assert f"您有{member['unpaid']}个月党费未缴" in summary
    await press("办事服务")
    await stage.on_screen("services")
    await press("返回")
    await stage.on_screen("member")
    await wait_for(lambda: _speaker(stage).wait_idle(0), "speech to end")
    assert sum("查询成功" in t for t in _asked(stage)) == 1, "said again on coming back"
    await _asked_to_say(stage, voice_text.IDLE_WARNING, timeout=15)
    await stage.on_screen("home", timeout=10)
    assert stage.app.session.summary is None
    await wait_for(lambda: _speaker(stage).wait_idle(0), "speech to end", timeout=15)
    stage.facts["member"] = member
    _report(stage)


async def voice_cut_short(stage: Stage) -> None:
    """The engine (a wrapper that makes the tap's result take 30 s) is ended at once when the
    card leaves, and a summary being said gives way to the idle warning."""
    await stage.on_screen("home")
    speaker = _speaker(stage)
    await show_member(stage, "regular")
    await wait_for(lambda: _saying_result(stage), "the result being said")
    stage.reader.remove()
    await stage.on_screen("home")
    await wait_for(lambda: speaker.wait_idle(0), "speech ended by the card leaving", timeout=5)

    await show_member(stage, "regular")
    await wait_for(lambda: _saying_result(stage), "the result being said again")
    await _asked_to_say(stage, voice_text.IDLE_WARNING, timeout=15)
    await wait_for(
        lambda: any(t == voice_text.IDLE_WARNING for t, _wav in speaker.spoken),
        "the warning spoken in place of the result",
        timeout=5,
    )
    await stage.on_screen("home", timeout=10)
    _report(stage)


async def voice_off(stage: Stage) -> None:
    """Voice off (the default): the same visit says nothing and starts no speech thread."""
    await _from_attract_to_home(stage)
    await press("刷卡查询党费")
    await stage.on_screen("lookup")
    await show_member(stage, "regular")
    await press("退出")
    await stage.on_screen("home")
    speaker = _speaker(stage)
    assert not speaker.enabled and speaker._thread is None
    _report(stage)


async def voice_missing(stage: Stage) -> None:
    """Voice on, but espeak-ng is not installed: the home screen says so in Chinese, and the
    kiosk serves members as always."""
    await stage.on_screen("home")
    await wait_for_text("语音提示不可用：本机没有安装 espeak-ng")
    stage.shot("voice-missing")
    member = await show_member(stage, "regular")
    assert f"累计欠缴：{member['arrears']} 元" in screen_text()
    await press("退出")
    await stage.on_screen("home")
    _report(stage)


async def voice_pushed(stage: Stage) -> None:
    """GIVEN a silent kiosk WHEN the console switches 语音提示 on THEN at the next heartbeat
    it greets out loud, without a restart; switched off again, it is silent."""
    app, url, name = stage.app, stage.world["database_url"], stage.facts_in["kiosk"]
    await stage.on_screen("home")
    assert not _speaker(stage).enabled
    version = fleet_db.push(url, name, voice="on")
    await wait_for(lambda: app.pushed.version == version, "voice switched on", timeout=30)
    assert _speaker(stage).enabled
    await _from_attract_to_home(stage)
    await wait_for(lambda: len(_speaker(stage).spoken) == 1, "the greeting spoken")
    _report(stage)
    version = fleet_db.push(url, name, voice="off")
    await wait_for(lambda: app.pushed.version == version, "voice switched off", timeout=30)
    assert not _speaker(stage).enabled
    await _from_attract_to_home(stage)
    assert list(_speaker(stage).asked) == []


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "voice_prompts": voice_prompts,
    "voice_cut_short": voice_cut_short,
    "voice_off": voice_off,
    "voice_missing": voice_missing,
    "voice_pushed": voice_pushed,
}
