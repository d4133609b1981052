"""The board offline: what the kiosk showed is kept on its disk and shown again while the
backend is away, after a restart too (``kiosk/board_cache.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.kiosk.harness import all_widget_text, press, screen_text, touch, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage

NOTE = "离线显示，内容更新于 "


def titles(stage: Stage) -> list[str]:
    return [row["title"] for row in stage.app.sm.get_screen("disclosure").ids.documents.data]


def _picture_shown(stage: Stage) -> bool:
    reader = stage.app.sm.get_screen("document")
    return any(
        getattr(w, "texture", None) is not None and w.height > 0
        for w in reader.ids.blocks.children
        if type(w).__name__ == "Image"
    )


def _photo_shown(stage: Stage) -> bool:
    roll = stage.app.sm.get_screen("honors").ids.roll.data
    return any(r.get("texture") is not None for r in roll)


async def _browse(stage: Stage) -> None:
    """The board list, one category, its item with a picture, and the honor roll."""
    content, roll = stage.world["content"], stage.world["honors"]
    await stage.on_screen("home")
    await press("党务公开")
    await stage.on_screen("disclosure")
    await wait_for(lambda: len(titles(stage)) == 50, "the first page of the board")
    assert content["public_title"] in titles(stage)
    board = stage.app.sm.get_screen("disclosure")
    button = await wait_for(
        lambda: next(
            (b for b in board.ids.category_list.children if content["category"] in b.text), None
        ),
        "the category",
    )
    await touch(button)
    await wait_for(lambda: titles(stage) == [content["public_title"]], "the category's item")
    row = await wait_for(
        lambda: next((w for w in board.ids.documents.children[0].children if w.doc_id), None),
        "the item's row",
    )
    await touch(row)
    await stage.on_screen("document")
    await wait_for_text("全体党员参加了主题党日活动。")
    await wait_for(lambda: _picture_shown(stage), "the item's picture")
    stage.shot(f"board-{stage.facts_in['phase']}-document")
    await press("返回首页")
    await stage.on_screen("home")
    await press("光荣榜")
    await stage.on_screen("honors")
    await wait_for_text(roll["honored"])
    assert roll["worker"] in all_widget_text(stage.app.root)
    await wait_for(lambda: _photo_shown(stage), "the honor roll's photo")
    stage.shot(f"board-{stage.facts_in['phase']}-honors")


async def board_fill(stage: Stage) -> None:
    """Online: browsing the board fills the kiosk's cache."""
    await wait_for(lambda: stage.app.online, "online", timeout=10)
    await _browse(stage)
    assert NOTE not in screen_text()
    kept = list((stage.work / "cache" / "board").glob("*.json"))
    stage.facts["kept"] = len(kept)


async def board_offline(stage: Stage) -> None:
    """The backend is gone and the kiosk was restarted: the same board, with the note."""
    await _browse(stage)
    assert NOTE in screen_text()
    assert "网络连接中断" in screen_text()


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "board_fill": board_fill,
    "board_offline": board_offline,
}
