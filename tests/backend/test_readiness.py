"""``/api/v1/health`` is the deployment's readiness probe (docs/deploy.md): 503 with a Chinese
message when this server cannot reach its database, not a 500 "internal error"."""

from __future__ import annotations

from pathlib import Path

from backend import create_app
from backend.settings import Settings
from tests.kiosk.server import free_port


def test_health_says_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    nobody_listens = free_port()  # a real driver's real refusal: no server on this port
    app = create_app(
        Settings(
            database_url=f"postgresql+psycopg://postgres@127.0.0.1:{nobody_listens}/hall",
            secret_key="test-secret",
            card_uid_key="test-card-key",
            instance_dir=str(tmp_path),
        )
    )
    try:
        answer = app.test_client().get("/api/v1/health")
    finally:
        app.extensions["hall"].engine.dispose()
    assert answer.status_code == 503
    assert answer.json["code"] == "database_unavailable"
    assert "数据库暂时无法连接" in answer.json["message"]
