"""Logging for ``flask --app backend serve``: access and error lines on standard error, with no
personal data (docs/security.md).

The access lines come from ``backend.http_security``. An error line shows where the failure
happened (the traceback's frames) and the exception's *type* only: the message of a database
error repeats the statement's parameters — a name, an ID number — so it is left out.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class NoDataFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        kind, _exc, tb = ei
        if kind is None:
            return ""
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__}"


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """Send the backend's and waitress's log lines to standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(NoDataFormatter(_FORMAT))
    for name in ("backend", "waitress"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
        logger.propagate = False
    # waitress warns "Task queue depth is N" for each request queued while its threads are busy:
    # under a sign-in flood a line per bogus request (2,500 in 30 s), written by the one thread
    # that reads every connection, kiosk taps included. The access lines' times show a busy hall.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return handler
