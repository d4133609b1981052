"""A kiosk-like process that runs a print queue, for restart tests (run as a script).

    python tests/devices/queue_process.py QUEUE_FILE PORT [--submit ID] [--crash before|after]

It prints one JSON line per job change and runs until killed. ``--crash before`` dies the
moment a job is marked printing (nothing sent), ``--crash after`` right after the bytes were
handed to the printer but before the job is marked done: the two sides of the crash window.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devices.printer import Printer, PrintQueue, create_printer  # noqa: E402
from devices.printer.queue import Job  # noqa: E402
from tests.devices.samples import dues_receipt  # noqa: E402


def _crashing(printer: Printer, when: str) -> None:
    original = printer.print_document

    def print_document(doc, *, job_id=None, before_send=None):  # type: ignore[no-untyped-def]
        if when == "before":
            os._exit(3)
        original(doc, job_id=job_id, before_send=before_send)
        os._exit(3)

    printer.print_document = print_document  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queue_file")
    parser.add_argument("port", type=int)
    parser.add_argument("--submit")
    parser.add_argument("--crash", choices=["before", "after"])
    args = parser.parse_args()
    printer = create_printer(
        {"connection": "network", "host": "127.0.0.1", "port": args.port, "profile": "80mm"}
    )
    if args.crash:
        _crashing(printer, args.crash)

    def report(job: Job) -> None:
        print(json.dumps({"id": job.id, "state": job.state.value}), flush=True)

    queue = PrintQueue(args.queue_file, printer, job_listener=report, poll_interval=0.05)
    if args.submit:
        queue.submit(dues_receipt(), job_id=args.submit)
    queue.start()
    print(json.dumps({"started": True}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
