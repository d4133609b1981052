"""The board keeps itself current: items published or withdrawn while a board-only kiosk runs
show up (newest first) without a restart; an unchanged board costs only 304 answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.kiosk.harness import frames, press, wait_for
from tests.kiosk.scenarios import Stage


def titles(stage: Stage) -> list[str]:
    return [row["title"] for row in stage.app.sm.get_screen("disclosure").ids.documents.data]


class Newsroom:
    """Desk staff publishing on the same database the backend serves (its own services)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)

    def draft(self, title: str) -> int:
        from backend.models import Organization
        from backend.services import disclosure
        from backend.services.disclosure_categories import ensure_default_categories
        from tests.builders import SYSTEM

        with Session(self.engine) as session:
            district = session.scalars(select(Organization).order_by(Organization.path)).first()
            category = next(
                c for c in ensure_default_categories(session, SYSTEM) if c.name == "政策文件"
            )
            document = disclosure.create_document(
                session, SYSTEM, org=district, category=category, title=title, body_md="正文。"
            )
            session.commit()
            return document.id

    def _change(self, document_id: int, step: str) -> None:
        from backend.models import DisclosureDocument
        from backend.services import disclosure_workflow as workflow
        from tests.builders import SYSTEM

        with Session(self.engine) as session:
            document = session.get(DisclosureDocument, document_id)
            assert document is not None
            if step == "publish":
                workflow.submit_review(session, SYSTEM, document)
                workflow.approve(session, SYSTEM, document, reviewer="保密审查员")
                workflow.publish(session, SYSTEM, document)
            elif document.status.value == "published":
                workflow.withdraw(session, SYSTEM, document, "测试结束撤下")
            session.commit()

    def publish(self, document_id: int) -> None:
        self._change(document_id, "publish")

    def withdraw(self, document_id: int) -> None:
        self._change(document_id, "withdraw")


async def board_refresh(stage: Stage) -> None:
    """GIVEN a board-only kiosk showing the list WHEN an item is published THEN it appears at
    the top within the refresh interval; a second item published later (though drafted first)
    goes above it; WHEN both are withdrawn THEN opening the board again no longer shows them."""
    newsroom = Newsroom(stage.world["database_url"])
    first_drafted = newsroom.draft("新发布：先起草后发布的通知")
    second_drafted = newsroom.draft("新发布：后起草先发布的通知")
    for document_id in (first_drafted, second_drafted):
        stage.cleanups.append(lambda d=document_id: newsroom.withdraw(d))
    stage.cleanups.append(newsroom.engine.dispose)
    statuses: list[int] = []
    hooks: Any = stage.app.client._http.hooks["response"]
    hooks.append(lambda response, *_a, **_k: statuses.append(response.status_code))

    await stage.on_screen("home")
    board = stage.app.sm.get_screen("disclosure")
    board.refresh_seconds = 1
    await press("党务公开")
    await stage.on_screen("disclosure")
    public_title = stage.world["content"]["public_title"]
    await wait_for(lambda: titles(stage)[:1] == [public_title], "the newest item first")
    shown = board.ids.documents.data
    await wait_for(lambda: statuses.count(304) >= 2, "unchanged refreshes answered with 304")
    assert board.ids.documents.data is shown, "an unchanged board must not be redrawn"

    newsroom.publish(second_drafted)
    await wait_for(
        lambda: titles(stage)[:2] == ["新发布：后起草先发布的通知", public_title],
        "the new item on top without leaving the board",
        timeout=8,
    )
    newsroom.publish(first_drafted)
    await wait_for(
        lambda: titles(stage)[:2] == ["新发布：先起草后发布的通知", "新发布：后起草先发布的通知"],
        "the latest published on top",
        timeout=8,
    )
    stage.shot("board-refreshed")

    await press("返回首页")
    await stage.on_screen("home")
    board.refresh_seconds = 600  # only opening the board may refresh it now
    newsroom.withdraw(first_drafted)
    newsroom.withdraw(second_drafted)
    await press("党务公开")
    await stage.on_screen("disclosure")
    await wait_for(lambda: titles(stage)[:1] == [public_title], "the withdrawn items gone")
    await frames(3)
    assert not any(t.startswith("新发布") for t in titles(stage))


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "board_refresh": board_refresh,
}
