"""Lower the CPU priority of the calling thread (Linux: each thread has its own nice value).

Slow background work — password checks, long exports — runs in its own threads niced this
way, so that on a busy machine the kernel gives the cores to kiosk taps first
(docs/transactions.md). Elsewhere it does nothing.
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
