"""The technician's printer tool (``python -m devices.printer``): it reads the kiosk's own TOML
file, and its test page shows the hall's time, not the machine's (often UTC). The printed
bytes are decoded back; the kiosk's example configuration is complete and loads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import kiosk.config
from kiosk.config import KioskConfig, load_config
from tests.devices.escpos_decoder import decode, lines

REPO = Path(__file__).resolve().parents[2]
#: Settings that are not in the ``[kiosk]`` section (their own sections, or other names).
NOT_KIOSK_SECTION = {
    "backend_url",
    "device_key",
    "timeout",
    "reader",
    "printer",
    "print_queue",
    "voice",
}


def kiosk_toml(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[kiosk]\nmode = "counter"\n\n'
        f'[printer]\nconnection = "preview"\nfolder = "{tmp_path / "prints"}"\n'
        f'profile = "80mm"\nqueue = "{tmp_path / "queue.db"}"\n',
        encoding="utf-8",
    )
    return path


def run_tool(*args: str, zone: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("HALL_DUES_TIMEZONE", "HALL_KIOSK_CONFIG")
    }
    env["TZ"] = "UTC"  # the machine's clock, as on most servers and containers
    if zone:
        env["HALL_DUES_TIMEZONE"] = zone
    command = [sys.executable, "-m", "devices.printer", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)


def printed_time(folder: Path, zone: str) -> tuple[datetime, list[str]]:
    """The time printed on the test page, read as a time of ``zone``."""
    [job] = sorted(folder.glob("test-page*.bin"))
    text = lines(decode(job.read_bytes()))
    stamp = next(m for line in text if (m := re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)))
    printed = datetime.strptime(stamp.group(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(zone))
    return printed, text


def test_the_tool_prints_on_the_kiosk_printer_in_hall_time(tmp_path: Path) -> None:
    config = kiosk_toml(tmp_path)
    done = run_tool("--test-page", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "测试页已发送" in done.stdout
    printed, text = printed_time(tmp_path / "prints", "Asia/Shanghai")
    hall = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert abs(printed - hall) < timedelta(minutes=2), f"printed {printed}, hall time {hall}"
    assert any("80mm" in line for line in text), "the paper width comes from the kiosk's file"


def test_the_configured_zone_wins(tmp_path: Path) -> None:
    config = kiosk_toml(tmp_path)
    done = run_tool("--test-page", "--config", str(config), zone="Asia/Urumqi")
    assert done.returncode == 0, done.stderr
    printed, _text = printed_time(tmp_path / "prints", "Asia/Urumqi")
    there = datetime.now(ZoneInfo("Asia/Urumqi"))
    assert abs(printed - there) < timedelta(minutes=2)


def test_a_missing_or_broken_file_is_said_in_chinese(tmp_path: Path) -> None:
    done = run_tool("--test-page", "--config", str(tmp_path / "nowhere.toml"))
    assert done.returncode == 1 and "找不到配置文件" in done.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[printer\n", encoding="utf-8")
    done = run_tool("--status", "--config", str(broken))
    assert done.returncode == 1 and "格式有误" in done.stderr


def test_kiosk_and_tool_read_the_same_printer(tmp_path: Path) -> None:
    from devices.printer.settings_file import read_printer_section

    config = kiosk_toml(tmp_path)
    assert read_printer_section(config) == load_config(config).printer
    assert load_config(config).printer["profile"] == "80mm"


def test_the_example_configuration_is_complete_and_loads(tmp_path: Path) -> None:
    doc = kiosk.config.__doc__ or ""
    example = doc.split("::", 1)[1]
    body = "\n".join(line[4:] for line in example.splitlines())
    raw = tomllib.loads(body)
    settable = {f.name for f in fields(KioskConfig)} - NOT_KIOSK_SECTION
    assert settable <= set(raw["kiosk"]), f"missing: {sorted(settable - set(raw['kiosk']))}"
    assert {"url", "timeout"} <= set(raw["backend"])
    assert {"connection", "profile", "folder", "queue", "font"} <= set(raw["printer"])
    assert {"engine", "rate", "volume"} <= set(raw["voice"])
    path = tmp_path / "example.toml"
    path.write_text(body, encoding="utf-8")
    loaded, defaults = load_config(path, env={}), KioskConfig()
    for name in settable:
        assert getattr(loaded, name) == getattr(defaults, name), f"{name}: not the default"
