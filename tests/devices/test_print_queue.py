"""The print queue against a network printer on loopback: waits, prints once, loses nothing."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.errors import DeviceError
from devices.printer import (
    PrintDocument,
    Printer,
    PrinterState,
    PrintQueue,
    create_printer,
)
from devices.printer.queue import Job, JobState
from tests.devices import escpos_decoder as esc
from tests.devices.fake_printer import FakeNetworkPrinter
from tests.devices.samples import dues_receipt

POLL = 0.05


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def network_printer(fake: FakeNetworkPrinter) -> Printer:
    return create_printer(
        {"connection": "network", "host": "127.0.0.1", "port": fake.port, "profile": "80mm"}
    )


def printed_titles(fake: FakeNetworkPrinter) -> list[str]:
    """The first line of every receipt the printer received."""
    return [esc.lines(esc.decode(job))[0].strip() for job in fake.jobs]


class Recorder:
    def __init__(self) -> None:
        self.states: list[PrinterState] = []
        self.jobs: list[Job] = []


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_queue(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, recorder: Recorder
) -> Iterator[Callable[[], PrintQueue]]:
    queues: list[PrintQueue] = []

    def make() -> PrintQueue:
        queue = PrintQueue(
            tmp_path / "kiosk" / "print-queue.sqlite3",
            network_printer(fake_printer),
            recorder.states.append,
            job_listener=recorder.jobs.append,
            poll_interval=POLL,
        )
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        queue.close()


def state_of(queue: PrintQueue, job_id: str) -> JobState:
    job = queue.job(job_id)
    assert job is not None
    return job.state


def test_a_receipt_prints_once_and_is_shown_done(make_queue, fake_printer, recorder) -> None:
    queue = make_queue()
    queue.start()
    job_id = queue.submit(dues_receipt(), job_id="pay-2024-000123")
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)
    # The fake printer files a job when the connection closes, just after the queue says DONE.
    fake_printer.wait_for_jobs(1)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]
    job = queue.job(job_id)
    assert job is not None and job.title == "党费缴费凭条" and job.printed_at is not None
    assert [j.state for j in recorder.jobs if j.id == job_id][-2:] == [
        JobState.PRINTING,
        JobState.DONE,
    ]
    assert recorder.states[0] is PrinterState.ONLINE


def test_submitting_the_same_job_id_twice_prints_once(make_queue, fake_printer) -> None:
    queue = make_queue()
    first = queue.submit(dues_receipt(), job_id="pay-1")
    second = queue.submit(dues_receipt(), job_id="pay-1")
    assert first == second == "pay-1"
    queue.start()
    wait_until(lambda: state_of(queue, "pay-1") is JobState.DONE)
    time.sleep(POLL * 5)
    assert len(queue.jobs()) == 1
    assert printed_titles(fake_printer) == ["党费缴费凭条"]


def test_paper_out_the_job_waits_paper_back_it_prints_exactly_once(
    make_queue, fake_printer, recorder
) -> None:
    fake_printer.set_paper("out")
    queue = make_queue()
    queue.start()
    job_id = queue.submit(dues_receipt())
    wait_until(lambda: state_of(queue, job_id) is JobState.WAITING_PRINTER)
    job = queue.job(job_id)
    assert job is not None and job.message == "打印机缺纸"
    assert fake_printer.wait_for_queries(8)  # still polling, several rounds
    assert fake_printer.jobs == []
    assert PrinterState.PAPER_END in recorder.states

    fake_printer.set_paper("ok")
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)
    time.sleep(POLL * 5)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]
    assert recorder.states[-1] is PrinterState.ONLINE


def test_cover_open_and_paper_near_end_are_reported(make_queue, fake_printer, recorder) -> None:
    queue = make_queue()
    queue.start()
    wait_until(lambda: recorder.states == [PrinterState.ONLINE])
    fake_printer.set_cover(True)
    wait_until(lambda: recorder.states[-1] is PrinterState.COVER_OPEN)
    fake_printer.set_cover(False)
    fake_printer.set_paper("near_end")
    wait_until(lambda: recorder.states[-1] is PrinterState.PAPER_NEAR_END)
    job_id = queue.submit(PrintDocument("测试").kv("合计", "￥1.00"))
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)  # near end still prints
    assert printed_titles(fake_printer) == ["测试"]


def test_printer_switched_off_then_on_prints_once(make_queue, fake_printer, recorder) -> None:
    fake_printer.go_offline()
    queue = make_queue()
    queue.start()
    job_id = queue.submit(dues_receipt())
    wait_until(lambda: state_of(queue, job_id) is JobState.WAITING_PRINTER)
    assert recorder.states == [PrinterState.OFFLINE]
    assert queue.job(job_id).message == "打印机未连接"  # type: ignore[union-attr]
    fake_printer.go_online()
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]


def test_kiosk_restarted_while_waiting_prints_once(make_queue, fake_printer) -> None:
    fake_printer.set_paper("out")
    first = make_queue()
    first.start()
    job_id = first.submit(dues_receipt())
    wait_until(lambda: state_of(first, job_id) is JobState.WAITING_PRINTER)
    first.close()

    fake_printer.set_paper("ok")
    second = make_queue()
    assert state_of(second, job_id) is JobState.WAITING_PRINTER  # survived the restart
    second.start()
    wait_until(lambda: state_of(second, job_id) is JobState.DONE)
    second.close()
    third = make_queue()
    third.start()
    time.sleep(POLL * 10)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]


def test_jobs_print_in_the_order_they_were_submitted(make_queue, fake_printer) -> None:
    queue = make_queue()
    for n in range(1, 4):
        queue.submit(PrintDocument(f"凭条{n}").kv("合计", "￥1.00"))
    queue.start()
    wait_until(lambda: all(j.state is JobState.DONE for j in queue.jobs()))
    assert printed_titles(fake_printer) == ["凭条1", "凭条2", "凭条3"]


def _crash_mid_job(path: Path, job_id: str, *, sending: bool) -> None:
    """Leave a job the way a power cut during printing leaves it."""
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE jobs SET state = 'printing', sending = ? WHERE id = ?", (sending, job_id)
        )


def test_crash_before_any_byte_was_sent_reprints_automatically(make_queue, fake_printer) -> None:
    queue = make_queue()
    job_id = queue.submit(dues_receipt())
    _crash_mid_job(queue.path, job_id, sending=False)
    queue.start()
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]


def test_crash_while_sending_asks_staff_instead_of_printing_twice(make_queue, fake_printer) -> None:
    queue = make_queue()
    job_id = queue.submit(dues_receipt())
    _crash_mid_job(queue.path, job_id, sending=True)
    queue.start()
    wait_until(lambda: state_of(queue, job_id) is JobState.FAILED)
    time.sleep(POLL * 10)
    assert fake_printer.jobs == []
    job = queue.job(job_id)
    assert job is not None and job.needs_confirmation
    assert "无法确认凭条是否已打出" in job.message

    queue.reprint(job_id)  # staff found no receipt in the tray
    wait_until(lambda: state_of(queue, job_id) is JobState.DONE)
    assert printed_titles(fake_printer) == ["党费缴费凭条"]
    with pytest.raises(DeviceError):
        queue.reprint(job_id)  # a done job is not printed again by this route


def test_staff_can_confirm_an_interrupted_job_was_printed(make_queue, fake_printer) -> None:
    queue = make_queue()
    job_id = queue.submit(dues_receipt())
    _crash_mid_job(queue.path, job_id, sending=True)
    queue.start()
    wait_until(lambda: state_of(queue, job_id) is JobState.FAILED)
    queue.confirm_printed(job_id)
    job = queue.job(job_id)
    assert job is not None and job.state is JobState.DONE and not job.needs_confirmation
    time.sleep(POLL * 5)
    assert fake_printer.jobs == []


def test_a_waiting_job_can_be_cancelled(make_queue, fake_printer) -> None:
    fake_printer.set_paper("out")
    queue = make_queue()
    queue.start()
    job_id = queue.submit(dues_receipt())
    wait_until(lambda: state_of(queue, job_id) is JobState.WAITING_PRINTER)
    queue.cancel(job_id)
    fake_printer.set_paper("ok")
    time.sleep(POLL * 10)
    assert state_of(queue, job_id) is JobState.FAILED
    assert fake_printer.jobs == []


def test_a_second_worker_on_the_same_queue_file_is_refused(make_queue) -> None:
    first = make_queue()
    first.start()
    second = make_queue()
    with pytest.raises(DeviceError, match="已由另一个程序在处理"):
        second.start()
