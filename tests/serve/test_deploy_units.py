"""The files in deploy/ do what docs/deploy.md says: the systemd units parse (``systemd-analyze
verify`` where the machine has it) and say what matters — the server migrates before it starts
and restarts after a failure, the kiosk starts at boot on the screen and always comes back —
and the example settings files are read by the very code that will read them."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.settings import Settings
from kiosk.config import load_config
from kiosk.lockdown import MAINTENANCE_EXIT_STATUS
from tests.kiosk.server import REPO

DEPLOY = REPO / "deploy"
INSTALLED = "/opt/hall"  # where the units expect the checkout (docs/deploy.md)
GUNICORN_SETTINGS = {"HALL_BIND", "HALL_WORKERS", "HALL_THREADS", "HALL_WORKER_TIMEOUT"}


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections → directive → values (a directive may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, line in enumerate((DEPLOY / name).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, equals, value = line.partition("=")
        assert equals and current is not None and key.strip().isidentifier(), f"{name}:{number}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def in_repo(path: str) -> Path:
    assert path.startswith(INSTALLED + "/"), path
    return REPO / path.removeprefix(INSTALLED + "/")


def test_the_server_unit_migrates_then_runs_gunicorn_with_the_repository_config() -> None:
    service = unit("hall-backend.service")["Service"]
    pre = shlex.split(service["ExecStartPre"][0])
    assert pre[1:] == ["--app", "backend", "init-db"]
    start = shlex.split(service["ExecStart"][0])
    assert start[0] == f"{INSTALLED}/.venv/bin/gunicorn"
    assert in_repo(start[start.index("-c") + 1]) == DEPLOY / "gunicorn.conf.py"
    assert service["Restart"] == ["on-failure"]
    assert service["EnvironmentFile"] == ["/etc/hall/hall.env"]
    # The one folder the backend writes (the keys, backups, import and export jobs).
    assert [in_repo(p) for p in service["ReadWritePaths"]] == [REPO / "data"]


def test_the_kiosk_unit_starts_at_boot_full_screen_and_always_comes_back() -> None:
    kiosk = unit("hall-kiosk.service")
    service = kiosk["Service"]
    start = shlex.split(service["ExecStart"][0])
    assert start[0] == "/usr/bin/cage" and "-s" not in start[: start.index("--")]
    assert start[start.index("--") + 1 :] == [f"{INSTALLED}/.venv/bin/python", "-m", "kiosk"]
    assert service["Restart"] == ["always"]
    assert service["RestartPreventExitStatus"] == [str(MAINTENANCE_EXIT_STATUS)]
    assert kiosk["Unit"]["StartLimitIntervalSec"] == ["0"]  # never gives up
    assert kiosk["Install"]["WantedBy"] == ["graphical.target"]
    assert "HALL_KIOSK_CONFIG=/etc/hall/kiosk.toml" in service["Environment"]
    config = load_config(DEPLOY / "kiosk.toml.example", env={})  # what goes to that path
    assert config.fullscreen


UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))


def test_backups_run_nightly_and_the_restore_drill_weekly() -> None:
    """docs/backup.md: the backup (which prunes) every night, the drill every Sunday after it,
    both made up after a boot that missed them, both as the hall's user with its settings."""
    for name, command, calendar in (
        ("hall-backup", "backup", "*-*-* 02:30:00"),
        ("hall-backup-drill", "backup-drill", "Sun *-*-* 04:00:00"),
    ):
        service = unit(f"{name}.service")["Service"]
        start = shlex.split(service["ExecStart"][0])
        assert in_repo(start[0]) == REPO / ".venv/bin/flask" and start[1:] == [
            "--app",
            "backend",
            command,
        ]
        assert service["Type"] == ["oneshot"] and service["User"] == ["hall"]
        assert service["EnvironmentFile"] == ["/etc/hall/hall.env"]
        timer = unit(f"{name}.timer")["Timer"]
        assert timer["OnCalendar"] == [calendar] and timer["Persistent"] == ["true"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    assert {"hall-backend.service", "hall-kiosk.service", "hall-backup.timer"} <= set(UNITS)
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED, str(REPO))
        if not Path("/usr/bin/cage").exists():
            # cage is a Debian package of the kiosk machine, not of the test machine: another
            # program stands in so that verify checks everything else about the line.
            text = text.replace("/usr/bin/cage", "/usr/bin/env")
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name in UNITS:  # a timer is checked with its service beside it
        checked = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (checked.returncode, checked.stderr) == (0, ""), name


def test_every_setting_in_the_example_env_file_is_one_the_backend_reads() -> None:
    values = {}
    for line in (DEPLOY / "hall.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    backend = {k: v for k, v in values.items() if k not in GUNICORN_SETTINGS}
    known = {"DATABASE_URL"} | {f"HALL_{name.upper()}" for name in Settings.__dataclass_fields__}
    assert set(backend) <= known
    settings = Settings.from_env({**backend, "HALL_SECRET_KEY": "k", "HALL_CARD_UID_KEY": "c"})
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.trusted_proxies == 1 and settings.secure_cookies
    gunicorn_conf = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert all(name in gunicorn_conf for name in set(values) & GUNICORN_SETTINGS)
