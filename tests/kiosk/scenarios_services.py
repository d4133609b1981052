"""The member's 办事服务 hub (issue 15, item 4): reached from the member screen after a tap,
one big button per service entry, back to the member screen, and forgotten with the member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.screens.services import SERVICE_ENTRIES
from tests.kiosk.harness import (
    all_widget_text,
    find_button,
    frames,
    press,
    screen_text,
    small_touch_targets,
    touch,
    wait_for,
    wait_for_text,
    walk,
)
from tests.kiosk.layout import overlapping_texts, spilling_texts
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member
from tests.kiosk.scenarios_board import titles


def hub_labels(stage: Stage) -> list[str]:
    """The labels of the hub's buttons, in the order the member sees them."""
    grid = stage.app.sm.get_screen("services").ids.grid
    tiles = sorted(grid.children, key=lambda tile: (-tile.y, tile.x))
    return [tile.label for tile in tiles]


async def services_hub(stage: Stage) -> None:
    """GIVEN a member on their screen WHEN they press 办事服务 THEN the hub greets them by their
    masked name and offers every service entry as a big button; 返回 leads back to their
    screen; WHEN the card leaves on the hub THEN the kiosk goes home and forgets them."""
    await stage.on_screen("home")
    stage.app.controller.go("services")  # no member: the hub is not for anyone else
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    await press("办事服务")
    await stage.on_screen("services")
    await frames(3)
    hub = stage.app.sm.get_screen("services")
    assert hub.greeting.startswith(member["name_masked"]), hub.greeting
    expected = [e.label for e in SERVICE_ENTRIES if stage.app.sm.has_screen(e.screen)]
    assert expected and hub_labels(stage) == expected
    for label in expected:
        find_button(label, hub)
    hints = {w.text for w in walk(hub) if getattr(w, "text", "")}
    assert {e.hint for e in SERVICE_ENTRIES if e.label in expected} <= hints
    assert small_touch_targets() == []
    assert not overlapping_texts(hub), overlapping_texts(hub)
    stage.shot("services-hub")
    first = next(e for e in SERVICE_ENTRIES if e.label == expected[0])
    await press(first.label)
    await stage.on_screen(first.screen)
    stage.app.controller.go("services")
    await stage.on_screen("services")
    await press("返回")
    await stage.on_screen("member")
    await press("办事服务")
    await stage.on_screen("services")
    stage.reader.remove()
    await stage.on_screen("home")
    assert hub.greeting == ""
    assert_member_gone(stage, member)


async def open_record(stage: Stage) -> str:
    await press("办事服务")
    await stage.on_screen("services")
    await press("我的信息")
    await stage.on_screen("record")
    await wait_for_text("所在组织近期活动")
    await wait_for_text("支部书记：")
    await frames(3)
    return screen_text()


async def my_record(stage: Stage) -> None:
    """GIVEN a member of 第一党支部 WHEN they open 我的信息 THEN they read their masked record,
    their branch's secretary (masked) and phone (a mobile, masked) and the branch's latest
    board item, which opens; WHEN the next member taps THEN only the next member's record and
    branch show; WHEN the card leaves THEN nothing of either remains."""
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    content = stage.world["content"]
    text = await open_record(stage)
    assert member["name_masked"] in text and member["name"] not in text
    assert "身份证号：110" in text and "*******" in text and member["id_last6"] not in text
    assert f"所在组织：{member['org_name']}" in text
    assert "正式党员" in text and "党龄：" in text
    assert "支部书记：李*记" in text and "联系电话：138****0001" in text
    assert content["member_title"] in text and content["other_unit_title"] not in text
    assert small_touch_targets() == []
    stage.shot("services-record")
    await press("返回")
    await stage.on_screen("services")
    await press("退出")
    await stage.on_screen("home")
    await press("大字模式")  # the same record in large text: every text apart, none spilling
    await show_member(stage, "regular")
    await open_record(stage)
    screen = stage.app.sm.get_screen("record")
    assert not overlapping_texts(screen), overlapping_texts(screen)
    assert not spilling_texts(screen, screen), spilling_texts(screen, screen)
    assert small_touch_targets() == []
    stage.shot("services-record-large")
    await press("查看")
    await stage.on_screen("document")
    await wait_for_text(content["member_title"])
    other = stage.member("final")  # 机关党支部, secretary 赵书记
    stage.tap(other["uid"])
    await stage.on_screen("member")
    await wait_for_text(other["name_masked"])
    text = await open_record(stage)
    assert other["name_masked"] in text and member["name_masked"] not in text
    assert "支部书记：赵*记" in text and content["other_unit_title"] in text
    assert content["member_title"] not in text
    stage.reader.remove()
    await stage.on_screen("home")
    record = stage.app.sm.get_screen("record")
    assert record.ids.activities.children == []
    everything = all_widget_text(stage.app.root)
    for secret in ("赵*记", content["other_unit_title"], other["name_masked"]):
        assert secret not in everything, secret
    assert_member_gone(stage, other)


async def printed_paper(stage: Stage, before: set[Path]) -> tuple[str, str]:
    """The next job's printed text (padding gone) and its QR code, read back from ESC/POS."""
    from tests.devices.escpos_decoder import decode, lines, native_qrs

    folder = stage.work / "prints"
    new = await wait_for(lambda: set(folder.glob("*.bin")) - before, "a printed .bin", 10)
    items = decode(next(iter(new)).read_bytes())
    qrs = [q.data.decode() for q in native_qrs(items)]
    assert len(qrs) == 1, qrs
    return "".join(line.replace(" ", "") for line in lines(items)), qrs[0]


def full_text(stage: Stage, url: str) -> str:
    """The page the QR code opens, fetched from the real backend (its path, our host)."""
    import requests

    answer = requests.get(stage.backend_url + urlsplit(url).path, timeout=10)
    assert answer.status_code == 200, answer.status_code
    return answer.text


async def print_document(stage: Stage) -> None:
    """GIVEN an item published to society on the board WHEN 打印 is pressed THEN a summary
    prints (title, organization, first lines) whose QR code opens the full text; GIVEN a
    member's Party-only item WHEN the member prints it THEN the QR page keeps the text back."""
    content = stage.world["content"]
    folder = stage.work / "prints"
    await stage.on_screen("home")
    await press("党务公开")
    await stage.on_screen("disclosure")
    board = stage.app.sm.get_screen("disclosure")
    await wait_for(lambda: board.ids.category_list.children, "categories")
    button = next(b for b in board.ids.category_list.children if content["category"] in b.text)
    await touch(button)
    await wait_for(lambda: titles(stage) == [content["public_title"]], "one item in category")
    await frames(3)
    await touch(next(w for w in board.ids.documents.children[0].children if w.doc_id))
    await stage.on_screen("document")
    await wait_for_text("全体党员参加了主题党日活动。")
    before = set(folder.glob("*.bin"))
    await press("打印")
    await wait_for_text("正在打印")
    stage.shot("document-print")
    text, url = await printed_paper(stage, before)
    assert content["public_title"] in text and "第一街道党工委" in text
    assert "全体党员参加了主题党日活动。" in text and "扫码阅读全文" in text
    page = full_text(stage, url)
    assert content["public_title"] in page and "感谢大家的参与。" in page
    await press("好的")
    await press("返回首页")
    await stage.on_screen("home")

    await show_member(stage, "regular")
    await open_record(stage)
    await press("查看")
    await stage.on_screen("document")
    await wait_for_text("本支部党费收缴使用情况如下。")
    before = set(folder.glob("*.bin"))
    await press("打印")
    await wait_for_text("正在打印")
    text, url = await printed_paper(stage, before)
    assert content["member_title"] in text and "公开范围党内公开" in text
    page = full_text(stage, url)
    assert content["member_title"] in page and "仅向党员公开" in page
    assert "本支部党费收缴使用情况如下。" not in page


async def satisfaction_vote(stage: Stage) -> None:
    """GIVEN an open assessment round and a member on the hub WHEN they open 满意度测评 THEN the
    round and their own branch are asked about; WHEN they choose 满意 THEN the vote is taken and
    the choices go away; WHEN they come back THEN they are told they have voted already; WHEN
    the card leaves THEN the screen forgets them."""
    ballot = stage.world["appraisal"]
    member = await show_member(stage, "reminder")
    await press("办事服务")
    await stage.on_screen("services")
    await press("满意度测评")
    await stage.on_screen("vote")
    await wait_for_text(f"您对{member['org_name']}的工作是否满意")
    assert ballot["title"] in screen_text()
    assert small_touch_targets() == []
    stage.shot("vote")
    await press("满意")
    await wait_for_text("投票成功，感谢您的参与")
    screen = stage.app.sm.get_screen("vote")
    assert not screen.can_vote
    await press("返回")
    await stage.on_screen("services")
    await press("满意度测评")
    await stage.on_screen("vote")
    await wait_for_text("您已参加本次测评")
    stage.reader.remove()
    await stage.on_screen("home")
    assert screen.question == "" and screen.status == ""
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "services_hub": services_hub,
    "my_record": my_record,
    "print_document": print_document,
    "satisfaction_vote": satisfaction_vote,
}
