"""A member's own cases at the kiosk (docs/cases.md): a hardship application made by choices
only after a card tap, its 受理回执 printed, the reply shown on the next tap, and nothing of it
left when the card leaves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.kiosk.harness import press, small_touch_targets, texts, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member

REPLY = "社区已登记，下周上门走访"


def answer_in_the_back_office(database_url: str, number: str) -> None:
    """What staff do in the console (tested there): route the case to the branch and reply.
    Done here straight through the services, on the kiosk backend's own database."""
    from backend.models import Case
    from backend.services import cases_flow
    from backend.services.actor import Actor

    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            case = next(c for c in session.scalars(select(Case)) if c.number == number)
            staff = Actor.system("test-staff")
            cases_flow.route(session, staff, case.id, org_id=case.org_id)
            cases_flow.reply(session, staff, case.id, text=REPLY)
            session.commit()
    finally:
        engine.dispose()


async def open_cases(stage: Stage) -> None:
    await press("办事服务")
    await stage.on_screen("services")
    await press("诉求与申请")
    await stage.on_screen("cases")


async def hardship_by_choices(stage: Stage) -> None:
    """GIVEN a member on the 诉求与申请 screen WHEN they choose 困难救助 and a reason THEN the case
    is accepted with a number and its receipt printed; WHEN staff answer and the member taps
    again THEN the reply shows; WHEN the card leaves THEN none of it remains."""
    member = await show_member(stage, "reminder")
    await open_cases(stage)
    await wait_for_text("您还没有提交过诉求或申请")
    await press("困难救助")
    await wait_for_text("困难救助：请选择事由")
    assert small_touch_targets() == []
    await press("因病致困")
    await wait_for_text("已受理，受理编号")
    message = next(t for t in texts() if "受理编号" in t)
    number = message.split("受理编号")[1][:11]
    assert number.startswith("SL"), message
    stage.app.dialogs.close_all()
    await wait_for_text(f"{number}  困难救助·因病致困  【已受理】")
    folder = stage.work / "prints"
    await wait_for(lambda: sorted(folder.glob("*.bin")), "a printed 受理回执", timeout=10)
    stage.shot("cases-accepted")
    stage.reader.remove()
    await stage.on_screen("home")

    answer_in_the_back_office(stage.world["database_url"], number)
    await show_member(stage, "reminder")
    await open_cases(stage)
    await wait_for_text(f"答复：{REPLY}")
    stage.shot("cases-replied")
    screen = stage.app.sm.get_screen("cases")
    stage.reader.remove()
    await stage.on_screen("home")
    assert screen.cases_text == "" and REPLY not in screen.ids.cases_list.text
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "cases_hardship": hardship_by_choices,
}
