"""The receiving side's inbox in the console: what the branch and the 党委 see and may do, and
the whole flow in real Chromium (accept, arrival, the 党委's assessment making the months
payable). Screenshots go to test-artifacts/console/."""

from __future__ import annotations

from sqlalchemy import select

from backend.models import DuesMonth, Transfer, TransferNotice
from tests.console.conftest import LiveHall, browser_sign_in, page_text, shot
from tests.receiving import receiving_district


def test_the_branch_inbox_lists_arrivals_and_the_notice_waiting_for_the_committee(  # type: ignore[no-untyped-def]
    client, sign_in, db, build
) -> None:
    world = receiving_district(build)
    assessment_id = world.incoming.assessment_notice_id
    db.commit()
    sign_in("b1staff")
    html = page_text(client.get("/console/transfers/inbox"))
    assert "等待党委核定（第一街道党工委）" in html
    assert html.count("登记报到</button>") == 2 and "核定党费</button>" not in html
    refused = client.post(
        f"/console/transfers/inbox/{assessment_id}/assess", data={"category": "employed"}
    )
    assert refused.status_code == 403 and "须由党委或上级党组织的工作人员办理" in page_text(refused)
    client.post("/console/logout")
    sign_in("c2staff")
    assert "没有符合条件的通知" in page_text(client.get("/console/transfers/inbox?state=all"))


def test_accept_arrival_and_assessment_in_the_browser(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(live_hall.build)
    moved_id, incoming_id = world.moved.id, world.incoming.id
    member_id, notice_id = world.incoming.member_id, world.moved.notice_id
    assessment_id = world.incoming.assessment_notice_id
    live_hall.commit()

    browser_sign_in(page, live_hall, "b1staff")
    page.wait_for_url("**/console/")
    page.click("nav >> text=转入通知")
    rows = page.locator("#inbox-table tbody tr")
    assert rows.count() == 3
    assert "等待党委核定（第一街道党工委）" in page.inner_text(f"#n{assessment_id}")
    shot(page, "inbox-01-branch")
    page.click(f"#n{notice_id} form.accept button")
    assert "已接收：钱七" in page.inner_text(".flash.success")
    page.fill(f"#t{moved_id} input[name=arrived_on]", "2999-01-01")
    page.click(f"#t{moved_id} form.arrive button")
    assert "报到日期不能晚于今天" in page.inner_text(".flash.error")
    page.fill(f"#t{moved_id} input[name=arrived_on]", world.today.isoformat())
    page.click(f"#t{moved_id} form.arrive button")
    assert f"已登记钱七于{world.today.isoformat()}报到" in page.inner_text(".flash.success")
    # accepted and arrived: done, so no longer among the open notices
    assert page.locator(f"#t{moved_id}").count() == 0
    page.select_option("#f-state", "all")
    page.click("#inbox-filters button[type=submit]")
    assert "已报到" in page.inner_text(f"#t{moved_id}")
    shot(page, "inbox-02-arrived")
    page.click("button.link >> text=退出")

    browser_sign_in(page, live_hall, "c1staff")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/transfers/inbox?state=assessment")
    assert page.locator("#inbox-table tbody tr").count() == 1
    page.select_option(f"#n{assessment_id} select[name=category]", "employed")
    page.fill(f"#n{assessment_id} input[name=base]", "3000")
    page.click(f"#n{assessment_id} form.assess button")
    assert "已核定赵六每月党费15.00元，待核定的月份已可缴纳" in page.inner_text(".flash.success")
    assert page.locator("#inbox-table tbody td.empty").count() == 1
    shot(page, "inbox-03-assessed")

    session = live_hall.build.session
    session.expire_all()
    months = session.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id)).all()
    assert months and {m.due_fen for m in months} == {1500}
    assert session.get(TransferNotice, assessment_id).handled_by == "c1staff"
    assert session.get(Transfer, moved_id).arrived_by == "b1staff"
    assert session.get(Transfer, incoming_id).arrived_on is None
    session.rollback()
