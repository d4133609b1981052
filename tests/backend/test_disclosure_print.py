"""A board item printed at the kiosk (issue 15, item 4): a page-sized summary decoded back from
the printer's ESC/POS bytes — title, organization, date, the first lines — whose QR code, read
back, opens the full text; member-only items print only for a member and their QR page keeps
the text back; a withdrawn item's page says so; a tampered link is refused."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from backend.services import disclosure_workflow
from backend.services.dues_year import hall_today
from devices.printer import PrintDocument, PrinterProfile, render_escpos
from tests.backend.test_disclosure_helpers import categories, published
from tests.builders import SYSTEM
from tests.devices.escpos_decoder import decode, lines, native_qrs

OPENING = "区委召开全体党员大会，部署年底各项工作。"
LATER = "会议要求各支部在月底前报送材料，此句不在纸上。"
BODY = f"# 会议概况\n\n{OPENING}\n\n" + "各支部认真学习文件精神。" * 30 + f"\n\n{LATER}"


def paper(document: dict[str, Any]) -> tuple[str, list[str]]:
    """The printed text (lines joined, padding gone) and the QR codes' contents."""
    items = decode(render_escpos(PrintDocument.from_dict(document), PrinterProfile()))
    text = "".join(line.replace(" ", "") for line in lines(items))
    return text, [q.data.decode() for q in native_qrs(items)]


def page(client, url: str):  # type: ignore[no-untyped-def]
    return client.get(urlsplit(url).path)


def _print(client, doc_id: int, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/kiosk/disclosure/{doc_id}/print", headers=headers)


def test_a_public_item_prints_its_summary_and_the_qr_opens_the_full_text(
    client, build, db, settings
) -> None:  # type: ignore[no-untyped-def]
    district = build.district()
    categories(db)
    item = published(db, district["district"], "关于召开全体党员大会的通知", body=BODY)
    key = build.device()
    db.commit()

    r = _print(client, item.id, {"X-Device-Key": key})
    assert r.status_code == 200, r.json
    text, qrs = paper(r.json["document"])

    assert "党务公开" in text and "关于召开全体党员大会的通知" in text
    assert "发布单位示范区委" in text
    assert f"发布日期{hall_today(settings.dues):%Y-%m-%d}" in text
    assert "会议概况" in text and OPENING in text
    assert LATER not in text  # only the first lines go on paper
    assert "扫码阅读全文" in text and "公开范围" not in text
    assert len(qrs) == 1
    full = page(client, qrs[0])
    assert full.status_code == 200
    html = full.get_data(as_text=True)
    assert "关于召开全体党员大会的通知" in html and OPENING in html and LATER in html

    tampered = qrs[0][:-1] + ("0" if qrs[0][-1] != "0" else "1")
    refused = page(client, tampered)
    assert refused.status_code == 404 and "链接无效" in refused.get_data(as_text=True)
    assert page(client, qrs[0].replace(f"/d/{item.id}.", f"/d/{item.id + 1}.")).status_code == 404

    disclosure_workflow.withdraw(db, SYSTEM, item, "内容有误")
    db.commit()
    gone = page(client, qrs[0]).get_data(as_text=True)
    assert "该内容已撤下或已过期" in gone and OPENING not in gone and "关于召开" not in gone
    assert _print(client, item.id, {"X-Device-Key": key}).status_code == 404


def test_a_member_only_item_prints_for_the_member_and_its_qr_keeps_the_text_back(
    client, build, db
) -> None:  # type: ignore[no-untyped-def]
    district = build.district()
    categories(db)
    item = published(db, district["b1"], "第一支部党费收缴使用情况", tier="party", body=BODY)
    member = build.member(district["b1"])
    uid, key = build.card(member), build.device()
    db.commit()

    assert _print(client, item.id, {"X-Device-Key": key}).status_code == 404  # no card: no item
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    headers = {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}
    printed = _print(client, item.id, headers)
    assert printed.status_code == 200, printed.json
    text, qrs = paper(printed.json["document"])
    assert "第一支部党费收缴使用情况" in text and OPENING in text
    assert "公开范围党内公开" in text and "请到党员服务中心刷卡" in text

    html = page(client, qrs[0]).get_data(as_text=True)
    assert "第一支部党费收缴使用情况" in html and "仅向党员公开" in html
    assert OPENING not in html and "会议概况" not in html
