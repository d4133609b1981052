"""Long exports in a child process, on the import jobs' store (``import_jobs``): the same job
folder bound to the user, the same state file a progress poll reads without the database, the
same sweep. The finished xlsx waits in the job's folder for its download.

Why a process and not a thread: building a 100,000-row spreadsheet is minutes of Python, and in
the server's own interpreter it would hold the interpreter lock that every kiosk tap needs. The
child has its own interpreter, runs at a lower CPU priority, and reads in a read-only
transaction that takes no write lock (docs/transactions.md). What it is to build travels as an
``ExportOrder`` of plain values; progress is counted as rows reach the spreadsheet.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from backend.db import make_engine, make_read_session_factory, unit_of_work
from backend.errors import DomainError, NotFound
from backend.models import Organization
from backend.services import finance_docs, remittance
from backend.services.actor import Actor
from backend.services.exports import Sheet, to_xlsx
from backend.services.import_jobs import Job, JobState, JobStore
from backend.services.member_filters import MemberFilters, member_query
from backend.services.member_roll import COLUMNS, roll_rows
from backend.settings import DuesSettings

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5  # how often the state file is rewritten while rows are written
CHILD_NICE = 10
_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: no server threads copied


@dataclass(frozen=True)
class ExportOrder:
    """What to export, in plain values (it crosses to the child process)."""

    kind: str  # ledger | members | batch
    actor: Actor
    today: date
    dues: DuesSettings
    org_id: int | None = None
    year: int | None = None
    batch_id: int | None = None
    filters: MemberFilters | None = None
    total: int | None = None  # the member roll's count, taken when the export was asked for


def build(session: Session, order: ExportOrder) -> tuple[Sheet, int | None]:
    """The sheet, and how many rows it will have when that is known before writing."""
    if order.kind == "ledger":
        org = session.get(Organization, order.org_id)
        if org is None or order.year is None:
            raise NotFound("未找到该党组织", code="org_not_found")
        sheet = finance_docs.ledger_sheet(
            session, org, order.year, order.today, printed_by=order.actor.name
        )
        return sheet, None
    if order.kind == "batch":
        batch = remittance.get_batch(session, order.actor, order.batch_id or 0)
        sheet = finance_docs.batch_sheet(
            session, batch, order.dues, printed_on=order.today, printed_by=order.actor.name
        )
        return sheet, None
    stmt = member_query(
        order.actor, order.filters or MemberFilters(), order.today, with_months_behind=True
    )
    header = [f"导出日期：{order.today.isoformat()}，共{order.total}名"]
    return Sheet("党员名册", COLUMNS, roll_rows(session, stmt), header), order.total  # type: ignore[arg-type]


@dataclass(frozen=True)
class ExportRunner:
    store: JobStore
    database_url: str

    def start(self, job: Job, order: ExportOrder) -> threading.Thread:
        """Start the child; a watcher thread reaps it and fails the job if the child died."""
        process = _SPAWN.Process(
            target=_child,
            args=(self.database_url, str(self.store.root), job, order),
            name=f"export-{job.token[:6]}",
        )
        process.start()
        watcher = threading.Thread(target=self._watch, args=(process, job), daemon=True)
        watcher.start()
        return watcher

    def _watch(self, process: Any, job: Job) -> None:
        process.join()
        if process.exitcode == 0:
            return
        current = self.store.get(job.token, job.user_id)
        if current.running:
            current.state = JobState.FAILED
            current.message = "导出进程意外中止，请重新导出"
            self.store.save(current)


def _child(database_url: str, root: str, job: Job, order: ExportOrder) -> None:
    try:
        os.nice(CHILD_NICE)
    except OSError:
        pass
    engine = make_engine(database_url)
    try:
        run(JobStore(Path(root)), make_read_session_factory(engine), job, order)
    finally:
        engine.dispose()


def run(store: JobStore, read_factory: Any, job: Job, order: ExportOrder) -> None:
    """The export itself, in a read-only transaction; the job ends done or failed."""
    try:
        with unit_of_work(read_factory) as session:
            sheet, total = build(session, order)
            if total is None and isinstance(sheet.rows, list):
                total = len(sheet.rows)
            job.stage, job.total = "写入表格", total or 0
            store.save(job)
            sheet.rows = _counted(store, job, sheet.rows)  # type: ignore[assignment]
            data = to_xlsx(sheet)
        path = store.result(job)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        job.state, job.done = JobState.DONE, job.total_rows
        job.message = f"已导出{job.total_rows}行，请下载。"
    except DomainError as exc:
        job.state, job.message = JobState.FAILED, exc.message
    except Exception:
        log.exception("export job %s failed", job.token[:6])
        job.state, job.message = JobState.FAILED, "系统内部错误，未能导出，请联系管理员"
    finally:
        store.save(job)


def _counted(store: JobStore, job: Job, rows: Iterable[Any]) -> Iterator[Any]:
    saved = time.monotonic()
    for row in rows:
        job.total_rows += 1
        now = time.monotonic()
        if now - saved >= PROGRESS_SECONDS:
            job.done, saved = job.total_rows, now
            store.save(job)
        yield row
