"""The keys in ``secrets.json`` are one per hall, however many server processes start at once
(docs/deploy.md): several gunicorn workers each build the app, and a worker that kept keys of its
own would sign sessions the others refuse and hash card UIDs no other worker finds."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from backend import settings as settings_module
from backend.settings import Settings

WORKERS = 6


def _keys_of_a_starting_worker(instance: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    found = Settings(instance_dir=instance).with_secrets()
    results.put((found.secret_key, found.card_uid_key))  # type: ignore[attr-defined]


def test_workers_starting_together_share_one_set_of_keys(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    workers = [
        context.Process(target=_keys_of_a_starting_worker, args=(str(tmp_path), barrier, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    keys = {results.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(30)
    stored = json.loads((tmp_path / "secrets.json").read_text(encoding="utf-8"))
    assert keys == {(stored["secret_key"], stored["card_uid_key"])}


def test_a_worker_that_loses_the_race_takes_the_winners_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race made certain: while this worker draws its keys, another one writes the file
    (simulated by writing it from the key generator; a real race is in the test above)."""
    winner = {"secret_key": "a" * 64, "card_uid_key": "b" * 64}
    draw = settings_module.secrets.token_hex

    def draw_while_another_worker_writes(n: int) -> str:
        path = tmp_path / "secrets.json"
        if not path.exists():
            path.write_text(json.dumps(winner), encoding="utf-8")
        return draw(n)

    monkeypatch.setattr(settings_module.secrets, "token_hex", draw_while_another_worker_writes)
    found = Settings(instance_dir=str(tmp_path)).with_secrets()
    assert (found.secret_key, found.card_uid_key) == (winner["secret_key"], winner["card_uid_key"])
    assert json.loads((tmp_path / "secrets.json").read_text(encoding="utf-8")) == winner


def test_an_older_file_keeps_its_key_and_gains_the_missing_one(tmp_path: Path) -> None:
    (tmp_path / "secrets.json").write_text(json.dumps({"secret_key": "c" * 64}), encoding="utf-8")
    found = Settings(instance_dir=str(tmp_path)).with_secrets()
    assert found.secret_key == "c" * 64
    assert len(found.card_uid_key) == 64
    again = Settings(instance_dir=str(tmp_path)).with_secrets()
    assert again.card_uid_key == found.card_uid_key
