"""Transfer queries, counts and exports (查询、统计、打印) and the archival 组织关系介绍信 of a
within-district transfer: the counts match the transfers made, the xlsx read back with openpyxl
says the same, the PDF list is a PDF, and the archive letter decodes from its ESC/POS bytes
marked 存档 and, from the second print, 补打 (docs/transfers-and-letters.md)."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from backend.models import AuditEntry, Transfer
from backend.services import transfer_out, transfer_within
from devices.printer import PrintDocument, PrinterProfile, render_escpos
from tests.backend.test_transfers_api import login
from tests.builders import SYSTEM
from tests.console.conftest import LiveHall, browser_sign_in, page_text, shot
from tests.devices.escpos_decoder import decode, lines
from tests.receiving import receiving_district


def _more_transfers(build, world) -> None:  # type: ignore[no-untyped-def]
    """Besides the world's two arrivals in b1: b2 → b3 (within), and one of b2 out."""
    settings, today, orgs = build.settings, world.today, world.orgs
    mover = build.member(orgs["b2"], name="孙八")
    transfer_within.transfer_within(
        build.session, SYSTEM, settings, mover.id, orgs["b3"].id, on=today, today=today
    )
    leaver = build.member(orgs["b2"], name="李九")
    build.ledger(leaver, today.year, paid_months=set(range(1, 13)))
    transfer_out.transfer_out(
        build.session,
        SYSTEM,
        settings,
        leaver.id,
        transfer_out.OutRequest(to_name="外省某区委组织部"),
        today=today,
    )


def _counts_table(html: str) -> dict[str, list[str]]:
    import re

    body = html[html.index('id="counts-table"') :]
    body = body[: body.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>|<tr class=\"total\">(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", "".join(row), re.S)
        ]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_counts_per_organization_and_kind_match_the_transfers_made(
    client, sign_in, db, build
) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    _more_transfers(build, world)
    c1 = world.orgs["c1"].id
    db.commit()
    sign_in("admin")
    html = page_text(client.get("/console/transfers"))
    rows = _counts_table(html)
    # columns: 区内转入, 区内转出, 区外转入, 转出区外, 合计
    assert rows["第一街道党工委"] == ["1", "1", "1", "1", "4"]
    assert rows["第二街道党工委"] == ["1", "1", "0", "0", "2"]
    assert rows["合计"] == ["2", "2", "1", "1", "6"]
    assert "区内转接2人，转出区外1人，区外转入1人" in html
    # a 党委's subtree, one kind, a period that excludes today
    html = page_text(client.get(f"/console/transfers?org_id={c1}&kind=within"))
    assert _counts_table(html)["幸福社区党总支"] == ["1", "1", "0", "0", "2"]
    yesterday = (world.today - timedelta(days=1)).isoformat()
    html = page_text(client.get(f"/console/transfers?end={yesterday}"))
    assert _counts_table(html)["合计"] == ["0", "0", "0", "0", "0"]
    bad = client.get("/console/transfers?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in page_text(bad)


def test_the_branch_sees_only_its_own_transfers(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    _more_transfers(build, world)
    db.commit()
    sign_in("b1staff")
    html = page_text(client.get("/console/transfers"))
    assert _counts_table(html)["合计"] == ["1", "0", "1", "0", "2"]
    assert "孙八" not in html and "李九" not in html
    assert client.get(f"/console/transfers?org_id={world.orgs['b2'].id}").status_code == 404


def test_the_list_downloads_as_xlsx_and_pdf_and_is_audited(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    _more_transfers(build, world)
    db.commit()
    sign_in("admin")
    response = client.get("/console/transfers?format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    values = [r for r in ws.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "转接日期")
    data = [r for r in values[values.index(header) + 1 :] if r and r[3]]
    by_name = {r[3]: r for r in data}
    assert set(by_name) == {"赵六", "钱七", "孙八", "李九"}
    assert by_name["钱七"][1] == "区内转接" and by_name["钱七"][2] == "区内"
    assert by_name["李九"][1] == "转出区外" and by_name["李九"][9] == "外省某区委组织部"
    assert by_name["赵六"][8] == "外省某市某党委"
    texts = [c for r in values for c in r if isinstance(c, str)]
    assert any(
        t.startswith("统计：区内转入2，区内转出2，区外转入1，转出区外1，合计6") for t in texts
    )
    pdf = client.get("/console/transfers?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    db.expire_all()
    exports = db.scalars(select(AuditEntry).where(AuditEntry.action == "transfer.export")).all()
    assert [e.after["format"] for e in exports] == ["xlsx", "pdf"]


def _paper(document: dict) -> list[str]:
    data = render_escpos(PrintDocument.from_dict(document), PrinterProfile())
    return lines(decode(data))


def test_the_archive_letter_prints_from_the_transfer_record_and_counts_reprints(
    client, db, build
) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    moved_id, incoming_id = world.moved.id, world.incoming.id
    db.commit()
    headers = login(client, "counter")
    r = client.post(f"/api/v1/transfers/{moved_id}/archive-letter", headers=headers)
    assert r.status_code == 200, r.json
    paper = _paper(r.json["document"])
    text = "".join(line.strip() for line in paper)
    assert text.startswith("中国共产党党员组织关系介绍信（存档）")
    assert "补打" not in text
    assert (
        "幸福社区党总支：钱七同志，从第二街道党工委机关党支部到第一街道党工委幸福社区第一党支部，请接转组织关系。"
        in text
    )
    assert "示范区党员服务中心" in text
    again = client.post(f"/api/v1/transfers/{moved_id}/archive-letter", headers=headers)
    assert again.json["prints"] == 2
    assert "补打，第2次" in "".join(_paper(again.json["document"]))
    refused = client.post(f"/api/v1/transfers/{incoming_id}/archive-letter", headers=headers)
    assert refused.status_code == 400 and refused.json["message"] == "只有区内转接可打印存档介绍信"
    auditor_refused = client.post(
        f"/api/v1/transfers/{moved_id}/archive-letter", headers=login(client, "c2staff")
    )
    assert auditor_refused.status_code == 200  # c2's branch b3 sent the member: in scope
    db.expire_all()
    assert db.get(Transfer, moved_id).archive_prints == 3
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "transfer.archive_print")
    ).all()
    assert len(actions) == 3


def test_query_export_and_archive_print_in_the_browser(live_hall: LiveHall, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(live_hall.build)
    _more_transfers(live_hall.build, world)
    moved_id = world.moved.id
    live_hall.commit()
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=接转查询统计")
    page.select_option("#f-kind", "within")
    page.click("#register-filters button[type=submit]")
    assert page.locator("#transfers-table tbody tr").count() == 2
    assert "区内转接2人" in page.inner_text("#by-kind")
    shot(page, "transfers-01-register")
    with page.expect_download() as info:
        page.click("#dl-xlsx")
    target = tmp_path / "transfers.xlsx"
    info.value.save_as(target)
    names = {r[3] for r in load_workbook(target).active.iter_rows(values_only=True) if r and r[3]}
    assert {"钱七", "孙八"} <= names and "李九" not in names
    with page.expect_download() as info:
        page.click(f"#t{moved_id} form.archive button")
    assert info.value.suggested_filename == "组织关系介绍信存档-钱七.pdf"
    pdf = tmp_path / "letter.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
