"""The 收缴使用公示 page (both databases): a use is recorded within the kept share, counts only
after another staff member records the 支委会 decision, and the page offers each quarter."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from backend.models import DisclosureDocument, DuesUse
from backend.services import disclosure_categories, hall_clock
from backend.services.actor import Actor
from backend.settings import RemittanceSettings, Settings
from tests.builders import Builders
from tests.console.conftest import page_text


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Branches keep 40 % of the dues they collect (a local rule set by the district)."""
    return Settings(
        database_url=database_url,
        secret_key="test-secret",
        card_uid_key="test-card-key",
        backup_dir=str(tmp_path / "backups"),
        remittance=RemittanceSettings(branch_bp=6000),
    )


def test_record_approve_and_publish_a_quarter(client, sign_in, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    year = hall_clock.today().year
    orgs = build.district()
    member = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    build.ledger(member, year, paid_months={7, 8, 9})  # 150.00 in the third quarter
    build.user(orgs["b1"], "zhibu1")
    build.user(orgs["b1"], "zhibu2")
    disclosure_categories.ensure_default_categories(db, Actor.system("t"))
    b1 = orgs["b1"].id
    db.commit()
    url = f"/console/finance/publication?org_id={b1}&year={year}&quarter=3"
    base = {"org_id": b1, "year": year, "quarter": 3}
    sign_in("zhibu1")
    page = page_text(client.get(url))
    assert f"幸福社区第一党支部{year}年第三季度党费收缴使用情况公示" in page
    assert "可用余额 <b>60.00</b> 元" in page
    too_much = client.post(
        url, data={**base, "action": "add_use", "used_on": f"{year}-08-01",
                   "purpose": "慰问老党员", "amount": "60.01"},
    )  # fmt: skip
    assert too_much.status_code == 400
    assert "可用余额60.00元" in page_text(too_much) and 'value="慰问老党员"' in page_text(too_much)
    added = client.post(
        url, data={**base, "action": "add_use", "used_on": f"{year}-08-01",
                   "purpose": "慰问老党员", "amount": "50.00"},
    )  # fmt: skip
    assert added.status_code == 302
    page = page_text(client.get(url))
    assert 'id="pending-uses"' in page and "经支委会决定使用0.00元" in page
    use_id = db.scalar(select(DuesUse.id))
    db.rollback()
    decision = {**base, "action": "approve_use", "use_id": use_id, "meeting_on": f"{year}-07-30",
                "meeting": "第7次支委会", "decision": "同意慰问老党员1名"}  # fmt: skip
    same = client.post(url, data=decision)
    assert same.status_code == 400 and "请由另一名工作人员记录" in page_text(same)
    sign_in("zhibu2")
    empty = client.post(url, data={**decision, "decision": ""})
    assert empty.status_code == 400
    assert '<div class="err" id="err-decision">请填写支委会决定内容（不超过500个字）</div>' in (
        page_text(empty)
    )
    assert 'value="第7次支委会"' in page_text(empty)  # what was typed is kept
    assert client.post(url, data=decision).status_code == 302
    page = page_text(client.get(url))
    assert (
        "经支委会决定使用50.00元" in page and f"{year}-07-30 第7次支委会：同意慰问老党员1名" in page
    )
    assert 'id="pending-uses"' not in page
    client.post(url, data={**base, "action": "draft"})
    doc = db.scalar(select(DisclosureDocument))
    assert doc.title == f"幸福社区第一党支部{year}年第三季度党费收缴使用情况公示"
    assert "第7次支委会" in doc.body_md
    db.rollback()
    q2 = page_text(client.get(f"/console/finance/publication?org_id={b1}&year={year}&quarter=2"))
    assert "经支委会决定使用0.00元" in q2
    db.rollback()
