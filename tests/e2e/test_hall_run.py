"""``./hall run`` as a newcomer meets it, on a temporary copy of the repository (no display):
it starts quietly, lists the demo cards and accounts on every run, stops everything it started
on Ctrl+C (SIGINT) or kill (SIGTERM) and when the kiosk dies, so the next run starts again; and
it refuses, in Chinese, a port another program already holds.

``HALL_SKIP_SETUP=1`` skips installing Debian and Python packages (this machine is set up; the
copy links to the shared virtualenv); everything after that is the real script.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("hall", "backend", "devices", "kiosk", "pyproject.toml")
DEMO_UIDS = ("43FB29E9", "7CB97777", "990A3DB2")


@pytest.fixture
def hall_copy(tmp_path: Path) -> Path:
    root = tmp_path / "hall-copy"
    root.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=skip)
        else:
            shutil.copy2(source, root / name)
    for req in REPO.glob("requirements*.txt"):
        shutil.copy2(req, root / req.name)
    (root / "data").mkdir()
    shutil.copytree(REPO / "data" / "demo", root / "data" / "demo")
    (root / ".venv").symlink_to((REPO / ".venv").resolve())
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(port: int, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DATABASE_URL") and not k.startswith("HALL_")
    }
    return env | {"HALL_SKIP_SETUP": "1", "HALL_PORT": str(port), "HALL_DEMO_MEMBERS": "40"} | extra


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _processes_under(root: Path) -> list[str]:
    """Command lines of running processes started from the copy (the backend, the kiosk)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if str(root) in cmdline or cwd.startswith(str(root)):
            found.append(f"{proc.name}: {cmdline}")
    return found


class Run:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.out = root.parent / f"run-{time.monotonic_ns()}.log"
        with self.out.open("wb") as log:
            # Its own session, like a terminal: a signal sent to it reaches the script alone.
            self.proc = subprocess.Popen(
                ["./hall", "run"],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def wait_until_serving(self, port: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not _answers(port):
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.2)

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=30)


@pytest.fixture
def runs(hall_copy: Path) -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for run in started:  # a failed test leaves nothing behind either
        if run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGKILL)
            run.proc.wait()
    for line in _processes_under(hall_copy):
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def test_ctrl_c_and_kill_stop_the_backend_and_the_next_run_starts(hall_copy, runs) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    first = Run(hall_copy, _env(port))
    runs.append(first)
    first.wait_until_serving(port)
    out = first.text()
    assert "Traceback" not in out and "Address already in use" not in out
    assert "首次运行：建立数据库并生成演示区" in out
    assert all(uid in out for uid in DEMO_UIDS) and "演示账户（密码均为 Demo2026）" in out
    assert f"启动后台：http://127.0.0.1:{port}/console/" in out
    assert first.stop(signal.SIGINT) == 130
    assert _port_free(port) and _processes_under(hall_copy) == []

    second = Run(hall_copy, _env(port))
    runs.append(second)
    second.wait_until_serving(port)
    out = second.text()
    assert "首次" not in out and "不再生成演示数据" in out
    assert all(uid in out for uid in DEMO_UIDS)  # the demo cards are listed on every run
    assert second.stop(signal.SIGTERM) == 143
    assert _port_free(port) and _processes_under(hall_copy) == []
    assert "Traceback" not in second.text()


def test_a_port_held_by_another_program_is_refused_in_chinese(hall_copy, runs) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        refused = Run(hall_copy, _env(port))
        runs.append(refused)
        assert refused.proc.wait(timeout=60) == 1
    out = refused.text()
    assert f"端口 {port} 已被其他程序占用" in out and "HALL_PORT=5001 ./hall run" in out
    assert "启动后台" not in out and _processes_under(hall_copy) == []


def test_a_kiosk_that_dies_takes_the_backend_with_it(hall_copy, runs) -> None:  # type: ignore[no-untyped-def]
    """With a display the kiosk starts after the backend; here its configuration is broken, so
    it exits at once with an error — and the backend must not stay behind listening."""
    (hall_copy / "data" / "kiosk").mkdir(parents=True)
    (hall_copy / "data" / "kiosk" / "kiosk.toml").write_text('mode = "nonsense"\n')
    port = _free_port()
    run = Run(hall_copy, _env(port, DISPLAY=":97"))
    runs.append(run)
    status = run.proc.wait(timeout=120)
    out = run.text()
    assert "配置有误" in out and "启动后台" in out, out
    assert status == 2 and "查询机异常退出（退出码 2），后台已一并停止" in out, out
    assert _port_free(port) and _processes_under(hall_copy) == []
