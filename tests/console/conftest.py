"""Console fixtures: a signed-in test client (both databases) and, for the browser tests, the
app in a real HTTP server on 127.0.0.1 over a temporary SQLite database, driven by Chromium."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from werkzeug.serving import make_server

from backend import create_app
from backend.models import Base
from backend.settings import Settings
from tests.builders import PASSWORD, Builders

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def sign_in(app: Flask, client: FlaskClient) -> Callable[[str], FlaskClient]:
    """Sign a user in through the login form. CSRF is switched off for these client tests
    (``test_console_auth`` checks it separately, and the browser tests use real tokens)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def _sign_in(username: str, password: str = PASSWORD) -> FlaskClient:
        response = client.post("/console/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _sign_in


def page_text(response: Any) -> str:
    return response.get_data(as_text=True)


@dataclass
class LiveHall:
    """A running console: its base URL, its settings and a session to check the data with."""

    url: str
    app: Flask
    settings: Settings
    build: Builders

    def commit(self) -> None:
        self.build.session.commit()


@pytest.fixture
def live_hall(tmp_path: Path) -> Iterator[LiveHall]:
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    settings = Settings(
        database_url=url,
        secret_key="browser-test-secret",
        card_uid_key="browser-test-card-key",
        backup_dir=str(tmp_path / "backups"),
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    session = app.extensions["hall"].session_factory()
    try:
        yield LiveHall(
            f"http://127.0.0.1:{server.server_port}", app, settings, Builders(session, settings)
        )
    finally:
        session.close()
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["hall"].engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"浏览器测试需要 {CHROMIUM}（Debian 软件包 chromium），请先运行 ./hall test 安装"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def browser_sign_in(page: Any, hall: LiveHall, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{hall.url}/console/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("button[type=submit]")
