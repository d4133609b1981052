"""三会一课 in the console: branch staff plan and record a meeting (absence reasons, a photo),
the completion rates page with its export, the red-warnings section, community registration at
the desk; all through the real app (docs/meetings.md)."""

from __future__ import annotations

import io
from datetime import date, time

from openpyxl import load_workbook
from sqlalchemy import select

from backend.models import AttendanceState, MeetingAttendance, Role
from backend.services import meetings
from tests.backend.test_disclosure_helpers import PNG_1PX
from tests.builders import SYSTEM
from tests.console.conftest import page_text


def _hall(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张一")
    b = build.member(orgs["b1"], name="李二")
    build.member(orgs["b2"], name="王三")
    build.user(orgs["b1"], "zhibu", Role.ORG_STAFF)
    build.user(orgs["g1"], "zongzhi", Role.ORG_STAFF)
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    db.commit()
    return orgs, a, b


def test_branch_staff_plan_and_record_a_meeting(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, a, b = _hall(build, db)
    sign_in("zhibu")
    form = {
        "org_id": str(orgs["b1"].id),
        "kind": "committee",
        "topic": "研究三季度工作",
        "held_on": "2026-03-10",
        "start_time": "14:30",
        "place": "社区活动室",
    }
    refused = client.post("/console/meetings/new", data={**form, "org_id": str(orgs["b2"].id)})
    assert refused.status_code == 400 and "不在您的管理范围内" in page_text(refused)
    bad = client.post("/console/meetings/new", data={**form, "start_time": "两点半"})
    assert bad.status_code == 400 and "开始时间应为“14:30”的格式" in page_text(bad)
    saved = client.post("/console/meetings/new", data=form)
    assert saved.status_code == 302, page_text(saved)
    url = saved.headers["Location"]
    html = page_text(client.get(url))
    assert "应到 2 人，实到 0 人" in html and "计划，尚未记录" in html
    meeting_id = int(url.rsplit("/", 1)[1])
    missing = client.post(f"{url}/record", data={**form, "minutes": ""})
    assert missing.status_code == 400 and "请填写会议记录" in page_text(missing)
    recorded = client.post(
        f"{url}/record",
        data={
            **form,
            "minutes": "传达上级精神，研究工作。",
            "present": [str(a.id)],
            f"reason_{b.id}": "出差",
        },
    )
    assert recorded.status_code == 302, page_text(recorded)
    rows = db.scalars(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    assert {(r.member_id, r.state, r.absence_reason) for r in rows} == {
        (a.id, AttendanceState.PRESENT, None),
        (b.id, AttendanceState.ABSENT, "出差"),
    }
    db.rollback()  # end the test's read before the app writes again (SQLite)
    photo = client.post(
        f"{url}/photos",
        data={"photo": (io.BytesIO(PNG_1PX), "会场.png")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 302
    html = page_text(client.get(url))
    assert "应到 2 人，实到 1 人" in html and "已记录" in html and "会议照片1" in html
    listed = page_text(client.get("/console/meetings?kind=committee&month=2026-03"))
    assert "研究三季度工作" in listed and "幸福社区第一党支部" in listed


def test_completion_rates_page_and_export(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    """March 2026: b1 held a 支委会 and a 党小组会 (2 of 4 rules: 50.0%), b2 nothing (0.0%)."""
    orgs, a, _b = _hall(build, db)
    for kind in ("committee", "group"):
        data = meetings.MeetingInput(
            kind=kind, topic="学习", held_on=date(2026, 3, 3), start_time=time(9)
        )
        m = meetings.plan_meeting(db, SYSTEM, orgs["b1"].id, data)
        meetings.record_meeting(db, SYSTEM, m, data, minutes="记录", present=[a.id])
    db.commit()
    sign_in("zongzhi")
    html = page_text(client.get("/console/meetings/rates?month=2026-03"))
    assert "各党支部会议完成率（2026年3月）" in html
    b1_row = html[html.index(f'id="r{orgs["b1"].id}"') :]
    b1_row = b1_row[: b1_row.index("</tr>")]
    assert "50.0%" in b1_row and "党员大会" in b1_row and "党课" in b1_row
    b2_row = html[html.index(f'id="r{orgs["b2"].id}"') :]
    assert "0.0%" in b2_row[: b2_row.index("</tr>")]
    assert "机关党支部" not in html  # another 党委's branch: outside this subtree
    bad = page_text(client.get("/console/meetings/rates?month=2026-13"))
    assert "月份不正确" in bad
    x = client.get("/console/meetings/rates?month=2026-03&format=xlsx")
    rows = list(load_workbook(io.BytesIO(x.data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "党支部")
    b1 = next(r for r in rows if r and r[0] == "幸福社区第一党支部")
    assert b1[header.index("支委会")] == 1 and b1[header.index("完成率")] == 0.5
    assert b1[header.index("应达标项")] == 4 and b1[header.index("已达标项")] == 2


def test_warnings_page_lists_the_branch_behind(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    _hall(build, db)
    sign_in("zongzhi")
    html = page_text(client.get("/console/warnings"))
    section = html[html.index('id="meetings"') :]
    section = section[: section.index("</div>")]
    assert "党支部未按规定召开会议" in section and "幸福社区第二党支部" in section
    assert "支委会" in section and "从未记录" in section


def test_community_registration_at_the_desk(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, _a, _b = _hall(build, db)
    worker = build.member(orgs["b3"], name="钱在职")
    build.card(worker)
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    db.commit()
    sign_in("chuangkou")
    unknown = client.post("/console/community", data={"card_no": "99999", "org_id": orgs["b1"].id})
    assert unknown.status_code == 400 and "没有这个卡号的党员" in page_text(unknown)
    own = client.post(
        "/console/community", data={"card_no": worker.card_no, "org_id": orgs["b3"].id}
    )
    assert own.status_code == 400 and "无需报到" in page_text(own)
    done = client.post(
        "/console/community", data={"card_no": worker.card_no, "org_id": orgs["b1"].id}
    )
    assert done.status_code == 302, page_text(done)
    sign_in("zhibu")  # the community branch's own staff see who registered with them
    html = page_text(client.get("/console/community"))
    assert "钱在职" in html and "机关党支部" in html and "窗口" in html
