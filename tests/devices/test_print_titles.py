"""Titles on 58 mm and 80 mm paper are never split inside a word (issue 12: "党费缴费凭条（补"
/ "打）", "组织关系接转证明" / "单"): a title too wide for double size prints at normal width,
still tall, and breaks only before an opening bracket. Read back from the ESC/POS bytes."""

from __future__ import annotations

import pytest

from devices.printer import PRESETS, PrintDocument, render_escpos
from devices.printer.profile import PrinterProfile
from tests.devices import escpos_decoder as esc

PAPERS = [PRESETS["58mm"], PRESETS["80mm"]]
#: Each title and the only ways it may be laid out in lines.
TITLES = {
    "党费缴费凭条（补打）": [["党费缴费凭条（补打）"], ["党费缴费凭条", "（补打）"]],
    "组织关系接转证明单": [["组织关系接转证明单"]],
    "组织关系转入通知单": [["组织关系转入通知单"]],
    "中国共产党党员组织关系介绍信（存根）": [
        ["中国共产党党员组织关系介绍信（存根）"],
        ["中国共产党党员组织关系介绍信", "（存根）"],
    ],
}


def title_lines(doc: PrintDocument, profile: PrinterProfile) -> list[esc.Line]:
    items = esc.decode(render_escpos(doc, profile), profile.encoding or "ascii")
    found = []
    for item in items:
        if not isinstance(item, esc.Line) or not item.text.strip():
            continue
        if not item.tall:
            break
        found.append(item)
    return found


@pytest.mark.parametrize("profile", PAPERS, ids=lambda p: p.name)
@pytest.mark.parametrize("title", list(TITLES))
def test_titles_break_between_words_only(profile: PrinterProfile, title: str) -> None:
    lines = title_lines(PrintDocument(title).text("正文"), profile)
    printed = [line.text.strip() for line in lines]
    assert printed in TITLES[title], f"{title} on {profile.name} printed as {printed}"
    assert all(line.bold for line in lines)
    for line in lines:
        room = profile.columns // 2 if line.wide else profile.columns
        assert len(line.text.rstrip().encode("gbk")) <= room, "the line fits on the paper"


def test_a_title_that_fits_stays_double_size() -> None:
    [line] = title_lines(PrintDocument("党费缴费凭条").text("正文"), PRESETS["58mm"])
    assert line.wide and line.tall and line.text.strip() == "党费缴费凭条"
