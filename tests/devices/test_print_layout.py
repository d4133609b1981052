"""Layout in display columns: amounts line up on 58 mm and 80 mm paper, CJK counts double."""

from __future__ import annotations

import pytest

from devices.printer import PRESETS, PrintDocument, display_width
from devices.printer.layout import CutRow, TextRow, layout, wrap
from devices.printer.profile import PrinterProfile
from tests.devices.samples import dues_receipt

PAPERS = [PRESETS["58mm"], PRESETS["80mm"]]


def _lines(doc: PrintDocument, profile: PrinterProfile) -> list[str]:
    return [row.text for row in layout(doc, profile) if isinstance(row, TextRow)]


def test_display_width_counts_chinese_as_two_columns() -> None:
    assert display_width("王𬌗") == 4
    assert display_width("￥76.50") == 7
    assert display_width("2024年01月") == 10
    assert display_width("·") == 2  # GBK prints it as a double-byte glyph
    assert display_width("e\u0301") == 1  # a combining accent takes no column


@pytest.mark.parametrize("profile", PAPERS, ids=lambda p: p.name)
def test_amounts_end_in_the_last_column(profile: PrinterProfile) -> None:
    lines = _lines(dues_receipt(), profile)
    total = next(line for line in lines if line.startswith("合计"))
    assert total.endswith("￥76.50")
    assert display_width(total) == profile.columns
    month_rows = [line for line in lines if line.startswith("2024年")]
    assert len(month_rows) == 3
    for row in month_rows:
        assert row.endswith("25.50")
        assert display_width(row) == profile.columns
    # The 应缴 column ends at the same column in every row, header included.
    header = next(line for line in lines if line.startswith("月份"))
    ends = {
        display_width(line[: line.index(word) + len(word)])
        for line, word in [(header, "应缴"), *[(r, "25.50") for r in month_rows]]
    }
    assert len(ends) == 1


def test_yen_sign_is_printed_as_fullwidth() -> None:
    lines = _lines(PrintDocument().kv("合计", "¥1.00"), PRESETS["58mm"])
    assert lines[0].endswith("￥1.00")
    assert "¥" not in "".join(lines)


@pytest.mark.parametrize("profile", PAPERS, ids=lambda p: p.name)
def test_long_values_wrap_under_themselves_and_never_overflow(profile: PrinterProfile) -> None:
    address = "北京市海淀区中关村南大街五号院二号楼三单元四层四〇二室（西门进）"
    lines = _lines(PrintDocument().kv("住址", address), profile)
    assert len(lines) >= 2
    assert all(display_width(line) <= profile.columns for line in lines)
    assert lines[0].startswith("住址 北京市")
    assert all(line.startswith(" " * 5) for line in lines[1:])  # hanging indent under value
    assert "".join(line.strip() for line in lines) == "住址 " + address


def test_wrapping_keeps_words_and_punctuation_together() -> None:
    assert wrap("abc defgh", 7) == ["abc", "defgh"]
    # A full-width comma never starts a line: the character before it moves down with it.
    assert wrap("一二三四，五", 8) == ["一二三", "四，五"]
    assert wrap("", 10) == [""]


def test_double_size_title_is_centred_in_half_the_columns() -> None:
    rows = [r for r in layout(PrintDocument("缴费凭条"), PRESETS["58mm"]) if isinstance(r, TextRow)]
    title = rows[0]
    assert title.size == "double" and title.bold
    assert title.text == "    缴费凭条"  # 16 double-width columns, 8 used, centred


def test_part_break_is_a_labelled_line_after_the_cut() -> None:
    doc = PrintDocument().text("存根").part_break("第二联").text("介绍信")
    with_cutter = layout(doc, PRESETS["80mm"])
    assert isinstance(with_cutter[1], CutRow)
    label = with_cutter[2]
    assert isinstance(label, TextRow)
    assert label.text == "-" * 20 + " 第二联 " + "-" * 20
    without = layout(doc, PRESETS["58mm"])
    assert not any(isinstance(r, CutRow) for r in without[:-1])
    assert "-------- 第二联 --------" in without[2].text


def test_table_widths_in_column_counts_are_scaled_to_narrow_paper() -> None:
    doc = PrintDocument().columns(["姓名", "金额"], widths=[36, 12], aligns=["left", "right"])
    (line,) = _lines(doc, PRESETS["58mm"])
    assert display_width(line) == 32 and line.endswith("金额")


def test_every_copy_ends_with_a_cut() -> None:
    rows = layout(PrintDocument("凭条", copies=2).kv("a", "b"), PRESETS["80mm"])
    assert [type(r).__name__ for r in rows].count("CutRow") == 2
