"""The end of the simulated year: every payment and print job accounted for exactly once, and
the audit chain intact. Each check returns the problems it found, in words (empty = all well).

Read straight from the hall's database and the print stations' job files, not through the API:
this is the auditor's view, independent of what the clients were told.
"""

from __future__ import annotations

import re
from collections import Counter as Tally
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from backend.models import AuditEntry, DuesMonth, Payment, PaymentItem
from backend.services import audit_chain
from backend.services.slips import SLIP_TITLE
from devices.printer.queue import JobState
from tests.devices import escpos_decoder as esc
from tests.simyear.actors import Believed
from tests.simyear.devices import PrintStation

# The 缴费凭条's number line (year + six-digit sequence, Payment.slip_no); other papers (the
# day-close sheet) list slip numbers too, so only the slip's own number line counts.
SLIP_NO = re.compile(r"凭条编号\D{0,40}?(\d{10})(?!\d)")


def payment_problems(
    database_url: str, believed: Sequence[Believed], paid_before: int
) -> list[str]:
    """Payments, voids, day closes, ledger and audit log against what the counters were told."""
    done: dict[str, dict[str, Any]] = {}
    refused: list[str] = []
    voided: set[int] = set()
    for b in believed:
        done |= b.payments
        refused += b.refused
        voided |= b.voided
    problems = [
        f"{day} 的日结单合计 {stated} 分，当天实收 {taken} 分"
        for b in believed
        for day, stated, taken in b.closes
        if stated != taken
    ]
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.scalars(select(Payment)).all()
            by_key = Tally(p.idempotency_key for p in rows)
            for key, answer in done.items():
                if by_key[key] != 1:
                    problems.append(f"缴费 {key}（凭条{answer['slip_no']}）有 {by_key[key]} 笔记录")
            for key in refused:
                if by_key[key]:
                    problems.append(f"被拒绝的缴费 {key} 却有 {by_key[key]} 笔记录")
            for p in rows:
                if p.idempotency_key not in done:
                    problems.append(f"凭条{p.slip_no}（{p.idempotency_key}）没有哪个窗口知道")
                elif done[p.idempotency_key]["id"] != p.id:
                    problems.append(f"缴费 {p.idempotency_key} 的答复与记录不是同一笔")
                if p.voided != (p.id in voided):
                    problems.append(f"凭条{p.slip_no}的作废状态与窗口所知不符")
                if sum(i.amount_fen for i in p.items) != p.amount_fen:
                    problems.append(f"凭条{p.slip_no}的月份金额之和不等于合计")
            problems += _slip_gaps(rows)
            kept = sum(p.amount_fen for p in rows if not p.voided)
            kept_items = session.scalar(
                select(func.coalesce(func.sum(PaymentItem.amount_fen), 0))
                .join(Payment)
                .where(Payment.voided.is_(False))
            )
            ledger = session.scalar(select(func.coalesce(func.sum(DuesMonth.paid_fen), 0)))
            if ledger != paid_before + kept or kept_items != kept:
                problems.append(
                    f"账不平：台账已缴 {ledger} 分，应为 {paid_before} + {kept} 分"
                    f"（有效缴费明细 {kept_items} 分）"
                )
            created = session.scalar(
                select(func.count()).where(AuditEntry.action == "payment.create")
            )
            if created != len(rows):
                problems.append(f"审计日志有 {created} 条收款记录，缴费有 {len(rows)} 笔")
            chain = audit_chain.verify(session)
            if not chain.intact:
                problems.append(chain.message())
    finally:
        engine.dispose()
    return problems


def _slip_gaps(rows: Iterable[Payment]) -> list[str]:
    """Slip numbers run 1, 2, 3… in each year, none used twice, none skipped: a payment cut
    off by a crash gives its number back (docs/dues.md)."""
    by_year: dict[int, list[int]] = {}
    for p in rows:
        by_year.setdefault(p.slip_year, []).append(p.slip_seq)
    problems = []
    for year, seqs in sorted(by_year.items()):
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            problems.append(f"{year}年的凭条号不连续或有重复：共 {len(seqs)} 笔，最大 {max(seqs)}")
    return problems


def ledger_paid(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.coalesce(func.sum(DuesMonth.paid_fen), 0))) or 0)
    finally:
        engine.dispose()


def print_problems(stations: Iterable[PrintStation], slips: Iterable[str]) -> list[str]:
    """Every job submitted is in its station's job file, printed or visibly failed; the
    printer received exactly as many jobs as were marked printed; each payment's slip came
    out exactly once."""
    problems: list[str] = []
    printed_slips: Tally[str] = Tally()
    wanted = set(slips)
    for station in stations:
        jobs = {j.id: j for j in station.queue.jobs()}
        lost = [job for job in station.submitted if job not in jobs]
        problems += [f"{station.name}：打印任务 {job} 丢失" for job in lost]
        states = Tally(j.state for j in jobs.values())
        unsettled = len(jobs) - states[JobState.DONE] - states[JobState.FAILED]
        if unsettled:
            problems.append(f"{station.name}：{unsettled} 个打印任务既未打印也未报失败")
        uncertain = sum(1 for j in jobs.values() if j.needs_confirmation)
        received = len(station.printer.jobs)
        if not states[JobState.DONE] <= received <= states[JobState.DONE] + uncertain:
            done = states[JobState.DONE]
            problems.append(f"{station.name}：打印机收到 {received} 份，任务记为已打印 {done} 份")
        for data in station.printer.jobs:
            text = "\n".join(esc.lines(esc.decode(data)))
            if text.lstrip().startswith(SLIP_TITLE):
                printed_slips.update(set(SLIP_NO.findall(text)) & wanted)
    for slip in wanted:
        if printed_slips[slip] != 1:
            problems.append(f"凭条{slip}打出 {printed_slips[slip]} 次")
    return problems
