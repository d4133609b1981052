"""Print documents of transfers: the 组织关系接转证明单, the notices to receiving 党委/总支, the
three-part 组织关系介绍信, the 新转入党员党费核定通知单, the 党员证明信 and the 流动党员活动证.

Every document is built only from what the register rows froze at the time (``details`` and
``payload``), so a reprint after a printer jam is the same paper as the first print. Letters
carry a QR code with a signed verification link (``verify``; kind ``l``).

See docs/transfers-and-letters.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backend.models import (
    Letter,
    LetterKind,
    NoticeKind,
    Transfer,
    TransferKind,
    TransferNotice,
)
from backend.services import verify
from backend.services.letter_verify import LETTER_KIND
from backend.services.money import format_yuan, number_in_capitals, year_month_in_capitals
from backend.services.transfer_verify import notice_number, notice_url, slip_number
from backend.services.transfer_verify import slip_url as transfer_slip_url
from backend.services.transfers import cn_date, months_span
from backend.settings import Settings
from devices.printer.document import PrintDocument

_LOWER = "零一二三四五六七八九"


def lower_number(n: int) -> str:
    """15 → "十五", 30 → "三十", 7 → "七", 105 → "一百零五" (the transfer slip's "十五天",
    docs/founding-spec.md)."""
    if n < 10:
        return _LOWER[n]
    if n < 20:
        return "十" + (_LOWER[n - 10] if n > 10 else "")
    if n < 100:
        return _LOWER[n // 10] + "十" + (_LOWER[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _LOWER[rest] if rest < 10 else _LOWER[rest // 10] + "十")
    if rest >= 10 and rest % 10:
        tail += _LOWER[rest % 10]
    return _LOWER[n // 100] + "百" + tail


def _day(value: Any) -> str:
    return cn_date(value if isinstance(value, date) else date.fromisoformat(str(value)))


def letter_url(settings: Settings, letter: Letter) -> str:
    return verify.url_for(settings, LETTER_KIND, letter.number)


# --- transfers: the member's slip and the notices -------------------------------------------


def _status_lines(doc: PrintDocument, status: str, probation: Any) -> None:
    """党员类别, and a probationary member's 预备期 (start to end)."""
    doc.kv("党员类别", f"{status}党员")
    if probation:
        start, end = (probation.get("start"), probation.get("end"))
        doc.kv("预备期", f"{_day(start)}至{_day(end)}")


def transfer_slip(settings: Settings, transfer: Transfer) -> PrintDocument:
    """组织关系接转证明单, handed to the member: numbered, with a verification QR code."""
    d = transfer.details
    days = lower_number(int(d["report_days"]))
    doc = PrintDocument("组织关系接转证明单")
    doc.kv("编号", slip_number(transfer))
    doc.text(f"{transfer.name}：您的组织关系已转到{d['to_branch']}，请持单{days}天内报到。")
    doc.blank()
    _status_lines(doc, d.get("status_label") or transfer.status, d.get("probation"))
    doc.kv("原组织", transfer.from_name)
    doc.kv("现组织", d["to_full_name"])
    if transfer.old_member_no:
        doc.kv("原党员编号", transfer.old_member_no)
    doc.kv("新党员编号", transfer.new_member_no or "")
    doc.kv("支部书记", d["secretary"])
    doc.kv("联系电话", d["secretary_phone"])
    doc.kv("转接日期", cn_date(transfer.transfer_date))
    doc.blank()
    doc.text(d["center_name"], align="right")
    doc.text(_day(d["issued_on"]), align="right")
    doc.qr(transfer_slip_url(settings, transfer))
    doc.text("扫码核验证明单真伪", align="center")
    return doc.cut()


def notice_document(settings: Settings, notice: TransferNotice) -> PrintDocument:
    if notice.kind is NoticeKind.ASSESSMENT:
        return _assessment_notice(notice)
    p = notice.payload
    doc = PrintDocument(notice.kind.label)
    doc.kv("编号", notice_number(notice))
    doc.text(f"{p['addressee']}：")
    for line in p["members"]:
        doc.text(f"{line['name']}同志已转入贵单位，请联系接收。")
        doc.kv("姓名", line["name"])
        if line.get("status"):
            _status_lines(doc, line["status"], line.get("probation"))
        doc.kv("联系电话", line["phone"] or "未登记")
        doc.kv("转入支部", line["branch"])
        doc.kv("党员编号", line["member_no"])
        doc.rule()
    doc.kv("转入日期", _day(p["date"]))
    doc.kv("人数", f"{len(p['members'])}人")
    doc.blank()
    doc.text(p["center_name"], align="right")
    doc.text(_day(p["issued_on"]), align="right")
    doc.qr(notice_url(settings, notice))
    doc.text("扫码核验通知真伪", align="center")
    return doc.cut()


def _assessment_notice(notice: TransferNotice) -> PrintDocument:
    """新转入党员党费核定通知单, to the member's 党委."""
    p = notice.payload
    line = p["members"][0]
    doc = PrintDocument(NoticeKind.ASSESSMENT.label)
    doc.text(f"{p['addressee']}：")
    doc.text(
        f"{line['name']}同志（{line['status']}党员）已于{_day(p['date'])}由{p['from_name']}"
        f"转入{line['branch']}，请核定其每月应交党费金额。"
    )
    doc.kv("姓名", line["name"])
    doc.kv("党员编号", line["member_no"])
    doc.kv("联系电话", line["phone"] or "未登记")
    doc.kv("党费类别", p["dues_category"])
    base = p.get("dues_base_fen")
    doc.kv("月计算基数", f"{format_yuan(base)}元" if base is not None else "待核实")
    paid = p.get("paid_to")
    doc.kv("原单位党费交至", f"{paid[0]}年{paid[1]}月" if paid else "未注明")
    doc.kv("核定每月党费", "________元")
    doc.kv("核定人", "__________")
    doc.kv("核定日期", "____年__月__日")
    doc.blank()
    doc.text(p["center_name"], align="right")
    doc.text(_day(p["issued_on"]), align="right")
    return doc.cut()


# --- letters -----------------------------------------------------------------------------


def _paid_to_text(payload: dict[str, Any]) -> str:
    paid = payload.get("paid_to")
    return year_month_in_capitals(paid[0], paid[1]) if paid else "无交纳记录"


def introduction_letter(settings: Settings, letter: Letter) -> PrintDocument:
    """组织关系介绍信 in its three numbered parts (存根, 介绍信, 回执联);
    docs/transfers-and-letters.md."""
    p = letter.payload
    no = f"No. {letter.number}"
    days = f"{number_in_capitals(int(p['valid_days']))}天"
    paid = _paid_to_text(p)
    probation = p.get("probation")
    doc = PrintDocument("中国共产党党员组织关系介绍信")
    doc.part_break("第一联 存根")
    doc.kv("编号", no)
    doc.text(
        f"{p['name']}同志系中共{p['status_label']}党员，组织关系由{p['from_name']}转到{p['to_name']}。"
    )
    if probation:
        doc.kv("预备期", f"{_day(probation['start'])}至{_day(probation['end'])}")
    doc.kv("党费已交到", paid)
    if p.get("shortfall_fen"):
        doc.kv(
            "欠交党费",
            f"{format_yuan(p['shortfall_fen'])}元（{months_span(p['shortfall_months'])}）",
            bold=True,
        )
    doc.kv("有效期", days)
    doc.kv("开具日期", cn_date(letter.issued_on))
    doc.text("（回执粘贴处）", align="center")
    doc.blank(3)
    doc.cut()
    doc.part_break("第二联 介绍信")
    doc.kv("编号", no)
    doc.text(
        f"{p['addressee']}：{p['name']}同志，从{p['from_name']}到{p['to_name']}，请接转组织关系。"
    )
    doc.text(
        f"{p['name']}，{p['sex']}，{p['age']}岁，{p['ethnicity']}，系中共{p['status_label']}党员，"
        f"身份证号码{p['id_number']}。"
    )
    if probation:
        doc.text(f"预备期自{_day(probation['start'])}至{_day(probation['end'])}。")
    doc.text(f"党费已交到{paid}。")
    doc.text(f"（有效期{days}）")
    doc.blank()
    doc.text(f"{p['issuer']['name']}（盖章）", align="right")
    doc.text(cn_date(letter.issued_on), align="right")
    doc.kv("党员联系电话", p["phone"] or "未登记")
    doc.kv("党委通讯地址", p["issuer"]["address"])
    doc.kv("联系电话", p["issuer"]["phone"])
    doc.kv("传真", p["issuer"]["fax"])
    doc.kv("邮编", p["issuer"]["postcode"])
    doc.qr(letter_url(settings, letter))
    doc.text("扫码核验介绍信真伪", align="center")
    doc.cut()
    doc.part_break("第三联 回执联")
    doc.kv("编号", no)
    doc.text(f"{p['issuer']['name']}：")
    doc.text(f"{p['name']}同志的党员组织关系已转达我处。")
    doc.blank()
    doc.text("接收党组织（盖章）", align="right")
    doc.text("____年__月__日", align="right")
    doc.kv("经办人", "__________")
    doc.kv("联系电话", "__________")
    doc.text("（回执联请于收到介绍信后一个月内寄回开具介绍信的党委）")
    return doc.cut()


def certificate(settings: Settings, letter: Letter) -> PrintDocument:
    """党员证明信 (away six months or less)."""
    p = letter.payload
    doc = PrintDocument("党员证明信")
    doc.kv("编号", f"No. {letter.number}")
    doc.text(f"{p['host_name']}：")
    doc.text(
        f"兹证明{p['name']}同志（{p['sex']}，身份证号码{p['id_number']}）系中共"
        f"{p['status_label']}党员，组织关系在{p['home_org']}。该同志因{p['purpose']}，"
        f"自{_day(p['start'])}至{_day(p['end'])}在你处，请准予参加组织生活。"
    )
    doc.text("特此证明。")
    doc.blank()
    doc.text(f"{p['issuer']}（盖章）", align="right")
    doc.text(cn_date(letter.issued_on), align="right")
    doc.kv("有效期至", cn_date(letter.valid_until))
    doc.qr(letter_url(settings, letter))
    doc.text("扫码核验真伪", align="center")
    return doc.cut()


def floating_card(settings: Settings, letter: Letter) -> PrintDocument:
    """流动党员活动证."""
    p = letter.payload
    doc = PrintDocument("流动党员活动证")
    doc.kv("证号", letter.number)
    doc.kv("姓名", p["name"])
    doc.kv("性别", p["sex"])
    doc.kv("出生日期", _day(p["birth_date"]))
    doc.kv("党员类别", f"{p['status_label']}党员")
    doc.kv("身份证号码", p["id_number"])
    doc.kv("流出地党组织", p["home_org"])
    doc.kv("流入地党组织", p["host_name"])
    doc.kv("外出地点", p["destination"])
    doc.kv("发证机关", p["issuer"])
    doc.kv("发证日期", cn_date(letter.issued_on))
    doc.kv("年度审验", f"{letter.reviewed_year}年度已审验")
    doc.kv("有效期至", cn_date(letter.valid_until))
    arrears = p.get("arrears")
    if arrears:
        span = months_span(arrears["arrears_months"])
        doc.kv("欠交党费", f"{format_yuan(arrears['arrears_fen'])}元（{span}）", bold=True)
    doc.text("持证人在流入地参加组织生活、交纳党费，不参加流入地党组织的选举；本证每年审验一次。")
    doc.qr(letter_url(settings, letter))
    doc.text("扫码核验真伪", align="center")
    return doc.cut()


def letter_document(settings: Settings, letter: Letter) -> PrintDocument:
    builder = {
        LetterKind.INTRODUCTION: introduction_letter,
        LetterKind.CERTIFICATE: certificate,
        LetterKind.FLOATING: floating_card,
    }[letter.kind]
    return builder(settings, letter)


@dataclass(frozen=True)
class Printable:
    """One paper a transfer produces, with what it is and where it comes from."""

    kind: str  # slip | notice | assessment_notice | letter
    label: str
    source_id: int
    document: PrintDocument


def transfer_documents(session: Session, settings: Settings, transfer: Transfer) -> list[Printable]:
    """Everything a transfer prints, in the order it is handed out."""
    out: list[Printable] = []
    if transfer.kind is not TransferKind.OUT:
        out.append(
            Printable("slip", "组织关系接转证明单", transfer.id, transfer_slip(settings, transfer))
        )
    for notice_id, kind in (
        (transfer.notice_id, "notice"),
        (transfer.assessment_notice_id, "assessment_notice"),
    ):
        notice = session.get(TransferNotice, notice_id) if notice_id else None
        if notice is not None:
            out.append(
                Printable(kind, notice.kind.label, notice.id, notice_document(settings, notice))
            )
    if transfer.letter_id is not None:
        letter = session.get(Letter, transfer.letter_id)
        assert letter is not None
        out.append(
            Printable("letter", letter.kind.label, letter.id, letter_document(settings, letter))
        )
    return out
