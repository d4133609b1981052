"""Real-time status bytes (DLE EOT 1–4) decoded into the state staff see."""

from __future__ import annotations

import pytest

from devices.printer import ATTENTION_STATES, READY_STATES, WAITING_STATES, PrinterState
from devices.printer.status import decode_status

OK = 0x12  # fixed bits only: nothing to report


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        ((OK, OK, OK, OK), PrinterState.ONLINE),
        ((None, None, None, None), PrinterState.OFFLINE),
        ((OK | 0x08, OK | 0x04, OK, OK), PrinterState.COVER_OPEN),
        ((OK | 0x08, OK | 0x20, OK, OK | 0x60), PrinterState.PAPER_END),
        ((OK | 0x08, OK | 0x20, OK, None), PrinterState.PAPER_END),
        ((OK, OK, OK, OK | 0x0C), PrinterState.PAPER_NEAR_END),
        ((OK | 0x08, OK | 0x40, OK | 0x08, OK), PrinterState.ERROR),  # cutter jammed
        ((OK | 0x08, OK, OK, OK), PrinterState.OFFLINE),
        ((0xFF, OK, OK, OK), PrinterState.ERROR),  # not a status byte at all
    ],
)
def test_status_bytes_become_one_state(answers: tuple, state: PrinterState) -> None:
    assert decode_status(*answers) is state


def test_named_sets_say_when_jobs_go_out() -> None:
    assert READY_STATES == {PrinterState.ONLINE, PrinterState.PAPER_NEAR_END}
    assert PrinterState.PAPER_END in WAITING_STATES and PrinterState.OFFLINE in WAITING_STATES
    assert PrinterState.PAPER_NEAR_END in ATTENTION_STATES
    assert PrinterState.ONLINE not in ATTENTION_STATES


def test_every_state_has_a_chinese_label() -> None:
    assert PrinterState.PAPER_END.label == "打印机缺纸"
    assert PrinterState.COVER_OPEN.label == "打印机纸仓盖未关好"
    assert all(state.label for state in PrinterState)
