"""What a day close (日结) says: the thermal-printer document for the counter and the console's
sheet (screen and xlsx). Both are made from the stored summary, so a reprint, the screen and
the spreadsheet agree with the first print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from backend.models import DayClose, PaymentMethod
from backend.services import exports
from backend.services.day_close import DaySummary, Line
from backend.services.dues_year import hall_now, to_local
from backend.services.money import format_yuan
from backend.settings import Settings
from devices.printer.document import PrintDocument

TITLE = "日结单"
PREVIEW_TITLE = "日结单（预览）"


def yuan(fen: int) -> str:
    return f"￥{format_yuan(fen)}"


def _method(method: str) -> str:
    return PaymentMethod(method).label


def _lines(doc: PrintDocument, heading: str, lines: list[Line], *, negative: bool) -> None:
    doc.rule()
    doc.text(f"{heading}（{len(lines)}笔）", bold=True)
    for line in lines:
        amount = yuan(-line.amount_fen if negative else line.amount_fen)
        doc.kv(line.slip_no, f"{amount} {_method(line.method)}")
        doc.text(f"原因：{line.reason}")
        if line.approved_by:
            doc.text(f"申请：{line.voided_by}　批准：{line.approved_by}")
        else:
            doc.text(f"作废：{line.voided_by}")


def close_document(
    settings: Settings,
    summary: DaySummary,
    *,
    closed_at: datetime | None,
    prints: int = 1,
    reprint: bool = False,
) -> PrintDocument:
    """The 日结单; ``closed_at`` None: a preview of a day not closed yet."""
    if closed_at is None:
        title = PREVIEW_TITLE
    else:
        title = TITLE + ("（补打）" if reprint else "")
    s = summary
    doc = PrintDocument(title)
    doc.text(settings.center_name, align="center", bold=True)
    if closed_at is None:
        doc.text("尚未日结，仅供核对", align="center")
    doc.kv("日结日期", f"{s.hall_day:%Y-%m-%d}")
    doc.kv("经办人", s.operator_name or s.operator)
    if reprint:
        doc.kv("补打次数", f"第{max(prints - 1, 1)}次")
    doc.rule()
    slips = f"{s.first_slip}—{s.last_slip}" if s.first_slip else "无"
    doc.kv("凭条号段", slips)
    doc.kv("开出凭条", f"{s.slip_count}张")
    doc.kv("有效缴费", f"{s.payment_count}笔")
    doc.kv("现金", yuan(s.cash_fen))
    if s.tendered_fen:
        doc.kv("现金实收", yuan(s.tendered_fen))
        doc.kv("现金找零", yuan(s.change_fen))
    doc.kv("银行转账", yuan(s.bank_fen))
    doc.kv("合计", yuan(s.cash_fen + s.bank_fen), bold=True)
    if s.voids:
        _lines(doc, f"当日作废 {yuan(s.void_fen)}", s.voids, negative=False)
    if s.corrections:
        _lines(doc, f"冲正 {yuan(s.correction_fen())}", s.corrections, negative=True)
    doc.rule()
    doc.kv("应交现金", yuan(s.net_cash_fen), bold=True)
    doc.kv("银行到账", yuan(s.net_bank_fen))
    doc.rule()
    if closed_at is not None:
        doc.kv("日结时间", f"{to_local(closed_at, settings.dues):%Y-%m-%d %H:%M}")
    if reprint or closed_at is None:
        doc.kv("打印时间", f"{hall_now(settings.dues):%Y-%m-%d %H:%M}")
    doc.blank()
    doc.text("经办人签字：", align="left")
    doc.blank()
    doc.text("复核人签字：", align="left")
    doc.cut()
    return doc


def stored_document(settings: Settings, close: DayClose, *, reprint: bool = False) -> PrintDocument:
    return close_document(
        settings,
        DaySummary.from_detail(close.detail),
        closed_at=close.closed_at,
        prints=close.prints,
        reprint=reprint,
    )


def closes_sheet(settings: Settings, closes: list[DayClose], title: str) -> exports.Sheet:
    """The console's list of closes, one row per clerk and day; money in fen."""
    columns = [
        exports.Column("日期", width=12),
        exports.Column("经办人", width=12),
        exports.Column("凭条号段", width=24),
        exports.Column("有效笔数", "int", 9),
        exports.Column("现金", "money", 12),
        exports.Column("银行转账", "money", 12),
        exports.Column("作废笔数", "int", 9),
        exports.Column("作废金额", "money", 12),
        exports.Column("冲正笔数", "int", 9),
        exports.Column("冲正金额", "money", 12),
        exports.Column("日结时间", width=18),
    ]
    rows: list[Sequence[object] | exports.Section] = []
    for c in closes:
        slips = f"{c.first_slip}—{c.last_slip}" if c.first_slip else "无"
        rows.append(
            [
                f"{c.hall_day:%Y-%m-%d}",
                c.operator,
                slips,
                c.payment_count,
                c.cash_fen,
                c.bank_fen,
                c.void_count,
                c.void_fen,
                c.correction_count,
                c.correction_fen,
                f"{to_local(c.closed_at, settings.dues):%Y-%m-%d %H:%M}",
            ]
        )
    total = [
        "合计",
        "",
        "",
        sum(c.payment_count for c in closes),
        sum(c.cash_fen for c in closes),
        sum(c.bank_fen for c in closes),
        sum(c.void_count for c in closes),
        sum(c.void_fen for c in closes),
        sum(c.correction_count for c in closes),
        sum(c.correction_fen for c in closes),
        "",
    ]
    return exports.Sheet(title=title, columns=columns, rows=rows, total=total, landscape=True)
