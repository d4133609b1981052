"""Numbers and verification QR codes of the papers of a transfer: the 组织关系接转证明单 handed
to the member and the notice sent to the receiving 党委/总支 (党员转入通知).

A 证明单 is numbered ``<year>-ZJ<transfer id>`` and a notice ``<year>-TZ<notice id>`` (the
year the paper was issued); both numbers are stable, so a reprint carries the same number and
QR code. Registers the kinds "t" and "n" with the shared verification page
(``services.verify``), which shows a masked name, from, to and the date — never a phone or an ID
number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backend.models import Transfer, TransferNotice
from backend.services import verify
from backend.services.masking import mask_name
from backend.services.transfers import cn_date
from backend.settings import Settings

SLIP_KIND = "t"
NOTICE_KIND = "n"
_NUMBER = re.compile(r"(\d{4})-(ZJ|TZ)(\d{6,})")


def _year(value: Any) -> int:
    return (value if isinstance(value, date) else date.fromisoformat(str(value)[:10])).year


def slip_number(transfer: Transfer) -> str:
    return f"{_year(transfer.details.get('issued_on', transfer.transfer_date))}-ZJ{transfer.id:06d}"


def notice_number(notice: TransferNotice) -> str:
    return f"{_year(notice.payload['issued_on'])}-TZ{notice.id:06d}"


def slip_url(settings: Settings, transfer: Transfer) -> str:
    return verify.url_for(settings, SLIP_KIND, slip_number(transfer))


def notice_url(settings: Settings, notice: TransferNotice) -> str:
    return verify.url_for(settings, NOTICE_KIND, notice_number(notice))


def _parse(number: str, prefix: str) -> int | None:
    match = _NUMBER.fullmatch(number)
    return int(match.group(3)) if match and match.group(2) == prefix else None


def _resolve_slip(session: Session, _settings: Settings, number: str) -> verify.Verification | None:
    transfer_id = _parse(number, "ZJ")
    transfer = session.get(Transfer, transfer_id) if transfer_id else None
    if transfer is None or slip_number(transfer) != number:
        return None
    fields = [
        ("编号", number),
        ("姓名", mask_name(transfer.name)),
        ("原组织", transfer.from_name),
        ("现组织", transfer.to_name),
        ("转接日期", cn_date(transfer.transfer_date)),
    ]
    return verify.Verification(
        SLIP_KIND, "组织关系接转证明单", "valid", number, fields, "该证明单真实有效"
    )


def _resolve_notice(
    session: Session, _settings: Settings, number: str
) -> verify.Verification | None:
    notice_id = _parse(number, "TZ")
    notice = session.get(TransferNotice, notice_id) if notice_id else None
    if notice is None or notice_number(notice) != number:
        return None
    p = notice.payload
    names = "、".join(mask_name(line["name"]) for line in p["members"])
    fields = [
        ("编号", number),
        ("种类", notice.kind.label),
        ("致", p["addressee"]),
        ("党员", names),
        ("日期", cn_date(date.fromisoformat(str(p["issued_on"])[:10]))),
    ]
    return verify.Verification(
        NOTICE_KIND, notice.kind.label, "valid", number, fields, f"该{notice.kind.label}真实有效"
    )


verify.register(SLIP_KIND, "组织关系接转证明单", _resolve_slip)
verify.register(NOTICE_KIND, "转接通知", _resolve_notice)
