"""Floating members at the counter end to end: a 党员证明信 for more than six months is refused
in the backend's words, one for three months is issued and printed (name, number, where to);
a 流动党员活动证 is issued and printed (number, host organization), reviewed for next year and
ended — and the register and the member's flag say the same afterwards.

The scenario runs against a district and backend of its own, so the letters it issues do not
show up in the shared counter backend's register that the transfer scenarios reprint from.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import Member
from backend.services.floating import card_valid_until
from tests.e2e.checks import Staff, assert_holds
from tests.e2e.conftest import CounterBackend, Player
from tests.e2e.scenarios_floating import FLOATING_HOST, HOST, PLACE, months_later
from tests.e2e.world import build_world

SCENARIOS = "tests.e2e.scenarios_floating"


@pytest.fixture(scope="module")
def floating_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("floating-world")
    return folder / "world.json", build_world(folder)


@pytest.fixture(scope="module")
def floating_backend(floating_world: tuple[Path, dict[str, Any]]) -> Iterator[CounterBackend]:
    path, world = floating_world
    server = CounterBackend(world["database_url"], log=path.parent / "backend.log")
    server.start()
    yield server
    server.stop()


def cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_certificate_and_floating_card_issued_printed_reviewed_and_ended(
    floating_world: tuple[Path, dict[str, Any]],
    floating_backend: CounterBackend,
    tmp_path: Path,
) -> None:
    path, world = floating_world
    result = Player(path, floating_backend, tmp_path).run("floating_member", scenarios=SCENARIOS)
    facts = result["facts"]
    member = world["members"]["pay"]
    today = date.fromisoformat(world["today"])
    staff = Staff(floating_backend.url, "counter", world["password"])

    assert (
        "外出超过六个月，应转接组织关系（开具组织关系介绍信）或办理流动党员活动证"
        in (facts["refusal"])
    )

    letters = staff.get("/letters").json()["items"]
    [certificate] = [x for x in letters if x["kind"] == "certificate"]
    [card] = [x for x in letters if x["kind"] == "floating"]
    assert certificate["member_id"] == card["member_id"] == member["id"]
    assert f"已开具党员证明信，编号{certificate['number']}" in facts["certificate_done"]
    end = months_later(today, 3)
    assert_holds(
        facts["certificate"],
        "党员证明信",
        f"编号 No. {certificate['number']}",
        f"{HOST}：",
        f"兹证明{member['name']}同志",
        f"该同志因务工，自{cn_day(today)}至{cn_day(end)}在你处，请准予参加组织生活。",
        f"有效期至 {cn_day(end)}",
    )
    assert certificate["valid_until"] == end.isoformat()

    assert f"已开具流动党员活动证，编号{card['number']}" in facts["floating_done"]
    assert_holds(
        facts["card"],
        "流动党员活动证",
        f"证号 {card['number']}",
        f"姓名 {member['name']}",
        f"流入地党组织 {FLOATING_HOST}",
        f"外出地点 {PLACE}",
        f"年度审验 {today.year}年度已审验",
        f"有效期至 {cn_day(card_valid_until(today))}",
    )
    assert (
        f"现有流动党员活动证：证号{card['number']}　流入地党组织：{FLOATING_HOST}"
        in (facts["card_shown"])
    )
    # reviewed for next year on the day of issue: still a year from issue (never shortened)
    assert f"有效期至{card_valid_until(today).isoformat()}" in facts["reviewed"]
    assert "该党员已结束流动" in facts["ended"]

    assert card["status"] == "revoked" and card["revoke_reason"] == "已返回居住地"
    assert card["reviewed_year"] == today.year + 1
    engine = create_engine(world["database_url"])
    with Session(engine) as session:
        floating = session.scalar(select(Member.floating).where(Member.id == member["id"]))
    engine.dispose()
    assert floating is False, "ending the card clears the member's floating flag"
    shots = [Path(p).name for p in facts["screenshots"]]
    assert "counter-floating-refused.png" in shots and "counter-floating.png" in shots
