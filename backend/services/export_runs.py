"""Long exports in a background thread, on the import jobs' store (``import_jobs``): the same
job folder bound to the user, the same state file a progress poll reads without the database,
the same sweep. The finished xlsx waits in the job's folder for its download.

The work runs in a read-only transaction (docs/transactions.md): on SQLite it holds no write
lock, so a minute-long district ledger blocks nobody. Progress is counted as rows reach the
spreadsheet.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.db import unit_of_work
from backend.errors import DomainError
from backend.services.exports import Sheet, to_xlsx
from backend.services.import_jobs import Job, JobState, JobStore

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5  # how often the state file is rewritten while rows are written

# What a view hands over: builds the sheet in the job's own session and says how many rows it
# will have (None when unknown until written).
Build = Callable[[Session], tuple[Sheet, int | None]]


@dataclass(frozen=True)
class ExportRunner:
    store: JobStore
    read_session_factory: sessionmaker[Session]

    def start(self, job: Job, build: Build) -> threading.Thread:
        thread = threading.Thread(
            target=self._run,
            args=(replace(job), build),
            name=f"export-{job.token[:6]}",
            daemon=True,
        )
        thread.start()
        return thread

    def _run(self, job: Job, build: Build) -> None:
        try:
            with unit_of_work(self.read_session_factory) as session:
                sheet, total = build(session)
                if total is None and isinstance(sheet.rows, list):
                    total = len(sheet.rows)
                job.stage, job.total = "写入表格", total or 0
                self.store.save(job)
                sheet.rows = self._counted(job, sheet.rows)  # type: ignore[assignment]
                data = to_xlsx(sheet)
            path = self.store.result(job)
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
            self.store.save(job)

    def _counted(self, job: Job, rows: Iterable[Any]) -> Iterator[Any]:
        saved = time.monotonic()
        for row in rows:
            job.total_rows += 1
            now = time.monotonic()
            if now - saved >= PROGRESS_SECONDS:
                job.done, saved = job.total_rows, now
                self.store.save(job)
            yield row
