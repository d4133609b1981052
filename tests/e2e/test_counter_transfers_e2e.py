"""The counter's transfers end to end: within the district (mid-year, both branches' ledgers),
out of it (the three-part letter, its capitals and QR code), into it (card and assessment
notice), a failure in the middle, a branch user's scope, and two counters paying at once."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import requests

from tests.e2e.checks import Staff, assert_holds, capitals_year_month
from tests.e2e.conftest import Player
from tests.e2e.steps import flat


def ledger_months(staff: Staff, org_id: int, year: int, name: str) -> list[str] | None:
    """The 12 month cells of ``name``'s line in the branch's live ledger (xlsx)."""
    r = staff.get("/reports/ledger/export", year=year, org_id=org_id, format="xlsx")
    assert r.status_code == 200, r.text
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    for row in sheet.iter_rows(values_only=True):
        if row[2] == name:  # 卡号, 党员编号, 姓名, 性别, 月交, 全年应交, 已交, then the months
            return ["" if v is None else str(v) for v in row[7:19]]
    return None


def test_within_district_mid_year_with_papers_and_ledgers(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    result = player.run("within")
    member = world["members"]["within"]
    today = date.fromisoformat(world["today"])
    moved = max(1, today.month - 4)
    papers = result["facts"]["papers"]
    slip = next(v for k, v in papers.items() if "-slip-" in k)
    notice = next(v for k, v in papers.items() if "-notice-" in k)
    new_no = f"01010102{member['card_no']}"
    assert_holds(
        slip,
        "组织关系接转证明单",
        "赵建国：您的组织关系已转到幸福社区第二党支部，请持单十五天内报到。",
        "原组织 第一街道党工委幸福社区第一党支部",
        "现组织 第一街道党工委幸福社区第二党支部",
        f"原党员编号 {member['member_no']}",
        f"新党员编号 {new_no}",
        "支部书记 王书记",
        "联系电话 13800000002",
        f"转接日期 {today.year}年{moved}月1日",
        "示范区党员服务中心",
        f"{today.year}年{today.month}月{today.day}日",
    )
    assert_holds(
        notice,
        "党员转入通知",
        "幸福社区党总支：",
        "赵建国同志已转入贵单位，请联系接收。",
        "姓名 赵建国",
        f"联系电话 {member['phone']}",
        "转入支部 幸福社区第二党支部",
        f"党员编号 {new_no}",
        "人数 1人",
    )
    assert len(result["facts"]["reprints"]) == 2, "the register reprints both papers"
    b1 = ledger_months(staff, world["orgs"]["b1"]["id"], today.year, "赵建国")
    b2 = ledger_months(staff, world["orgs"]["b2"]["id"], today.year, "赵建国")
    assert b1 is not None and b2 is not None
    before, after = range(1, moved), range(moved, 13)
    assert all(b1[m - 1] not in ("—", "") for m in before), b1
    assert all(b1[m - 1] == "—" for m in after), b1
    assert all(b2[m - 1] == "—" for m in before), b2
    assert all(b2[m - 1] != "—" for m in after), b2


def test_out_of_district_letter_capitals_and_qr(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    result = player.run("out_of_district")
    letter = result["facts"]["letter"]
    member = world["members"]["out"]
    today = date.fromisoformat(world["today"])
    number = re.search(r"No\. (\S+)", letter)
    assert number, letter
    no = number.group(1)
    assert letter.count(f"No. {no}") == 3, "each of the three parts carries the number"
    assert_holds(
        letter,
        "中国共产党党员组织关系介绍信",
        "第一联 存根",
        "钱红梅同志系中共正式党员，组织关系由第一街道党工委幸福社区第一党支部"
        "转到北京市朝阳区和平街道党工委。",
        f"党费已交到 {capitals_year_month(today.year, today.month)}",
        "有效期 叁拾天",
        f"开具日期 {today.year}年{today.month}月{today.day}日",
        "（回执粘贴处）",
        "第二联 介绍信",
        "北京市朝阳区和平街道党工委：钱红梅同志，从第一街道党工委幸福社区第一党支部"
        "到北京市朝阳区和平街道党工委，请接转组织关系。",
        "钱红梅，女，41岁，汉族，系中共正式党员，身份证号码",
        f"党费已交到{capitals_year_month(today.year, today.month)}。",
        "（有效期叁拾天）",
        "第一街道党工委（盖章）",
        f"党员联系电话 {member['phone']}",
        "党委通讯地址 示范区人民路1号",
        "联系电话 010-12345678",
        "传真 010-12345679",
        "邮编 100001",
        "扫码核验介绍信真伪",
        "第三联 回执联",
        "第一街道党工委：",
        "钱红梅同志的党员组织关系已转达我处。",
        "接收党组织（盖章）",
    )
    paid_to = capitals_year_month(today.year, today.month)
    assert all(flat(part).startswith(paid_to) for part in letter.split("党费已交到")[1:])
    reprint = result["facts"]["reprint"].splitlines()
    marks = [line for line in reprint if "补打" in line]
    assert marks[0].strip() == "（补打）", "the title says it is a reprint"
    assert sum("补打次数" in m and "第1次" in m for m in marks) == 3, "each part gives the count"
    assert sum("补打时间" in m for m in marks) == 3, "and the time"
    unmarked = [line for line in reprint if "补打" not in line]
    assert unmarked == letter.splitlines(), "apart from the marks a reprint is the same paper"
    [url] = result["facts"]["qr"]
    assert url.startswith(f"{player.backend.url}/v/l/{no}.")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "有效" in page.text and "无效" not in page.text
    assert "钱*梅" in page.text and "110105198506150129" not in page.text
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    assert "无效" in requests.get(tampered, timeout=10).text
    forged = url.replace(no, no[:-1] + ("2" if no[-1] != "2" else "3"))
    assert "无效" in requests.get(forged, timeout=10).text
    gone = staff.get(f"/members/{member['id']}").json()
    assert gone["archived"] is True


def test_into_district_with_card_and_assessment_notice(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    result = player.run("into_district")
    data, today = world["into"], date.fromisoformat(world["today"])
    papers = result["facts"]["papers"]
    slip = next(v for k, v in papers.items() if "-slip-" in k)
    notice = next(v for k, v in papers.items() if "-notice-" in k)
    assessment = next(v for k, v in papers.items() if "-assessment_notice-" in k)
    member_no = re.search(r"党员编号(\d{13})", result["facts"]["done"]).group(1)  # type: ignore[union-attr]
    day = f"{today.year}年{today.month}月{today.day}日"
    assert_holds(
        slip,
        "林新来：您的组织关系已转到机关党支部，请持单十五天内报到。",
        f"原组织 {data['from_name']}",
        "现组织 第二街道党工委机关党支部",
        f"新党员编号 {member_no}",
        "支部书记 赵书记",
        "联系电话 13800000003",
    )
    assert_holds(
        notice,
        "第二街道党工委：",
        "林新来同志已转入贵单位，请联系接收。",
        f"联系电话 {data['phone']}",
    )
    year, month = data["paid_to"].split("-")
    assert_holds(
        assessment,
        "新转入党员党费核定通知单",
        "第二街道党工委：",
        f"林新来同志（正式党员）已于{day}由{data['from_name']}转入机关党支部，"
        "请核定其每月应交党费金额。",
        f"党员编号 {member_no}",
        "党费类别 在职",
        f"原单位党费交至 {year}年{int(month)}月",
        "核定每月党费 ________元",
    )
    kiosk = requests.post(
        f"{player.backend.url}/api/v1/kiosk/card-session",
        json={"uid": world["blanks"]["into"]},
        headers={"X-Device-Key": world["device_key"]},
        timeout=10,
    )
    assert kiosk.status_code == 201, kiosk.text
    assert kiosk.json()["member"]["org_name"] == "机关党支部"


def dump(database: Path) -> list[str]:
    """Every row of every table (SQL text), except the staff sign-ins and the devices' last
    heartbeat: the counter signs in and reports while the scenario runs."""
    skip = ('"staff_tokens"', '"kiosk_devices"')
    with sqlite3.connect(database) as conn:
        return [line for line in conn.iterdump() if not any(t in line for t in skip)]


def test_a_failure_in_the_middle_of_a_transfer_leaves_the_database_as_before(
    player: Player, world: dict[str, Any]
) -> None:
    database = Path(world["database_url"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as conn:
        conn.execute(
            "CREATE TRIGGER inject_failure BEFORE INSERT ON transfer_notices "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
    try:
        before = dump(database)
        player.run("transfer_fails")
        after = dump(database)
    finally:
        with sqlite3.connect(database) as conn:
            conn.execute("DROP TRIGGER inject_failure")
    assert after == before


def test_a_branch_user_cannot_transfer_another_branchs_member(
    player: Player, world: dict[str, Any]
) -> None:
    player.run("branch_scope")
    branch = Staff(player.backend.url, "branch1", world["password"])
    other = world["members"]["other_branch"]
    r = branch.post(
        "/transfers/within", {"member_id": other["id"], "to_org_id": world["orgs"]["b1"]["id"]}
    )
    assert r.status_code == 404
    assert r.json()["message"] == "未找到该党员，或不在您的管理范围内"
    out = branch.post("/transfers/out", {"member_id": other["id"], "to_name": "外区某党委"})
    assert out.status_code == 404
    mine = Staff(player.backend.url, "counter", world["password"])
    assert mine.get(f"/members/{other['id']}").json()["org_name"] == "幸福社区第二党支部"


def test_two_staff_paying_the_same_member_at_once_charge_once(
    any_player: Player, tmp_path: Path
) -> None:
    """Two counters (two app processes, two staff) confirm the same months at the same
    moment, on each database: one slip, one charge; the other counter shows why not."""
    player = any_player
    world = json.loads(player.world_path.read_text(encoding="utf-8"))
    go = tmp_path / "go"
    runs = []
    for user in ("counter", "branch1"):
        ready = tmp_path / f"ready-{user}"
        facts = {"user": user, "ready": str(ready), "go": str(go)}
        runs.append((ready, *player.start("paying_at_once", tag=f"-{user}", facts=facts)))
    deadline = time.monotonic() + 90
    while not all(ready.exists() for ready, _p, _o in runs):
        assert time.monotonic() < deadline, "the two counters did not get ready"
        assert all(p.poll() is None for _r, p, _o in runs), "a counter stopped early"
        time.sleep(0.05)
    go.write_text("go")
    results = [player.finish("paying_at_once", p, out) for _r, p, out in runs]
    pressed = [r["facts"]["pressed_at"] for r in results]
    assert abs(pressed[0] - pressed[1]) < 0.5, "both pressed 确认收款 at about the same time"
    shown = [r["facts"]["shown"] for r in results]
    assert sum("收款成功" in s for s in shown) == 1, shown
    loser = next(s for s in shown if "收款成功" not in s)
    assert "的党费已经缴纳，请勿重复缴费" in loser, loser
    assert sorted(len(r["facts"]["printed"]) for r in results) == [0, 1]
    staff = Staff(player.backend.url, "counter", world["password"])
    member = world["members"]["race"]
    payments = staff.get(f"/members/{member['id']}/payments").json()["items"]
    assert len(payments) == 1 and not payments[0]["voided"]
    ledger = staff.get(f"/members/{member['id']}/ledger").json()
    paid = [m for m in ledger["months"] if m["payment_id"] == payments[0]["id"]]
    assert len(paid) == 2 and all(m["paid"] == "76.50" for m in paid)
