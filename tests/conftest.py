"""Shared fixtures: an app on SQLite and on a real PostgreSQL, sessions and record builders.

Every test that takes ``app`` or ``db`` runs twice, once per database. The schema is built once
per database from the Alembic migrations; each test then gets a fresh copy (a file copy on
SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). The templates are built from the models;
``tests/backend/test_schema.py`` proves the Alembic migrations build the same schema.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backend import create_app
from backend.models import Base
from backend.settings import Settings
from tests.builders import Builders
from tests.pg import PgCluster

_counter = itertools.count()

# The hall keeps its books on its own calendar (DuesSettings.timezone, Asia/Shanghai) and tests
# ask ``hall_clock.today()`` for "today" (ruff's DTZ rule refuses date.today()). The processes
# run in the hall's zone by default, and once more in CI with HALL_TEST_TZ=UTC (see ./hall), so
# that code reading the server's zone instead of the hall's fails there (docs/time.md).
os.environ["TZ"] = os.environ.get("HALL_TEST_TZ", "Asia/Shanghai")
time.tzset()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("db_kind") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    admin = create_engine(pg_cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE hall_template"))
    admin.dispose()
    engine = create_engine(pg_cluster.url_for("hall_template"))
    Base.metadata.create_all(engine)
    engine.dispose()
    return "hall_template"


@pytest.fixture(params=["sqlite", "postgres"])
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(db_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "hall.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"hall_test_{next(_counter)}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template_name}"))
    admin.dispose()
    return cluster.url_for(name)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret",
        card_uid_key="test-card-key",
        public_base_url="http://127.0.0.1:5000",
        backup_dir=str(tmp_path / "backups"),
    )


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["hall"].engine.dispose()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def db(app):  # type: ignore[no-untyped-def]
    session = app.extensions["hall"].session_factory()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def build(db, settings) -> Builders:  # type: ignore[no-untyped-def]
    return Builders(db, settings)
