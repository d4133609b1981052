"""The district segment of organization codes is fixed by a setting ("01" by default,
docs/founding-spec.md).

Validation (``orgs.check_code``) and creation (``orgs.create_org``, the console's 新建组织 and
调整) use ``Settings.district_code``; docs/architecture.md (Codes).
"""

from __future__ import annotations

import pytest

from backend.errors import Invalid
from backend.models import OrgType, Role
from backend.services import orgs
from backend.settings import Settings
from tests.builders import PASSWORD, SYSTEM, Builders


def test_the_setting_defaults_to_the_seeds_01_and_reads_the_environment() -> None:
    assert Settings().district_code == "01"
    assert Settings.from_env({"HALL_DISTRICT_CODE": "07"}).district_code == "07"


def test_a_district_code_outside_the_setting_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as exc:
        orgs.create_org(db, SYSTEM, code="02000000", name="别区", type="district", parent=None)
    assert exc.value.code == "org_code_district"
    assert exc.value.message == "组织编码02000000的区级编码段应为01（本区统一为“01”）"
    district = orgs.create_org(
        db, SYSTEM, code="01000000", name="示范区委", type="district", parent=None
    )
    assert district.code == "01000000"


def test_another_districts_setting_is_obeyed(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid):
        orgs.check_code("01000000", OrgType.DISTRICT, None, district_code="07")
    district = orgs.create_org(
        db,
        SYSTEM,
        code="07000000",
        name="另一区委",
        type="district",
        parent=None,
        district_code="07",
    )
    committee = orgs.create_org(
        db,
        SYSTEM,
        code="07010000",
        name="第一党委",
        type="committee",
        parent=district,
        district_code="07",
    )
    assert committee.path.startswith(district.path)


def test_the_console_names_the_district_segment(app, client, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    tree = build.district()
    build.user(tree["district"], "quwei", Role.ADMIN)
    db.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    login = client.post("/console/login", data={"username": "quwei", "password": PASSWORD})
    assert login.status_code == 302
    bad = client.post(
        f"/console/orgs/{tree['district'].id}/new",
        data={"type": "committee", "code": "02090000", "name": "外区党委"},
    )
    assert bad.status_code == 400
    assert "组织编码02090000的区级编码段应为01（本区统一为“01”）" in bad.get_data(as_text=True)
