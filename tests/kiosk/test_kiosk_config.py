"""The kiosk's TOML configuration: defaults for a developer machine, clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import DEFAULT_CONFIG, PROJECT_DIR, ConfigError, config_path, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_file_gives_the_developer_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.backend_url == "http://127.0.0.1:5000"
    assert config.mode == "both" and config.shows_member and config.shows_board
    assert config.reader["type"] == "wedge" and config.reader["uid_format"] == "hex"
    assert config.printer == {"connection": "preview", "folder": str(PROJECT_DIR / "data/prints")}
    assert config.print_queue == PROJECT_DIR / "data" / "kiosk" / "print-queue.db"
    assert (config.idle_seconds, config.countdown_seconds) == (60, 10)


def test_values_from_the_file(tmp_path: Path) -> None:
    key_file = tmp_path / "device.key"
    key_file.write_text("secret-key\n", encoding="utf-8")
    config = load_config(
        write(
            tmp_path,
            f"""
[backend]
url = "http://10.0.0.5:8000/"
device_key_file = "{key_file}"
timeout = 1.5
[kiosk]
mode = "board"
idle_seconds = 90
countdown_seconds = 15
large_text = true
[reader]
type = "pcsc"
reader = "ACS*"
[printer]
connection = "network"
host = "10.0.0.9"
queue = "{tmp_path / "q.db"}"
""",
        )
    )
    assert config.backend_url == "http://10.0.0.5:8000"
    assert config.device_key == "secret-key"
    assert config.mode == "board" and not config.shows_member
    assert config.large_text and config.idle_seconds == 90
    assert config.reader == {"type": "pcsc", "reader": "ACS*"}
    assert config.printer == {"connection": "network", "host": "10.0.0.9"}
    assert config.print_queue == tmp_path / "q.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[kiosk]\nmode = "office"', "运行模式“office”无效"),
        ('[reader]\ntype = "serial"', "读卡器类型“serial”无效"),
        ("[kiosk]\nidle_seconds = 10\ncountdown_seconds = 10", "必须小于空闲秒数"),
        ('[kiosk]\nidle_seconds = "long"', "idle_seconds 必须是数字"),
        ("[screen]\nx = 1", "未知的节：screen"),
        ("[kiosk\n", "格式有误"),
    ],
)
def test_mistakes_are_named_in_chinese(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_relative_printer_paths_are_under_the_project(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, '[printer]\nconnection = "usb"\nfont = "data/fonts/Printer.otf"\n')
    )
    assert config.printer["font"] == str(PROJECT_DIR / "data" / "fonts" / "Printer.otf")


def test_the_run_script_can_point_the_kiosk_at_its_backend(tmp_path: Path) -> None:
    path = write(tmp_path, '[backend]\nurl = "http://127.0.0.1:5000"\n')
    config = load_config(path, {"HALL_BACKEND_URL": "http://127.0.0.1:5123/"})
    assert config.backend_url == "http://127.0.0.1:5123"
    assert load_config(path, {}).backend_url == "http://127.0.0.1:5000"


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "missing.toml")


def test_which_file_is_read(tmp_path: Path) -> None:
    assert config_path(None, {}) == DEFAULT_CONFIG
    assert config_path(None, {"HALL_KIOSK_CONFIG": str(tmp_path / "a.toml")}) == tmp_path / "a.toml"
    chosen = config_path(str(tmp_path / "b.toml"), {"HALL_KIOSK_CONFIG": "x.toml"})
    assert chosen == tmp_path / "b.toml"
    assert config_path("data/kiosk/other.toml", {}) == PROJECT_DIR / "data/kiosk/other.toml"


def test_lock_down_follows_full_screen_unless_set_and_the_schedule_is_checked(
    tmp_path: Path,
) -> None:
    assert not load_config(write(tmp_path, "")).locked
    hall = load_config(
        write(
            tmp_path,
            '[kiosk]\nfullscreen = true\nsleep_from = "20:00"\nsleep_until = "08:00"\n'
            'screen_off_command = ["xset", "dpms", "force", "off"]\n',
        )
    )
    assert hall.locked and (hall.sleep_from, hall.sleep_until) == ("20:00", "08:00")
    assert hall.screen_off_command == ("xset", "dpms", "force", "off")
    assert not load_config(write(tmp_path, "[kiosk]\nfullscreen = true\nlocked = false\n")).locked
    for text, message in (
        ('[kiosk]\nsleep_from = "8点"\nsleep_until = "20:00"\n', "应写成 时:分"),
        ('[kiosk]\nsleep_from = "20:00"\n', "要同时填写"),
        ('[kiosk]\nscreen_off_command = "xset dpms force off"\n', "命令和参数的列表"),
    ):
        with pytest.raises(ConfigError, match=message):
            load_config(write(tmp_path, text))
