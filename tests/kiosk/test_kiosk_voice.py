"""Voice prompts at the kiosk (docs/kiosk.md, 语音提示): what is said, when, and never who.

The scenarios run the real app offscreen against the real backend with the real speaker;
espeak-ng writes what it says to WAV files, read back here with ``wave``. The prompt texts are
also checked on their own: espeak-ng must read every one as Mandarin, and the tap's result
holds nothing that identifies the member.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any

import pytest

from devices.voice.engines import EspeakEngine
from kiosk import pushed_config, voice_text
from kiosk.config import ConfigError, KioskConfig, load_config
from tests.kiosk import fleet_db

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
SUMMARY = {
    "name_masked": "张*明",
    "id_masked": "110***********1234",
    "phone_masked": "139****5678",
    "org_name": "第一党支部",
    "monthly_dues": "76.50",
    "arrears": "229.50",
    "months_owed": 3,
    "current_due": "76.50",
}


def _voice_on(folder: Path, program: str = "") -> str:
    return (
        "[kiosk]\nidle_seconds = 8\ncountdown_seconds = 4\n"
        f'[voice]\nengine = "espeak"\nwav_folder = "{folder}"\nprogram = "{program}"\n'
    )


def _wav_seconds(path: str) -> float:
    with wave.open(path, "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_the_result_says_how_many_months_and_nothing_that_identifies_anyone() -> None:
    said = voice_text.summary_sentence(SUMMARY)
    assert said.startswith("查询成功。") and "您有3个月党费未缴" in said
    for secret in ("张", "110", "1234", "139", "5678", "第一党支部", "76", "229", "元"):
        assert secret not in said, secret
    clear = voice_text.summary_sentence({**SUMMARY, "months_owed": 0, "arrears": "0.00"})
    assert "您没有欠缴的党费" in clear and "未缴" not in clear
    unassessed = voice_text.summary_sentence({**SUMMARY, "monthly_dues": None})
    assert "尚未核定" in unassessed


@needs_espeak
def test_espeak_reads_every_prompt_as_mandarin_not_as_english_letters() -> None:
    prompts = [
        voice_text.greeting(True),
        voice_text.greeting(False),
        voice_text.IDLE_WARNING,
        voice_text.summary_sentence(SUMMARY),
        voice_text.summary_sentence({**SUMMARY, "months_owed": 12, "monthly_dues": None}),
        *voice_text.WAITING_FOR_CARD.values(),
    ]
    for prompt in prompts:
        args = EspeakEngine().command(prompt).args
        phonemes = subprocess.run(
            [*args[:-1], "-q", "-x", args[-1]], capture_output=True, text=True, check=True
        ).stdout
        assert phonemes.strip() and "(en)" not in phonemes, (prompt, phonemes)


def test_voice_settings_in_kiosk_toml(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[voice]\nengine = "espeak"\nrate = 130\nwav_folder = "w"\n', "utf-8")
    voice = load_config(path).voice
    assert (voice["engine"], voice["rate"], voice["volume"]) == ("espeak", 130, 100)
    assert Path(voice["wav_folder"]).is_absolute()
    assert KioskConfig().voice["engine"] == "none"
    path.write_text('[voice]\nengine = "festival"\n', "utf-8")
    with pytest.raises(ConfigError, match="语音引擎“festival”无效"):
        load_config(path)


def test_the_consoles_switch_turns_voice_on_and_off() -> None:
    config = KioskConfig()
    on = pushed_config.merged(config, {"version": 1, "settings": {"voice": True}})
    assert on.voice["engine"] == "espeak"
    off = pushed_config.merged(on, {"version": 2, "settings": {"voice": False}})
    assert off.voice["engine"] == "none"
    untouched = pushed_config.merged(on, {"version": 3, "settings": {"mode": "both"}})
    assert untouched.voice["engine"] == "espeak"


@needs_espeak
def test_a_visit_is_greeted_prompted_told_its_result_and_warned_out_loud(
    run_scenario: Any, tmp_path: Path
) -> None:
    result = run_scenario("voice_prompts", config_extra=_voice_on(tmp_path / "wav"))
    asked, spoken, member = (result["facts"][k] for k in ("asked", "spoken", "member"))
    assert asked[0] == voice_text.greeting(True)
    assert any(text.startswith("请刷卡，或者输入卡号") for text in asked)
    assert voice_text.IDLE_WARNING in asked
    said = "".join(asked)
    for secret in (member["name"], member["name_masked"], member["org_name"], member["card_no"]):
        assert secret not in said, secret
    assert member["arrears"] not in said and member["monthly"] not in said
    # The real engine said them: one WAV per finished prompt, longer for a longer prompt.
    seconds = {text: _wav_seconds(wav) for text, wav in spoken}
    greeting = seconds[voice_text.greeting(True)]
    assert 1.5 < greeting < 15, greeting
    assert seconds[voice_text.IDLE_WARNING] > 1.0
    summary = next(text for text in seconds if text.startswith("查询成功"))
    assert seconds[summary] > greeting


@needs_espeak
def test_leaving_and_the_idle_warning_cut_speech_short(run_scenario: Any, tmp_path: Path) -> None:
    slow = tmp_path / "slow-espeak"
    slow.write_text(
        '#!/bin/sh\ncase "$*" in *查询成功*) sleep 30 ;; esac\nexec espeak-ng "$@"\n', "utf-8"
    )
    slow.chmod(0o755)
    result = run_scenario("voice_cut_short", config_extra=_voice_on(tmp_path / "wav", str(slow)))
    spoken = [text for text, _wav in result["facts"]["spoken"]]
    assert not any(text.startswith("查询成功") for text in spoken)
    assert voice_text.IDLE_WARNING in spoken


def test_voice_off_says_nothing(run_scenario: Any) -> None:
    result = run_scenario("voice_off")
    assert result["facts"]["asked"] == [] and result["facts"]["spoken"] == []


def test_a_missing_engine_leaves_the_kiosk_working_and_says_so(
    run_scenario: Any, tmp_path: Path
) -> None:
    result = run_scenario("voice_missing", config_extra=_voice_on(tmp_path, "/nonexistent/espeak"))
    assert result["facts"]["asked"] == []
    missing = "语音提示不可用：本机没有安装 espeak-ng，请联系工作人员"
    assert any(missing in text for text in result["texts"])


@needs_espeak
def test_the_consoles_switch_reaches_the_running_kiosk(
    run_scenario: Any, kiosk_world: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _path, world = kiosk_world
    key = fleet_db.register_kiosk(world["database_url"], "voice-kiosk")
    extra = (
        f'[backend]\ndevice_key = "{key}"\n[kiosk]\nheartbeat_seconds = 5\n'
        f'[voice]\nwav_folder = "{tmp_path / "wav"}"\n'
    )
    result = run_scenario("voice_pushed", config_extra=extra, facts={"kiosk": "voice-kiosk"})
    [(text, wav)] = result["facts"]["spoken"]
    assert text == voice_text.greeting(True) and _wav_seconds(wav) > 1.5
