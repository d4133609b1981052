"""The member roll as a spreadsheet: its columns, and its lines read as plain columns (no ORM
objects) from the member list's own query, so the roll says what the filtered screen says."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select
from sqlalchemy.orm import Session

from backend.models import Member, MemberStatus, Organization
from backend.services.exports import Column

COLUMNS = [
    Column("党员编号", width=16),
    Column("卡号", width=8),
    Column("姓名", width=10),
    Column("性别", width=5),
    Column("身份证号", width=20),
    Column("出生日期", width=11),
    Column("学历", width=9),
    Column("入党日期", width=11),
    Column("党员类别", width=8),
    Column("所在党组织", width=24),
    Column("组织编码", width=10),
    Column("联系电话", width=13),
    Column("月交党费（元）", kind="money", width=12),
    Column("欠交月数", kind="int", width=10),
    Column("困难党员", width=8),
    Column("流动党员", width=8),
]


_SEX = {"M": "男", "F": "女"}
_STATUS = {status: status.label for status in MemberStatus}


def roll_rows(session: Session, stmt: Select) -> Iterator[tuple[object, ...]]:
    """The roll's lines of ``member_query(..., with_months_behind=True)``, streamed as tuples
    with the labels looked up in dicts (100,000 lines: docs/transactions.md, "Exports")."""
    columns = stmt.with_only_columns(
        Member.member_no,
        Member.card_no,
        Member.name,
        Member.sex,
        Member.id_number,
        Member.birth_date,
        Member.education,
        Member.joined_date,
        Member.status,
        Organization.name,
        Organization.code,
        Member.phone,
        Member.monthly_dues_fen,
        stmt.selected_columns.months_behind,
        Member.hardship,
        Member.floating,
        maintain_column_froms=True,
    )
    for r in session.execute(columns.execution_options(yield_per=2000)):
        yield (
            r[0] or "",
            r[1] or "",
            r[2],
            _SEX.get(r[3], ""),
            r[4],
            r[5].isoformat(),
            r[6] or "",
            r[7].isoformat(),
            _STATUS[r[8]],
            r[9],
            r[10],
            r[11] or "",
            r[12],
            int(r[13]),
            "是" if r[14] else "",
            "是" if r[15] else "",
        )
