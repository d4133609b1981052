"""Long exports in the background (the import jobs' store and progress poll): start, poll the
status address, download the finished xlsx; only its owner sees the job."""

from __future__ import annotations

import io
import time

from openpyxl import load_workbook
from sqlalchemy import select

from backend.models import AuditEntry, Role

YEAR = 2025


def _district(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    zhang = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    wang = build.member(orgs["b3"], name="王五", monthly_fen=2000)
    build.ledger(zhang, YEAR, paid_months={1, 2, 3})
    build.ledger(wang, YEAR)
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["b1"], "b1clerk")
    db.commit()
    return orgs


def _finished(client, location: str) -> str:  # type: ignore[no-untyped-def]
    token = location.rstrip("/").split("/")[-1]
    for _ in range(600):
        status = client.get(f"/console/imports/{token}/status").get_json()
        if status["state"] != "exporting":
            assert status["state"] == "done", status
            return token
        time.sleep(0.05)
    raise AssertionError("the export did not finish")


def test_the_ledger_exports_in_the_background(app, build, db, sign_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app.config["IMPORT_DIR"] = str(tmp_path / "jobs")
    orgs = _district(build, db)
    client = sign_in("admin")
    started = client.post("/console/exports/ledger", data={"org_id": orgs["c1"].id, "year": YEAR})
    assert started.status_code == 302
    token = _finished(client, started.headers["Location"])
    page = client.get(f"/console/exports/{token}").get_data(as_text=True)
    assert "导出完成" in page and "下载" in page
    download = client.get(f"/console/exports/{token}/file")
    assert download.status_code == 200
    assert "2025%E5%B9%B4" in download.headers["Content-Disposition"]  # 2025年, RFC 5987
    ws = load_workbook(io.BytesIO(download.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "第一街道党工委2025年党费收缴台账"
    header = next(row for row in rows if row[0] == "卡号")
    assert header[:7] == ("卡号", "党员编号", "姓名", "性别", "月交", "全年应交", "已交")
    assert header[-2:] == ("本年欠交", "累计欠交")
    zhang = next(row for row in rows if row[2] == "张三")
    assert zhang[5] == 600 and zhang[6] == 150 and zhang[7] == 50  # amounts are numbers
    assert not any(row[2] == "王五" for row in rows)  # 王五 is under another 党工委


def test_the_member_roll_in_the_background_is_audited_and_private(
    app, build, db, sign_in, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    app.config["IMPORT_DIR"] = str(tmp_path / "jobs")
    _district(build, db)
    client = sign_in("admin")
    started = client.post("/console/exports/members", data={"q": "张"})
    token = _finished(client, started.headers["Location"])
    ws = load_workbook(io.BytesIO(client.get(f"/console/exports/{token}/file").data)).active
    names = [row[2] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert names == ["张三"]
    db.expire_all()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "member.export"))
    assert entry is not None
    db.rollback()  # end the test's own (write) transaction before signing in again
    client.post("/console/logout")
    other = sign_in("b1clerk")
    assert other.get(f"/console/exports/{token}/file").status_code == 404
