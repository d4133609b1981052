"""The real backend (``flask … run``) under a clock the simulated year moves — tests only.

    python tests/simyear/clock_backend.py CLOCK_FILE --app backend run --port …

``CLOCK_FILE`` holds an ISO moment with its offset. The process starts at that moment and its
clock runs on at real speed (time-machine patches ``time.time`` and ``datetime.now`` for the
whole process, every thread included); a thread watches the file and, when the simulation
writes a later moment there, jumps the clock to it and writes the moment to ``CLOCK_FILE.ack``
so the simulation knows the backend is there. Monotonic clocks are not patched, so timeouts
and sleeps keep real time.

Nothing in ``backend/`` knows about this: the fake clock exists only in this script, which
lives in ``tests/`` and is started only by the simulated year (docs/testing.md).
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import time_machine

REPO = Path(__file__).resolve().parents[2]


def ack_path(clock_file: Path) -> Path:
    return clock_file.with_name(clock_file.name + ".ack")


def _follow(clock_file: Path, traveller: time_machine.Traveller, seen: str) -> None:
    while True:
        time.sleep(0.02)  # not patched: real time
        try:
            text = clock_file.read_text().strip()
        except OSError:
            continue
        if text and text != seen:
            traveller.move_to(datetime.fromisoformat(text))
            seen = text
            ack_path(clock_file).write_text(text)


def main() -> None:
    clock_file = Path(sys.argv[1])
    text = clock_file.read_text().strip()
    traveller = time_machine.travel(datetime.fromisoformat(text), tick=True).start()
    ack_path(clock_file).write_text(text)
    threading.Thread(
        target=_follow, args=(clock_file, traveller, text), name="sim-clock", daemon=True
    ).start()
    sys.path.insert(0, str(REPO))
    from flask.cli import main as flask_main

    sys.argv = ["flask", *sys.argv[2:]]
    flask_main()


if __name__ == "__main__":
    main()
