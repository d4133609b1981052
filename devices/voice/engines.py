"""The text-to-speech programs the kiosk can run, each as a plain command (no shell).

Both engines are offline: espeak-ng (Linux; its Mandarin voice) and Windows' own SAPI5
voices, reached through PowerShell's ``System.Speech``. Each prompt is one process, so a prompt
is cut short by ending its process — the reason this package runs the programs itself rather
than through pyttsx3, whose espeak driver plays its audio through a shell command that cannot
be stopped halfway (docs/kiosk.md, 语音提示).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ENGINES = ("none", "espeak", "sapi")
#: Words a minute: espeak-ng's own default is 175; slower suits the hall's older members.
DEFAULT_RATE = 150
#: Percent of the engine's normal loudness (espeak-ng goes up to 200, SAPI stops at 100).
DEFAULT_VOLUME = 100

# The prompt travels in an environment variable, never inside the script text, so nothing in
# it can be read as PowerShell.
SAPI_SCRIPT = (
    "Add-Type -AssemblyName System.Speech; "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
    "$zh = $s.GetInstalledVoices() | Where-Object { $_.VoiceInfo.Culture.Name -like 'zh-*' } "
    "| Select-Object -First 1; "
    "if ($zh) { $s.SelectVoice($zh.VoiceInfo.Name) }; "
    "$s.Rate = [int]$env:HALL_VOICE_RATE; $s.Volume = [int]$env:HALL_VOICE_VOLUME; "
    "if ($env:HALL_VOICE_WAV) { $s.SetOutputToWaveFile($env:HALL_VOICE_WAV) }; "
    "$s.Speak($env:HALL_VOICE_TEXT); $s.Dispose()"
)


@dataclass(frozen=True)
class Command:
    """One prompt as a process: its arguments and the environment variables it adds."""

    args: list[str]
    env: dict[str, str]


class Engine(Protocol):
    """Turns a prompt into the command that says it (or writes it to ``wav``)."""

    @property
    def name(self) -> str: ...

    @property
    def program(self) -> str: ...

    def command(self, text: str, wav: Path | None = None) -> Command: ...


#: espeak-ng's Mandarin voice. Its dictionary turns characters into pinyin with tone numbers;
#: the plain ``cmn`` voice (1.51) then reads that pinyin with English rules ("nin two"), while
#: this variant reads it as pinyin.
ESPEAK_VOICE = "cmn-latn-pinyin"


@dataclass(frozen=True)
class EspeakEngine:
    program: str = "espeak-ng"
    voice: str = ESPEAK_VOICE
    rate: int = DEFAULT_RATE
    volume: int = DEFAULT_VOLUME
    name: str = "espeak"

    def command(self, text: str, wav: Path | None = None) -> Command:
        args = [self.program, "-v", self.voice, "-s", str(self.rate), "-a", str(self.volume)]
        if wav is not None:
            args += ["-w", str(wav)]
        return Command([*args, text], {})


@dataclass(frozen=True)
class SapiEngine:
    program: str = "powershell"
    rate: int = DEFAULT_RATE
    volume: int = DEFAULT_VOLUME
    name: str = "sapi"

    def command(self, text: str, wav: Path | None = None) -> Command:
        env = {
            "HALL_VOICE_TEXT": text,
            "HALL_VOICE_RATE": str(sapi_rate(self.rate)),
            "HALL_VOICE_VOLUME": str(min(self.volume, 100)),
            "HALL_VOICE_WAV": str(wav) if wav is not None else "",
        }
        args = [self.program, "-NoProfile", "-NonInteractive", "-Command", SAPI_SCRIPT]
        return Command(args, env)


def sapi_rate(words_per_minute: int) -> int:
    """SAPI's rate runs from -10 to 10 with 0 about espeak-ng's 175 words a minute."""
    return max(-10, min(10, round((words_per_minute - 175) / 15)))


def default_engine() -> str:
    """The engine a console's 语音提示 switch turns on when kiosk.toml names none."""
    return "sapi" if os.name == "nt" else "espeak"


def installed(program: str) -> bool:
    """Is ``program`` (a name on PATH or a path) there to run?"""
    return shutil.which(program) is not None
