"""Start-up hook for the Windows-portability tests: a Linux Python without POSIX-only parts.

We cannot run Windows here. A process started with this folder first on ``PYTHONPATH`` imports
this file at start-up (Python's ``sitecustomize``) and loses what CPython on Windows does not
have: the modules below cannot be imported, and the POSIX-only functions of ``signal`` and ``os``
are gone. ``sys.platform`` stays ``"linux"``, so code that picks a path by platform still takes
its Linux path; what this proves is that no module *needs* the missing parts to import and run.
"""

from __future__ import annotations

import importlib.abc
import os
import signal
import sys

#: Standard-library modules that exist on POSIX only.
BLOCKED_MODULES = frozenset(
    {"fcntl", "termios", "tty", "pty", "resource", "grp", "pwd", "syslog", "posixshmem"}
)
BLOCKED_SIGNAL = (
    "pthread_sigmask",
    "pthread_kill",
    "sigpending",
    "sigwait",
    "sigwaitinfo",
    "sigtimedwait",
    "alarm",
    "pause",
    "setitimer",
    "getitimer",
)
BLOCKED_OS = ("fork", "forkpty", "setsid", "killpg", "getpgid", "getuid", "geteuid", "fchmod")


class _NotOnWindows(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name in BLOCKED_MODULES:
            raise ModuleNotFoundError(f"No module named {name!r} (not on Windows)", name=name)
        return None


for _name in BLOCKED_MODULES:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, _NotOnWindows())
for _name in BLOCKED_SIGNAL:
    if hasattr(signal, _name):
        delattr(signal, _name)
for _name in BLOCKED_OS:
    if hasattr(os, _name):
        delattr(os, _name)
os.environ["HALL_TEST_NO_POSIX"] = "1"
