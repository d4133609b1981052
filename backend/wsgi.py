"""The app for a WSGI server that imports it by name — gunicorn's ``backend.wsgi:app``
(deploy/gunicorn.conf.py, docs/deploy.md). Each worker process imports this module and builds
its own app from the environment (``DATABASE_URL``, ``HALL_*``), as every command does."""

from __future__ import annotations

from backend.app import create_app
from backend.logging_setup import configure_logging

configure_logging()
app = create_app()
