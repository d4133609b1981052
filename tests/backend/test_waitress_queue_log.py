"""The backend's log under a sign-in flood: waitress's "Task queue depth" warning, one line per
request queued while its threads are busy, is not written (backend/logging_setup.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from waitress.task import ThreadedTaskDispatcher

from backend.logging_setup import configure_logging

NAMES = ("backend", "waitress", "waitress.queue")


@pytest.fixture
def hall_logging() -> Iterator[None]:
    """configure_logging changes process-wide loggers: put them back afterwards."""
    saved = {
        name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers))
        for name in NAMES
    }
    propagate = {name: logging.getLogger(name).propagate for name in NAMES}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate[name]


class _Idle:
    """A task nobody runs: the dispatcher below has no threads, as when all are busy."""

    def service(self) -> None:  # pragma: no cover - never run
        raise AssertionError


def test_a_queued_request_writes_no_line(
    hall_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging()
    dispatcher = ThreadedTaskDispatcher()  # no threads started: every task waits in the queue
    for _ in range(3):
        dispatcher.add_task(_Idle())
    logging.getLogger("waitress").error("a real error")
    written = capsys.readouterr().err
    assert "Task queue depth" not in written
    assert "a real error" in written
