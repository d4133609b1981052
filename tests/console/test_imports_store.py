"""The console's import job store on disk: jobs bound to their user, one claim per job, stalled
jobs shown as interrupted and old folders swept."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from backend.errors import NotFound
from backend.services.import_jobs import JobState, JobStore


def _job(store: JobStore):  # type: ignore[no-untyped-def]
    return store.create(
        user_id=7, kind="members", filename="../../名单.xlsx", stream=io.BytesIO(b"x")
    )


def test_a_job_belongs_to_its_user_and_is_claimed_once(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    job = _job(store)
    assert job.filename == "名单.xlsx" and store.source(job).read_bytes() == b"x"
    assert store.get(job.token, 7).state is JobState.CHECKING
    for token, user in ((job.token, 8), ("../" + job.token, 7), ("short", 7)):
        with pytest.raises(NotFound, match="未找到该导入任务，或已过期，请重新上传文件"):
            store.get(token, user)
    assert store.claim(job) is True
    assert store.claim(job) is False


def test_stalled_jobs_read_as_interrupted_and_old_ones_are_swept(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    job = _job(store)
    folder = tmp_path / job.token
    stale = time.time() - 11 * 60
    os.utime(folder / "state.json", (stale, stale))
    seen = store.get(job.token, 7)
    assert seen.state is JobState.FAILED and "导入任务已中断" in seen.message
    old = time.time() - 13 * 3600
    os.utime(folder, (old, old))
    _job(store)  # every upload sweeps
    assert not folder.exists()
    assert len(list(tmp_path.iterdir())) == 1
