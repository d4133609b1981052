"""The 受理回执 (acceptance receipt) of a case and its public verification (docs/cases.md).

The receipt is a device-neutral print document (``devices.printer.document``) like the dues
slips: the counter or the kiosk hands it to its printer. Its QR code opens the shared
verification page (``/v/sl/<number>.<sig>``, ``services.verify``), which shows the case number,
its kind, a masked name, the acceptance day and the state — nothing else.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Case, CaseState
from backend.services import verify
from backend.services.masking import mask_name
from backend.settings import Settings
from devices.printer.document import PrintDocument

CASE_KIND = "sl"
RECEIPT_TITLE = "受理回执"


def case_url(settings: Settings, case: Case) -> str:
    return verify.url_for(settings, CASE_KIND, case.number)


def receipt(settings: Settings, case: Case) -> PrintDocument:
    """Center, number, kind, masked applicant, organization, topic, days, and the QR code."""
    doc = PrintDocument(RECEIPT_TITLE)
    doc.text(settings.center_name, align="center", bold=True)
    doc.text(RECEIPT_TITLE, align="center", bold=True)
    doc.rule()
    doc.kv("受理编号", case.number, bold=True)
    doc.kv("事项类型", case.case_type.label)
    doc.kv("申请人", mask_name(case.applicant_name))
    doc.kv("所在组织", case.org.name)
    doc.kv("事由", case.topic)
    if case.talk_with is not None:
        doc.kv("约谈对象", case.talk_with.label)
    doc.kv("受理方式", case.channel.label)
    doc.kv("受理日期", f"{case.accepted_on:%Y-%m-%d}")
    doc.kv("答复期限", f"{case.due_on:%Y-%m-%d}前")
    doc.rule()
    doc.text("您的申请已受理。办理进度和答复可在自助查询机刷卡查看，或凭受理编号到服务窗口查询。")
    doc.qr(case_url(settings, case))
    doc.text("扫码核验回执真伪", align="center")
    doc.cut()
    return doc


def _resolve(session: Session, settings: Settings, number: str) -> verify.Verification | None:
    match = re.fullmatch(r"SL(\d{4})(\d{5})", number)
    if match is None:
        return None
    case = session.scalar(select(Case).where(Case.year == int(match[1]), Case.seq == int(match[2])))
    if case is None:
        return None
    fields = [
        ("受理编号", case.number),
        ("事项类型", case.case_type.label),
        ("申请人", mask_name(case.applicant_name)),
        ("受理日期", f"{case.accepted_on:%Y-%m-%d}"),
        ("办理状态", case.state.label),
    ]
    note = "该回执真实有效" + ("，事项已办结" if case.state is CaseState.CLOSED else "")
    return verify.Verification(CASE_KIND, RECEIPT_TITLE, "valid", number, fields, note)


verify.register(CASE_KIND, RECEIPT_TITLE, _resolve)
