"""The counter's register (issue 12, item 8): 回执登记 and the 逾期未回执 list at the window,
and the void dialog laid out inside its panel."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import requests

from tests.e2e.checks import Staff, assert_holds
from tests.e2e.conftest import Player


def test_letter_return_recorded_at_the_counter(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    player.run("letter_returns")
    letters = {x["name"]: x for x in staff.get("/letters").json()["items"]}
    overdue = letters[world["members"]["letter_overdue"]["name"]]
    assert (overdue["status"], overdue["returned_on"], overdue["return_handler"]) == (
        "received",
        world["today"],
        "王接收",
    )
    assert letters[world["members"]["letter_valid"]["name"]]["status"] == "valid"


def test_void_dialog_fits_its_panel(player: Player) -> None:
    player.run("void_dialog_fits")


def test_the_counter_by_keyboard(player: Player) -> None:
    player.run("by_keyboard")


def cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_within_papers_are_numbered_verifiable_and_say_probation(
    player: Player, world: dict[str, Any]
) -> None:
    papers = player.run("within_probationary")["facts"]["papers"]
    member = world["members"]["probation"]
    joined = date.fromisoformat(member["joined"])
    probation = f"预备期 {cn(joined)}至{cn(joined.replace(year=joined.year + 1))}"
    slip = next(v for k, v in papers.items() if "-slip-" in k)
    notice = next(v for k, v in papers.items() if "-notice-" in k)
    assert_holds(slip["text"], "组织关系接转证明单", "党员类别 预备党员", probation)
    assert_holds(notice["text"], "党员转入通知", "党员类别 预备党员", probation)
    for paper, kind, code in ((slip, "t", "ZJ"), (notice, "n", "TZ")):
        number = re.search(rf"编号\s*(\d{{4}}-{code}\d{{6}})", paper["text"])
        assert number, paper["text"]
        [url] = paper["qr"]
        assert url.startswith(f"{player.backend.url}/v/{kind}/{number.group(1)}.")
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and "有效" in page.text and "无效" not in page.text
        assert "邓*备" in page.text and member["phone"] not in page.text
        tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
        assert "无效" in requests.get(tampered, timeout=10).text
