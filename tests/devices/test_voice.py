"""The voice device: espeak-ng really turns Chinese prompts into speech, on a worker thread,
newest prompt first, cut short on demand, and silent (never crashing) without an engine.

espeak-ng writes each prompt to a WAV file (``wav_folder``), since the test machine has no
sound card; the file is read back with the standard library's ``wave``. The timing tests run a
real process that takes long (``sleep``) in place of a long prompt.
"""

from __future__ import annotations

import shutil
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.voice import create_speaker, voice_settings
from devices.voice.engines import Command, EspeakEngine, SapiEngine, sapi_rate
from devices.voice.speaker import Speaker

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
SHORT = "请刷卡。"
LONG = "您好，欢迎使用党员服务大厅。请将党员卡放在读卡区，或者点击屏幕上的按钮输入卡号查询。"


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() >= 16000
        return wav.getnframes() / wav.getframerate()


def spoken_file(speaker: Speaker, text: str) -> Path:
    speaker.say(text)
    assert speaker.wait_idle(20)
    said, wav = speaker.spoken[-1]
    assert said == text and wav is not None
    return wav


@needs_espeak
def test_espeak_speaks_a_chinese_prompt_into_a_wav_longer_for_a_longer_sentence(
    tmp_path: Path,
) -> None:
    speaker = create_speaker({"engine": "espeak", "wav_folder": str(tmp_path)})
    assert speaker.enabled and speaker.problem == ""
    short = wav_seconds(spoken_file(speaker, SHORT))
    long = wav_seconds(spoken_file(speaker, LONG))
    speaker.close()
    print(f"espeak-ng cmn: {SHORT} {short:.2f} s, {len(LONG)} characters {long:.2f} s")
    assert 0.4 < short < 4, short  # three syllables, not silence, not a read-out of codes
    assert long > 3 * short, (short, long)
    assert 4 < long < 30, long


@needs_espeak
def test_a_slower_rate_makes_the_same_prompt_longer(tmp_path: Path) -> None:
    fast = create_speaker({"engine": "espeak", "rate": 300, "wav_folder": str(tmp_path / "f")})
    slow = create_speaker({"engine": "espeak", "rate": 100, "wav_folder": str(tmp_path / "s")})
    assert wav_seconds(spoken_file(slow, LONG)) > 1.8 * wav_seconds(spoken_file(fast, LONG))


@dataclass(frozen=True)
class SlowEngine:
    """A real process that runs as long as a long prompt would (``sleep``); a prompt starting
    with "即将" takes a tenth of a second."""

    seconds: float
    name: str = "slow"
    program: str = "sleep"

    def command(self, text: str, wav: Path | None = None) -> Command:
        seconds = 0.1 if text.startswith("即将") else self.seconds
        return Command([self.program, str(seconds)], {})


def test_saying_never_waits_for_the_engine() -> None:
    speaker = Speaker(SlowEngine(5))
    started = time.monotonic()
    speaker.say("第一句")
    speaker.say("第二句")
    assert time.monotonic() - started < 0.5
    speaker.close()


def test_a_newer_prompt_replaces_one_not_yet_begun() -> None:
    speaker = Speaker(SlowEngine(0.6))
    speaker.say("正在说的")
    time.sleep(0.2)  # the worker has begun the first prompt
    speaker.say("被替换的")
    speaker.say("最新的")
    assert speaker.wait_idle(10)
    assert [text for text, _wav in speaker.spoken] == ["正在说的", "最新的"]
    assert list(speaker.asked) == ["正在说的", "被替换的", "最新的"]


def test_stop_and_interrupt_cut_the_prompt_being_spoken_short() -> None:
    speaker = Speaker(SlowEngine(30))
    speaker.say("很长的一句")
    time.sleep(0.2)
    started = time.monotonic()
    speaker.stop()
    assert speaker.wait_idle(5)
    assert time.monotonic() - started < 3
    assert list(speaker.spoken) == []

    speaker.say("又一句很长的")  # the same speaker goes on after a stop
    time.sleep(0.2)
    started = time.monotonic()
    speaker.say("即将返回首页", interrupt=True)
    assert speaker.wait_idle(5)
    assert time.monotonic() - started < 3
    assert list(speaker.spoken) == [("即将返回首页", None)]


def test_a_missing_engine_is_a_silent_speaker_with_a_chinese_problem() -> None:
    speaker = create_speaker({"engine": "espeak", "program": "/nonexistent/espeak-ng"})
    assert not speaker.enabled
    assert "没有安装" in speaker.problem and "espeak-ng" in speaker.problem
    speaker.say(SHORT)  # nothing happens, nothing raises
    assert speaker.wait_idle(1) and list(speaker.asked) == []


def test_an_engine_that_vanished_after_start_silences_the_speaker(tmp_path: Path) -> None:
    speaker = Speaker(EspeakEngine(program=str(tmp_path / "gone")))
    speaker.say(SHORT)
    assert speaker.wait_idle(5)
    assert not speaker.enabled and "无法运行" in speaker.problem
    speaker.say(LONG)
    speaker.close()


def test_voice_off_is_silent_and_starts_no_thread() -> None:
    speaker = create_speaker({})
    speaker.say(SHORT)
    assert not speaker.enabled and speaker.problem == "" and speaker._thread is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"engine": "festival"}, "语音引擎“festival”无效"),
        ({"engine": "espeak", "rate": 20}, "rate 应为 80 到 400"),
        ({"engine": "espeak", "volume": "loud"}, "volume 应为 0 到 200"),
        ({"engine": "espeak", "speed": 1}, "未知的配置项：speed"),
    ],
)
def test_bad_settings_say_what_to_fix(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        voice_settings(raw)


def test_the_sapi_command_carries_the_prompt_outside_the_script() -> None:
    command = SapiEngine(rate=150, volume=150).command("请刷卡'; Remove-Item x", Path("a.wav"))
    assert command.args[:2] == ["powershell", "-NoProfile"]
    assert "Remove-Item" not in " ".join(command.args)
    assert command.env["HALL_VOICE_TEXT"] == "请刷卡'; Remove-Item x"
    assert command.env["HALL_VOICE_VOLUME"] == "100" and command.env["HALL_VOICE_WAV"] == "a.wav"
    assert (sapi_rate(175), sapi_rate(100), sapi_rate(1000)) == (0, -5, 10)
