"""The console's import jobs on disk: the upload kept between preview and confirm, bound to the
user who sent it, and where the job stands (``import_runs`` does the checking and importing).

A job is a folder named by a random token under the store's root (the instance folder): the
uploaded file, ``state.json`` (owner, kind, branch, state, progress, counts and the first rows,
rewritten atomically as the job moves) and ``errors.json`` (every bad row). State on disk, not
in memory, so any server process can answer a progress poll without touching the database —
on SQLite an import holds the write lock, and a page that needs the database would wait for
the import to end. The uploaded file is deleted as soon as it cannot be imported any more;
folders of abandoned jobs are swept after ``KEEP_HOURS``.
"""

from __future__ import annotations

import enum
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from backend.errors import NotFound
from backend.models import Organization
from backend.services import card_imports, org_imports
from backend.services.import_report import RowError
from backend.services.import_rows import DUES_COLUMNS, MEMBER_COLUMNS, Column

KEEP_HOURS = 12
STALLED_MINUTES = 10  # a running job reports progress far more often than this
SAMPLE_ROWS = 10
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: str
    columns: tuple[Column, ...]
    needs_branch: bool  # dues are imported one branch at a time


KINDS = {
    "members": ImportKind("members", "党员信息", MEMBER_COLUMNS, False),
    "cards": ImportKind("cards", "党员卡", card_imports.CARD_COLUMNS, False),
    "dues": ImportKind("dues", "党费缴纳", DUES_COLUMNS, True),
    "orgs": ImportKind("orgs", "党组织", org_imports.ORG_COLUMNS, False),
}


class JobState(enum.StrEnum):
    CHECKING = "checking"
    CHECKED = "checked"  # preview ready; waiting for confirm (or for a fixed file)
    IMPORTING = "importing"
    EXPORTING = "exporting"  # a long export (``export_runs``) writing its file
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    token: str
    user_id: int
    kind: str
    filename: str
    suffix: str
    org_id: int | None = None
    org_name: str = ""
    method: str = "cash"  # dues imports: how the branch collected the money (cash | bank)
    created: float = field(default_factory=time.time)
    state: JobState = JobState.CHECKING
    stage: str = "读取文件"
    done: int = 0
    total: int = 0
    message: str = ""
    total_rows: int = 0
    ok_rows: int = 0
    bad_rows: int = 0
    error_count: int = 0
    sample_columns: list[str] = field(default_factory=list)
    sample_rows: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.state in (JobState.CHECKING, JobState.IMPORTING, JobState.EXPORTING)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def import_kind(self) -> ImportKind:
        return KINDS[self.kind]

    def status(self) -> dict[str, Any]:
        """What the progress poll returns: no personal data, only where the job stands."""
        return {
            "state": self.state.value,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
        }


class JobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, token: str) -> Path:
        return self.root / token

    def create(
        self,
        *,
        user_id: int,
        kind: str,
        filename: str,
        stream: IO[bytes],
        branch: Organization | None = None,
        method: str = "cash",
    ) -> Job:
        self.sweep()
        token = secrets.token_urlsafe(18)
        suffix = Path(filename).suffix.lower().lstrip(".")
        job = Job(token, user_id, kind, Path(filename).name[:120], suffix, method=method)
        if branch is not None:
            job.org_id, job.org_name = branch.id, branch.name
        folder = self._folder(token)
        folder.mkdir(parents=True, mode=0o700)
        with open(self.source(job), "wb") as out:
            shutil.copyfileobj(stream, out)
        self.save(job)
        return job

    def create_export(self, *, user_id: int, kind: str, filename: str) -> Job:
        """A job with no upload: a long export whose file ``export_runs`` writes to ``result``."""
        self.sweep()
        job = Job(secrets.token_urlsafe(18), user_id, kind, filename, "xlsx")
        job.state, job.stage = JobState.EXPORTING, "查询数据"
        self._folder(job.token).mkdir(parents=True, mode=0o700)
        self.save(job)
        return job

    def result(self, job: Job) -> Path:
        return self._folder(job.token) / f"result.{job.suffix}"

    def get(self, token: str, user_id: int) -> Job:
        """The job, if it exists and belongs to ``user_id``; anyone else's looks like none."""
        path = self._folder(token) / "state.json" if _TOKEN.fullmatch(token or "") else None
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            data = None
        if data is None or data.get("user_id") != user_id:
            raise NotFound("未找到该导入任务，或已过期，请重新上传文件", code="import_not_found")
        data["state"] = JobState(data["state"])
        data["sample_rows"] = [(n, cells) for n, cells in data["sample_rows"]]
        job = Job(**data)
        if job.running and path and time.time() - path.stat().st_mtime > STALLED_MINUTES * 60:
            # The process running it is gone (a restart): its transaction went with it.
            job.state = JobState.FAILED
            job.message = "导入任务已中断（可能是服务器重启），请核对数据后重新上传文件"
        return job

    def save(self, job: Job) -> None:
        _write_json(self._folder(job.token) / "state.json", asdict(job))

    def source(self, job: Job) -> Path:
        return self._folder(job.token) / f"upload.{job.suffix}"

    def save_errors(self, job: Job, errors: list[RowError]) -> None:
        job.error_count = len(errors)
        _write_json(self._folder(job.token) / "errors.json", [e.as_dict() for e in errors])

    def errors(self, job: Job) -> list[RowError]:
        path = self._folder(job.token) / "errors.json"
        if not path.exists():
            return []
        return [
            RowError(e["row"], e["column"], e["reason"])
            for e in json.loads(path.read_text(encoding="utf-8"))
        ]

    def claim(self, job: Job) -> bool:
        """Take the job for its import; only one request (in any process) ever gets True."""
        try:
            os.close(os.open(self._folder(job.token) / "claimed", os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return False
        return True

    def discard_upload(self, job: Job) -> None:
        self.source(job).unlink(missing_ok=True)

    def sweep(self, max_age_hours: float = KEEP_HOURS) -> None:
        if not self.root.exists():
            return
        limit = time.time() - max_age_hours * 3600
        for folder in self.root.iterdir():
            if folder.is_dir() and _TOKEN.fullmatch(folder.name):
                if folder.stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)


def _write_json(path: Path, data: Any) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
