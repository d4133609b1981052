"""The kiosk's printed 党费缴纳明细 (dues statement), with a verification QR like the slips'.

The figures are the member summary's (``kiosk_summary``), so the paper says what the screen
said and adds up the same way. The QR code is a signed link (``services.verify``, kind "ds")
whose number carries the member, the print date and the arrears printed: the public page
answers 有效 with the masked name, organization, date and that figure, so a statement cannot be
altered or made up without the page saying 无效.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from backend.models import Member
from backend.services import ledger, verify
from backend.services.dues_year import hall_now
from backend.services.kiosk_summary import member_summary
from backend.services.masking import mask_name
from backend.services.money import format_yuan
from backend.settings import Settings
from devices.printer.document import Align, PrintDocument

STATEMENT_TITLE = "党费缴纳明细"
STATEMENT_KIND = "ds"
_NUMBER = re.compile(r"(\d{1,10})-(\d{8})-(\d{1,12})")


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"￥{format_yuan(fen)}"


def statement_number(member: Member, printed_on: date, arrears_fen: int) -> str:
    return f"{member.id}-{printed_on:%Y%m%d}-{arrears_fen}"


def member_statement(
    session: Session, settings: Settings, member: Member, today: date
) -> PrintDocument:
    """This year's months with due and paid, the figures that add up, the warning, a QR."""
    s = member_summary(session, settings, member, today)
    doc = PrintDocument(STATEMENT_TITLE)
    doc.text(settings.center_name, align="center", bold=True)
    doc.kv("年度", f"{s.year}年")
    doc.kv("姓名", s.name_masked)
    doc.kv("所在组织", s.org_name)
    doc.kv("每月党费", yuan(s.monthly_dues_fen) if s.monthly_dues_fen is not None else "待核定")
    doc.rule()
    widths = [0.22, 0.24, 0.24, 0.30]
    aligns: list[Align] = ["left", "right", "right", "right"]
    doc.columns(["月份", "应交", "已交", "状态"], widths=widths, aligns=aligns, bold=True)
    for m in s.months:
        due = yuan(m.due_fen) if m.state is not ledger.MonthState.NONE else "—"
        paid = yuan(m.paid_fen) if m.paid_fen else "—"
        doc.columns([f"{m.month}月", due, paid, m.state.label], widths=widths, aligns=aligns)
    doc.rule()
    doc.kv("截至上月应交", yuan(s.due_to_date_fen))
    doc.kv("截至上月已交", yuan(s.paid_to_date_fen))
    if s.earlier_arrears_fen:
        doc.kv("往年欠交", yuan(s.earlier_arrears_fen))
    doc.kv("累计欠交", yuan(s.arrears_fen), bold=True)
    if s.current_due_fen:
        doc.kv("本月待交", yuan(s.current_due_fen))
    if s.advance_paid_fen:
        doc.kv("预交", yuan(s.advance_paid_fen))
    if s.months_owed:
        doc.kv("欠交月数", f"{s.months_owed}个月")
    if s.warning.level != "none":
        doc.rule()
        doc.text(s.warning.text, bold=s.warning.level == "final")
    doc.rule()
    doc.kv("打印时间", f"{hall_now(settings.dues):%Y-%m-%d %H:%M}")
    doc.text("本月党费在月底前缴纳即可，不计入欠交", align="center")
    number = statement_number(member, today, s.arrears_fen)
    doc.qr(verify.url_for(settings, STATEMENT_KIND, number))
    doc.text("扫码核验明细真伪；本明细仅供本人查阅", align="center")
    doc.cut()
    return doc


def _resolve_statement(
    session: Session, settings: Settings, number: str
) -> verify.Verification | None:
    match = _NUMBER.fullmatch(number)
    if match is None:
        return None
    member = session.get(Member, int(match.group(1)))
    if member is None:
        return None
    day = match.group(2)
    fields = [
        ("文件", STATEMENT_TITLE),
        ("党员", mask_name(member.name)),
        ("所在组织", member.org.name),
        ("打印日期", f"{day[:4]}-{day[4:6]}-{day[6:]}"),
        ("打印时累计欠交", yuan(int(match.group(3)))),
    ]
    note = "该明细真实有效，金额以打印日为准；最新情况请刷卡查询或到服务窗口咨询"
    return verify.Verification(STATEMENT_KIND, STATEMENT_TITLE, "valid", number, fields, note)


verify.register(STATEMENT_KIND, STATEMENT_TITLE, _resolve_statement)
