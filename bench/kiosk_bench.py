"""Kiosk benchmark: tap-to-screen latency against a 100,000-member district, cold start, memory.

    .venv/bin/python -m bench.kiosk_bench [--members 100000] [--taps 200] [--record]

1. ``bench.generate_district`` builds the district in ``bench/out/kiosk-district.db``.
2. The real backend serves it on loopback (``flask --app backend run``, threaded dev server).
3. The real kiosk app runs offscreen in a child process, configured like production except for
   the simulated reader and a printer on a device file (the ESC/POS bytes a thermal printer
   would receive). A card tap is timed from the reader event to the first frame flipped after
   the member screen was filled (``Window.on_flip``).
4. Cold start: a fresh process from ``exec`` to the first frame of the home screen, three times.
5. Resident memory (VmRSS, VmHWM) of the kiosk process after all taps, and again after a few
   members have printed a dues statement.

The figures are printed; ``--record`` also rewrites the ``## Kiosk`` section of
``bench/RESULTS.md``. Nothing passes or fails here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
RESULTS = REPO / "bench" / "RESULTS.md"
UID_KEY = "bench-card-key"
WARMUP = 10
PAUSE = 0.5  # seconds between a member leaving and the next tap
PRINTS = 5  # dues statements printed after the taps, so memory includes the printer stack
DISPLAYS = ("xvfb", "offscreen")
DISPLAY_NAMES = {"xvfb": "X window (Xvfb)", "offscreen": "offscreen (SDL, no X)"}


# -- parent: district, backend, children -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_district(members: int) -> tuple[str, str]:
    from bench.generate_district import generate

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "kiosk-district.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    started = time.perf_counter()
    info = generate(url, members=members, uid_key=UID_KEY)
    print(f"district: {members} members in {time.perf_counter() - started:.1f} s", flush=True)
    return url, info.device_key


def start_backend(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        HALL_SECRET_KEY="bench-secret",
        HALL_CARD_UID_KEY=UID_KEY,
        HALL_KIOSK_FAILED_LOOKUPS_PER_MINUTE="100000",
    )
    command = [sys.executable, "-m", "flask", "--app", "backend", "run", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--no-reload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import requests

    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=0.5).ok:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("backend did not start")


def run_child(
    mode: str, display: str, backend: str, key: str, members: int, taps: int
) -> dict[str, Any]:
    """Run the kiosk in a fresh process, offscreen (SDL + Mesa, no X) or in a real X window
    (``xvfb-run``, as on a kiosk PC's display).

    The cards to tap are chosen here and handed over in a file: the child imports nothing but
    the kiosk, so its memory is the kiosk's (``bench.generate_district`` pulls in the backend).
    """
    from bench.generate_district import uid_for

    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    out = work / "result.json"
    rng = random.Random(42)
    cards = [uid_for(rng.randint(1, members)) for _ in range(taps + WARMUP + PRINTS)]
    (work / "cards.json").write_text(json.dumps(cards), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [sys.executable, "-m", "bench.kiosk_bench", "--child", mode, "--backend", backend]
    command += ["--key", key, "--cards", str(work / "cards.json"), "--out", str(out)]
    if display == "xvfb":
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *command]
    subprocess.run(command, cwd=REPO, env=env, check=True, timeout=1800)
    return dict(json.loads(out.read_text(encoding="utf-8")))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- child: the real kiosk app ----------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    born = _process_start_seconds()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-work-"))
    os.environ.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        KIVY_USE_DEFAULTCONFIG="1",
        KIVY_HOME=str(work / "kivy"),
        KIVY_EVENTLOOP="asyncio",
    )
    import asyncio

    from kiosk.config import load_config
    from kiosk.window import configure_window

    config_file = work / "kiosk.toml"
    config_file.write_text(
        f'[backend]\nurl = "{args.backend}"\ndevice_key = "{args.key}"\n'
        '[reader]\ntype = "simulated"\n'
        f'[printer]\nconnection = "file"\npath = "{work / "printer.bin"}"\n'
        f'queue = "{work / "queue.db"}"\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    configure_window(config)
    from kiosk.app import create_app

    app = create_app(config)
    result: dict[str, Any] = {}

    async def drive() -> None:
        from kivy.core.window import Window

        runner = asyncio.ensure_future(app.async_run(async_lib="asyncio"))
        flips: list[float] = []
        Window.bind(on_flip=lambda *_a: flips.append(time.perf_counter()))
        while not (app.root is not None and app.sm.current == "home" and flips):
            await asyncio.sleep(0.001)
        result["start_seconds"] = time.time() - born
        result["start_rss_mb"] = _memory_mb()[0]
        if args.child == "tap":
            cards = json.loads(Path(args.cards).read_text(encoding="utf-8"))
            result["taps"] = await _taps(app, flips, cards[: len(cards) - PRINTS])
            result["rss_mb"], result["hwm_mb"] = _memory_mb()
            result["printed"] = await _prints(app, cards[len(cards) - PRINTS :])
        result["after_print_rss_mb"], result["hwm_mb"] = _memory_mb()
        app.stop()
        await runner

    asyncio.run(drive())
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


async def _taps(app: Any, flips: list[float], cards: list[str]) -> list[dict[str, float]]:
    import asyncio

    reader = app.reader.reader
    shown: list[float] = []
    app.controller.shown_listeners.append(lambda _name: shown.append(time.perf_counter()))
    timings = []
    for card in cards:
        uid = bytes.fromhex(card)
        before = len(shown)
        started = time.perf_counter()
        reader.tap(uid)
        while len(shown) == before:
            await asyncio.sleep(0.0005)
        filled = shown[-1]
        while not flips or flips[-1] <= filled:
            await asyncio.sleep(0.0005)
        drawn = next(t for t in flips if t > filled)
        timings.append({"to_data": filled - started, "to_screen": drawn - started})
        reader.remove()
        while app.sm.current != "home":
            await asyncio.sleep(0.001)
        await asyncio.sleep(PAUSE)  # the next person does not tap within a millisecond
    return timings[WARMUP:]


async def _prints(app: Any, cards: list[str]) -> int:
    """Tap each card, press 打印缴费明细 and wait until the printer has the statement."""
    import asyncio

    reader = app.reader.reader
    member = app.sm.get_screen("member")
    ended: dict[str, str] = {}  # job id → "done", or "failed" / "waiting_printer" (not printed)

    def job_changed(job: Any) -> None:
        if job.state.value in ("done", "failed", "waiting_printer"):
            ended[job.id] = job.state.value

    app.printing.on_job(job_changed)
    for card in cards:
        reader.tap(bytes.fromhex(card))
        while app.sm.current != "member" or member.ids.print_button.disabled:
            await asyncio.sleep(0.001)
        before = len(ended)
        member.print_statement()
        while len(ended) == before:
            await asyncio.sleep(0.005)
        reader.remove()
        while app.sm.current != "home":
            await asyncio.sleep(0.001)
    return sum(state == "done" for state in ended.values())


def _process_start_seconds() -> float:
    """Wall-clock time this process was started (from /proc), so imports are counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - (uptime - start_ticks / ticks)


def _memory_mb() -> tuple[float, float]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount, _unit = line.split()
            values[name] = int(amount) / 1024
    return values["VmRSS:"], values["VmHWM:"]


# -- report ----------------------------------------------------------------------------------


def _row(label: str, runs: dict[str, dict[str, Any]], cell: Any, target: str = "") -> str:
    return (
        f"| {label} | "
        + " | ".join(cell(runs[d]) for d in DISPLAYS if d in runs)
        + f" | {target} |"
    )


def _ms(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), percentile(values, 0.95), max(values)


def report(members: int, taps: int, runs: dict[str, dict[str, Any]]) -> str:
    """The ``## Kiosk`` section: one column per display that was measured."""
    for run in runs.values():
        run["screen"] = _ms([t["to_screen"] * 1000 for t in run["taps"]])
        run["data"] = _ms([t["to_data"] * 1000 for t in run["taps"]])
    shown = [d for d in DISPLAYS if d in runs]
    header = "| figure | " + " | ".join(DISPLAY_NAMES[d] for d in shown) + " | target |"
    lines = [
        "## Kiosk",
        "",
        f"Measured by `bench/kiosk_bench.py` on {time.strftime('%Y-%m-%d')}: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "Mesa software OpenGL (no GPU), window 1280×800. Backend: `flask run` (threaded dev "
        f"server) on loopback over SQLite holding {members:,} members "
        "(`bench/generate_district.py`, 12 ledger months each). The real kiosk app with a "
        "simulated reader and an ESC/POS printer on a device file (python-escpos `File`); "
        f"{taps} taps on random members after "
        f"{WARMUP} warm-up taps, {PAUSE} s apart, then {PRINTS} more members each print a dues "
        "statement (缴费明细). A tap is timed from the reader event to the "
        "first frame flipped after the member screen was filled.",
        "",
        header,
        "|---|" + "---|" * len(shown) + "---|",
        _row("tap → member screen drawn, p50", runs, lambda r: f"{r['screen'][0]:.0f} ms"),
        _row(
            "tap → member screen drawn, p95", runs, lambda r: f"{r['screen'][1]:.0f} ms", "≤ 150 ms"
        ),
        _row("tap → member screen drawn, max", runs, lambda r: f"{r['screen'][2]:.0f} ms"),
        _row(
            "tap → backend answered and widgets filled, p50 / p95",
            runs,
            lambda r: f"{r['data'][0]:.0f} / {r['data'][1]:.0f} ms",
        ),
        _row(
            "cold start to first home frame (median of 3)",
            runs,
            lambda r: f"{statistics.median(r['starts']):.2f} s",
            "≤ 3 s",
        ),
        _row(
            "resident memory: after start / after the taps / after printing / peak",
            runs,
            lambda r: (
                f"{r['start_rss_mb']:.0f} / {r['rss_mb']:.0f} / "
                f"{r['after_print_rss_mb']:.0f} / {r['hwm_mb']:.0f} MB"
            ),
            "≤ 200 MB",
        ),
        "",
        "Cold start counts from `exec` of a fresh Python process: imports, the CJK font search "
        "(a child process), all screens built, first frame flipped. Without a GPU, Mesa's "
        "llvmpipe rasterizes every frame on the CPU and holds about 100 MB once the window "
        "exists (its JIT-compiled shaders included); the offscreen SDL driver adds the cost of "
        "handing each frame back, which is why the offscreen column is slower than the X "
        "window one.",
        "",
        "Where the memory goes: a bare Kivy window with one label already holds about 165 MB "
        "here (libLLVM 55 MB, Mesa's buffers and heap about 65 MB, Python and SDL the rest). "
        "The kiosk's own share is the Python objects of its screens and libraries and one "
        "FreeType face per text size and weight it draws (about a dozen). The CJK font is "
        "prepared without CFF subroutines (`devices/fonts.py`), which makes each face about "
        "0.7 MB instead of 2.5 MB; the font is found once and handed to the printer, so a print "
        "does not search the font folders again. The preview printer of a developer machine "
        "draws every row as an image and maps more of the font file than a thermal printer, "
        "which gets text and draws only rows with rare characters.",
        "",
    ]
    return "\n".join(lines)


def record(section: str) -> None:
    """Replace (or append) the ``## Kiosk`` section of RESULTS.md; other sections stay."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find("## Kiosk")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="kiosk tap-to-screen, cold start and memory")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--taps", type=int, default=200)
    parser.add_argument("--record", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--child", choices=("tap", "start"), help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--cards", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    url, key = build_district(args.members)
    port = free_port()
    backend = start_backend(url, port)
    displays = [d for d in DISPLAYS if d != "xvfb" or shutil.which("xvfb-run")]
    runs: dict[str, dict[str, Any]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        for display in displays:
            starts = [
                run_child("start", display, base, key, args.members, 0)["start_seconds"]
                for _ in range(3)
            ]
            runs[display] = run_child("tap", display, base, key, args.members, args.taps)
            runs[display]["starts"] = starts
            print(f"{display}: done", flush=True)
    finally:
        backend.terminate()
        backend.wait(10)
    section = report(args.members, args.taps, runs)
    print(section)
    if args.record:
        record(section)


if __name__ == "__main__":
    main()
