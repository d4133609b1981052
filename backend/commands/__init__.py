"""CLI command modules; see ``backend.cli``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from backend.db import unit_of_work


@contextmanager
def cli_session() -> Iterator[Session]:
    with unit_of_work(current_app.extensions["hall"].session_factory) as session:
        yield session
