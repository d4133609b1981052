"""补打 on every paper: a reprinted 接转证明单, notice, 介绍信 (each of its three parts), 党员证明信
and 流动党员活动证 says it is a reprint, with its count and time, decoded back from the printer's
bytes; the register counts the first print; a letter that no longer stands is not reprinted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.models import Role, Transfer, TransferNotice
from backend.services.dues_year import hall_today
from tests.backend.test_transfers_api import login
from tests.builders import Builders
from tests.devices.escpos_decoder import decode, lines


def printed(document: dict[str, Any]) -> list[str]:
    from devices.printer import PrintDocument, PrinterProfile, render_escpos

    data = render_escpos(PrintDocument.from_dict(document), PrinterProfile())
    return [line.strip() for line in lines(decode(data))]


def marks(paper: list[str]) -> list[str]:
    """The reprint counts printed on a paper, in order (one per part of a letter)."""
    return [line.split()[1] for line in paper if line.startswith("补打次数")]


def reprinted_at(paper: list[str]) -> list[str]:
    return [line.split(maxsplit=1)[1] for line in paper if line.startswith("补打时间")]


def registered(db, transfer_id: int) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """Print counts in the registers: the transfer's, and its notices'."""
    db.expire_all()
    transfer = db.get(Transfer, transfer_id)
    counts = transfer.prints, [db.get(TransferNotice, transfer.notice_id).prints]
    db.rollback()
    return counts


def test_a_transfers_papers_reprinted_say_so(client, build: Builders, db, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "center", Role.COUNTER)
    member = build.member(orgs["b1"], name="张小明")
    db.commit()
    headers = login(client, "center")
    made = client.post(
        "/api/v1/transfers/within",
        json={"member_id": member.id, "to_org_id": orgs["b2"].id},
        headers=headers,
    ).json
    transfer_id = made["transfer"]["id"]
    assert registered(db, transfer_id) == (1, [1])  # the first print is counted
    first = {d["kind"]: printed(d["document"]) for d in made["documents"]}
    assert not any("补打" in line for paper in first.values() for line in paper)
    url = f"/api/v1/transfers/{made['transfer']['id']}/reprint"
    client.post(url, headers=headers)
    again = client.post(url, headers=headers)
    assert again.status_code == 200, again.json
    now = f"{hall_today(settings.dues):%Y-%m-%d}"
    for doc in again.json["documents"]:
        paper = printed(doc["document"])
        assert "（补打）" in "".join(paper[:2]), paper[:3]
        assert marks(paper) == ["第2次"], doc["kind"]
        assert reprinted_at(paper)[0].startswith(now)
    assert {d["kind"] for d in again.json["documents"]} == {"slip", "notice"}
    assert registered(db, transfer_id) == (3, [3])


def test_letters_reprinted_are_marked_in_every_part_and_dead_letters_are_not(  # type: ignore[no-untyped-def]
    client, build: Builders, db, settings
) -> None:
    orgs = build.district()
    build.user(orgs["c1"], "c1staff")
    today = hall_today(settings.dues)
    leaving = build.member(orgs["b1"], name="老周")
    build.ledger(leaving, today.year, paid_months=set(range(1, 13)))
    away = build.member(orgs["b1"], name="李四")
    db.commit()
    headers = login(client, "c1staff")
    out = client.post(
        "/api/v1/transfers/out",
        json={"member_id": leaving.id, "to_name": "外地党委"},
        headers=headers,
    )
    assert out.status_code == 201, out.json
    letter_id = out.json["transfer"]["letter_id"]
    assert client.get(f"/api/v1/letters/{letter_id}", headers=headers).json["prints"] == 1
    r = client.post(f"/api/v1/letters/{letter_id}/reprint", headers=headers)
    assert r.status_code == 200 and r.json["prints"] == 2
    paper = printed(r.json["document"])
    # 存根, 介绍信 and 回执联 are torn apart: each part carries the mark
    assert marks(paper) == ["第1次"] * 3
    assert len(reprinted_at(paper)) == 3
    certificate = client.post(
        f"/api/v1/members/{away.id}/certificate",
        json={
            "host_name": "某社区党委",
            "start": today.isoformat(),
            "end": (today + timedelta(days=90)).isoformat(),
            "purpose": "务工",
        },
        headers=headers,
    ).json
    card = client.post(
        f"/api/v1/members/{away.id}/floating-card",
        json={"host_name": "深圳某流动党委", "destination": "广东深圳"},
        headers=headers,
    ).json
    for issued, title in ((certificate, "党员证明信"), (card, "流动党员活动证")):
        assert issued["prints"] == 1 and "补打" not in str(issued["document"])
        again = client.post(f"/api/v1/letters/{issued['id']}/reprint", headers=headers).json
        assert again["document"]["title"] == f"{title}（补打）"
        assert marks(printed(again["document"])) == ["第1次"]
    # A revoked letter is never printed again — neither alone nor with its transfer's papers.
    client.post(f"/api/v1/letters/{letter_id}/revoke", json={"reason": "遗失"}, headers=headers)
    for url in (
        f"/api/v1/letters/{letter_id}/reprint",
        f"/api/v1/transfers/{out.json['transfer']['id']}/reprint",
    ):
        refused = client.post(url, headers=headers)
        assert refused.status_code == 409, url
        assert refused.json["message"].endswith("已作废，不能补打")
