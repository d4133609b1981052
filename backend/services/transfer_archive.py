"""The archival 组织关系介绍信 of a within-district transfer (存档).

A move between two branches of the district needs no paper for the member beyond the 接转证明单,
but the founding specification keeps a letter for the archive (docs/founding-spec.md): one
sentence addressed to the receiving 党委 or 总支 that names the member, the organization they
leave and the one they join, and asks for the relationship to be taken over. It is rebuilt from
the transfer record (what ``Transfer.details`` froze at the time), marked 存档, every print counted
and audited like other reprints; from the second print on it says 补打 with the count and time.
The same content prints on the counter's thermal printer (``document``) and as an A4 PDF in the
console (``pdf``). See docs/transfers-and-letters.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import MemberStatus, Transfer, TransferKind
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.exports import letter_pdf
from backend.services.money import year_month_in_capitals
from backend.services.policy import Action
from backend.services.transfer_verify import slip_number
from backend.services.transfers import cn_date
from devices.printer.document import PrintDocument

TITLE = "中国共产党党员组织关系介绍信（存档）"


@dataclass(frozen=True)
class ArchiveLetter:
    number: str
    request: str  # the letter's request sentence (docs/transfers-and-letters.md)
    rows: list[tuple[str, str]]
    signature: list[str]
    print_mark: str  # 存档 · 第N次打印 / 补打


def content(transfer: Transfer, prints: int, printed_at: datetime) -> ArchiveLetter:
    if transfer.kind is not TransferKind.WITHIN:
        raise Invalid("只有区内转接可打印存档介绍信", code="transfer_kind")
    d = transfer.details
    addressee = d.get("notice_org") or d["to_branch"]
    paid = (
        year_month_in_capitals(transfer.dues_paid_year, transfer.dues_paid_month)
        if transfer.dues_paid_year and transfer.dues_paid_month
        else "无交纳记录"
    )
    rows = [
        ("姓名", transfer.name),
        ("性别", {"M": "男", "F": "女"}.get(transfer.sex, "")),
        ("党员类别", f"{MemberStatus(transfer.status).label}党员"),
    ]
    probation = d.get("probation")
    if probation:
        start, end = probation["start"], probation["end"]
        rows.append(("预备期", f"{start}至{end}"))
    rows += [
        ("原党员编号", transfer.old_member_no or ""),
        ("新党员编号", transfer.new_member_no or ""),
        ("党费已交到", paid),
        ("转接日期", cn_date(transfer.transfer_date)),
    ]
    mark = "存档"
    if prints > 1:
        mark = f"存档（补打，第{prints}次，{printed_at:%Y-%m-%d %H:%M}）"
    return ArchiveLetter(
        number=f"No. {slip_number(transfer)}",
        request=(
            f"{addressee}：{transfer.name}同志，从{transfer.from_name}到{transfer.to_name}，"
            "请接转组织关系。"
        ),
        rows=rows,
        signature=[d["center_name"], cn_date(transfer.transfer_date)],
        print_mark=mark,
    )


def document(letter: ArchiveLetter) -> PrintDocument:
    """For the thermal printer."""
    doc = PrintDocument(TITLE)
    doc.text(letter.print_mark, align="center", bold=True)
    doc.kv("编号", letter.number)
    doc.text(letter.request)
    for key, value in letter.rows:
        doc.kv(key, value)
    doc.blank()
    for line in letter.signature:
        doc.text(line, align="right")
    return doc.cut()


def pdf(letter: ArchiveLetter) -> bytes:
    """For the archive's A4 binder."""
    return letter_pdf(
        TITLE,
        [letter.request, letter.print_mark],
        number=letter.number,
        signature=letter.signature,
        rows=letter.rows,
    )


def count_print(session: Session, actor: Actor, transfer: Transfer) -> int:
    """Count one print of the archive letter (the first included) and audit it."""
    policy.authorize(actor, Action.LETTER_ISSUE)
    if transfer.kind is not TransferKind.WITHIN:
        raise Invalid("只有区内转接可打印存档介绍信", code="transfer_kind")
    transfer.archive_prints += 1
    session.flush()
    audit.record(
        session,
        actor,
        "transfer.archive_print",
        "transfer",
        transfer.id,
        after={"archive_prints": transfer.archive_prints},
    )
    return transfer.archive_prints
