"""Running a console import in a background thread: check the uploaded file (the preview), then
import it all-or-nothing, writing progress to the job's state file as the services report it.

Each run is its own unit of work, like a CLI command: the check always rolls back, the import
commits only when every row went in. Whatever goes wrong ends as a failed job with a Chinese
message (and, for rejected rows, the error list); the uploaded file is deleted as soon as it
cannot be imported any more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.db import unit_of_work
from backend.errors import DomainError, NotFound
from backend.models import Organization
from backend.services import card_imports, dues_imports, imports, org_imports
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.import_jobs import SAMPLE_ROWS, Job, JobState, JobStore
from backend.services.import_report import ImportRejected, ImportReport
from backend.services.import_rows import Row, read_table
from backend.services.money import format_yuan
from backend.settings import Settings

log = logging.getLogger(__name__)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time_of_day(0):
            return value.date().isoformat()
        return value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sample(job: Job, rows: list[Row]) -> None:
    present = set().union(*(r.keys() for r in rows[:SAMPLE_ROWS])) if rows else set()
    job.sample_columns = [c.name for c in job.import_kind.columns if c.name in present]
    job.sample_rows = [
        (r.number, [_cell(r.get(name)) for name in job.sample_columns]) for r in rows[:SAMPLE_ROWS]
    ]


@dataclass(frozen=True)
class Runner:
    """What a background job needs from the app, handed over by the view."""

    store: JobStore
    session_factory: sessionmaker[Session]
    settings: Settings
    actor: Actor

    def check(self, job: Job) -> threading.Thread:
        return self._start(job, JobState.CHECKING, self._check)

    def run_import(self, job: Job) -> threading.Thread:
        return self._start(job, JobState.IMPORTING, self._import)

    def _start(
        self, job: Job, state: JobState, work: Callable[[Session, Job, list[Row]], None]
    ) -> threading.Thread:
        job.state, job.stage, job.done, job.total, job.message = state, "读取文件", 0, 0, ""
        self.store.save(job)
        # The thread works on its own copy: the request goes on rendering the one it holds.
        thread = threading.Thread(
            target=self._run,
            args=(replace(job), work),
            name=f"import-{job.token[:6]}",
            daemon=True,
        )
        thread.start()
        return thread

    def _progress(self, job: Job) -> Callable[[str, int, int], None]:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total
            self.store.save(job)

        return progress

    def _run(self, job: Job, work: Callable[[Session, Job, list[Row]], None]) -> None:
        """The job's own unit of work (like a CLI command's): committed only if all went well."""
        try:
            rows = list(read_table(self.store.source(job), job.suffix))
            with unit_of_work(self.session_factory) as session:
                work(session, job, rows)
            if job.state is JobState.IMPORTING:
                job.state = JobState.DONE
        except ImportRejected as exc:
            self.store.save_errors(job, exc.report.errors)
            job.state, job.message = JobState.FAILED, exc.message
        except DomainError as exc:
            job.state, job.message = JobState.FAILED, exc.message
        except IntegrityError:
            job.state = JobState.FAILED
            job.message = "导入时相关数据被他人同时修改，未导入任何数据，请重新上传文件"
        except Exception:
            log.exception("import job %s failed", job.token[:6])
            job.state, job.message = JobState.FAILED, "系统内部错误，未导入任何数据，请联系管理员"
        finally:
            if job.state is not JobState.CHECKED or job.bad_rows:
                self.store.discard_upload(job)
            self.store.save(job)

    def _check(self, session: Session, job: Job, rows: list[Row]) -> None:
        _sample(job, rows)
        report = self._preview(session, job, rows)
        session.rollback()
        job.total_rows, job.ok_rows = report.total_rows, len(report.ok_rows)
        job.bad_rows = report.bad_row_count
        self.store.save_errors(job, report.errors)
        job.state = JobState.CHECKED

    def _preview(self, session: Session, job: Job, rows: list[Row]) -> ImportReport[Any]:
        today, progress = hall_today(self.settings.dues), self._progress(job)
        if job.kind == "members":
            return imports.preview_members(
                session, self.actor, rows, dues=self.settings.dues, today=today, progress=progress
            )
        if job.kind == "orgs":
            return org_imports.preview_orgs(
                session, self.actor, rows, today=today, progress=progress
            )
        if job.kind == "cards":
            return card_imports.preview_cards(
                session,
                self.actor,
                rows,
                key=self.settings.card_uid_key,
                today=today,
                progress=progress,
            )
        return dues_imports.preview_dues(
            session, self.actor, self._branch(session, job), rows, today=today, progress=progress
        )

    def _branch(self, session: Session, job: Job) -> Organization:
        branch = session.get(Organization, job.org_id) if job.org_id else None
        if branch is None:
            raise NotFound("未找到该党支部", code="org_not_found")
        return branch

    def _import(self, session: Session, job: Job, rows: list[Row]) -> None:
        """All or nothing, re-checking every row: the database may have changed since."""
        today, progress = hall_today(self.settings.dues), self._progress(job)
        if job.kind == "members":
            result = imports.import_members(
                session, self.actor, rows, settings=self.settings, today=today, progress=progress
            )
            job.message = (
                f"已导入{result.created}名党员，卡号{result.first_card_no}至{result.last_card_no}。"
            )
        elif job.kind == "orgs":
            created = org_imports.import_orgs(
                session, self.actor, rows, today=today, progress=progress
            )
            job.message = f"已导入{created}个党组织。"
        elif job.kind == "cards":
            cards = card_imports.import_cards(
                session,
                self.actor,
                rows,
                key=self.settings.card_uid_key,
                today=today,
                progress=progress,
            )
            job.message = f"已为{cards.issued}名党员发放党员卡。"
        else:
            branch = self._branch(session, job)
            dues = dues_imports.import_dues(
                session,
                self.actor,
                branch,
                rows,
                dues=self.settings.dues,
                method=job.method,
                today=today,
                progress=progress,
            )
            slips = "、".join(
                f"{a}至{b}"
                for a, b in zip(dues.slip_numbers[::2], dues.slip_numbers[1::2], strict=True)
            )
            job.message = (
                f"{branch.name}：已导入{dues.months}个月的党费，共{dues.payments}笔缴费，"
                f"合计{format_yuan(dues.amount_fen)}元；凭条编号{slips}。"
            )
        job.total_rows = len(rows)
        job.sample_rows = []
        self.store.save_errors(job, [])
