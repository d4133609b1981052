"""Lower the CPU priority of the calling thread (Linux: each thread has its own nice value).

For slow work that lets go of the interpreter lock while it runs — the scrypt password check —
in a thread of its own: on a busy machine the kernel then gives the cores to kiosk taps first
(docs/transactions.md). Not for Python-heavy work such as an export: a low-priority thread that
holds the interpreter lock when the kernel puts it aside would make every other thread wait
(priority inversion). Elsewhere than Linux it does nothing.
"""

from __future__ import annotations

import os
import threading

BACKGROUND_NICE = 10


def lower_this_thread(step: int = BACKGROUND_NICE) -> None:
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + step)
    except (AttributeError, OSError):
        pass
