"""PDFs embed a CJK font cut down to each document, so rare name characters (生僻字) print.

王𬌗 (CJK Ext. E), 刘䶮 (Ext. A) and 吉𠮷 (Ext. B) must come out of a dues report and a 党建基金
certificate both as text a reader can copy and as glyphs a printer draws: pages are rendered
with poppler's ``pdftoppm`` and each rare character's cell is checked for ink, and for not being
the box a font draws for a character it lacks.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from backend.services import exports, finance_docs, fund, pdf_fonts
from backend.services.actor import Actor
from backend.services.exports import Column, Sheet
from devices.fonts import FontNotFoundError, find_cjk_font
from tests.builders import PASSWORD, Builders

RARE = "𬌗䶮𠮷"
NAMES = ("王𬌗", "刘䶮", "吉𠮷")
#: A private-use character no font draws: it prints as the font's .notdef box.
MISSING = "\U000f0000"
DPI = 150
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
)

Box = tuple[float, float, float, float]
Glyphs = Callable[[bytes, str], dict[str, Image.Image]]


def render(pdf: bytes, folder: Path) -> tuple[Image.Image, list[tuple[Box, str]]]:
    """Page 1 as poppler draws it at :data:`DPI`, and its words with their boxes in points."""
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    to_png = ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", "1", "-l", "1"]
    subprocess.run([*to_png, str(path), str(folder / "page")], check=True)
    layout = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [(tuple(float(v) for v in m.groups()[:4]), m.group(5)) for m in _WORD.finditer(layout)]
    with Image.open(folder / "page.png") as png:
        return png.convert("L"), words  # type: ignore[return-value]


def cell(page: Image.Image, box: Box) -> Image.Image:
    return page.crop(tuple(round(v * DPI / 72) for v in box))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def advances() -> Callable[[str], int]:
    """A character's advance width in the CJK font's units."""
    with TTFont(find_cjk_font(), lazy=True) as font:
        widths = {code: font["hmtx"][glyph][0] for code, glyph in font.getBestCmap().items()}
    return lambda ch: widths[ord(ch)]


@pytest.fixture
def glyphs(tmp_path: Path, advances: Callable[[str], int]) -> Glyphs:
    """The printed cell of each wanted character, placed within its word by advance widths."""

    def crop(pdf: bytes, chars: str) -> dict[str, Image.Image]:
        page, words = render(pdf, tmp_path)
        found: dict[str, Image.Image] = {}
        for (x0, y0, x1, y1), word in words:
            scale = (x1 - x0) / sum(advances(ch) for ch in word)
            for i, ch in enumerate(word):
                if ch in chars and ch not in found:
                    left = x0 + scale * sum(advances(c) for c in word[:i])
                    found[ch] = cell(page, (left, y0, left + scale * advances(ch), y1))
        assert set(found) == set(chars), words
        return found

    return crop


def ink(cell: Image.Image) -> float:
    """The share of dark pixels."""
    pixels = cell.tobytes()  # mode L: one byte a pixel
    return sum(p < 128 for p in pixels) / len(pixels)


def unlike(a: Image.Image, b: Image.Image) -> float:
    """How much two cells differ once scaled to one size (0: same shape, 1: opposite)."""
    size = (16, 16)
    pa, pb = a.resize(size).tobytes(), b.resize(size).tobytes()
    return sum((x < 128) != (y < 128) for x, y in zip(pa, pb, strict=True)) / (size[0] * size[1])


@pytest.fixture
def notdef(tmp_path: Path) -> Image.Image:
    """The known-missing glyph: what a character the font lacks looks like on paper.

    It has no text to extract, so it is the gap between the words either side of it.
    """
    page, words = render(exports.letter_pdf("对照", [f"吉{MISSING}同志："]), tmp_path)
    (before, _), (after, _) = (w for w in words if w[1] in ("吉", "同志："))
    return cell(page, (before[2], before[1], after[0], after[3]))


def assert_prints_rare_names(pdf: bytes, glyphs: Glyphs, notdef: Image.Image) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text().replace("\n", "")
    for name in NAMES:
        assert name in text
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert [f["/Subtype"] for f in fonts] == ["/TrueType"]  # one font for the whole page,
    assert "/FontFile2" in fonts[0]["/FontDescriptor"]  # embedded
    cells = glyphs(pdf, RARE)
    for ch, cell in cells.items():
        assert ink(cell) > 0.08, f"{ch} prints blank"
        assert unlike(cell, notdef) > 0.15, f"{ch} prints as a missing-glyph box"
    a, b, c = cells.values()
    assert min(unlike(a, b), unlike(b, c), unlike(a, c)) > 0.15  # three glyphs, not one shape


def test_report_pdf_embeds_the_font_and_prints_rare_names(
    client, build: Builders, db, glyphs: Glyphs, notdef: Image.Image
) -> None:
    orgs = build.district()
    for name in NAMES:
        build.ledger(build.member(orgs["b1"], name=name, monthly_fen=2000), 2025, {1, 2})
    build.user(orgs["b1"], "b1staff")
    db.commit()
    token = client.post("/api/v1/auth/login", json={"username": "b1staff", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    r = client.get("/api/v1/reports/dues/export?year=2025&format=pdf", headers=headers)
    assert r.status_code == 200 and r.mimetype == exports.PDF_MIME
    assert (
        "幸福社区第一党支部2025年度党费收缴统计表"
        in PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    )
    assert_prints_rare_names(r.data, glyphs, notdef)


def test_fund_certificate_prints_rare_names(
    build: Builders, db, glyphs: Glyphs, notdef: Image.Image
) -> None:
    orgs = build.district()
    actor = Actor.for_user(build.user(orgs["c1"], "fund"))
    data = fund.DonationData(
        donor_name="吉𠮷",
        amount_fen=100_000,
        donated_on=date(2025, 5, 20),
        receiving_org_id=orgs["b1"].id,
        directed=True,
        purpose="资助王𬌗、刘䶮同志的子女上学",
    )
    donation, receipt = fund.record_donation(db, actor, data, today=date(2025, 6, 1))
    pdf = finance_docs.donation_certificate_pdf(
        donation, receipt, "示范区党员服务中心", issued_on=date(2025, 6, 1)
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert "吉𠮷同志：" in text and "定向用于资助王𬌗、刘䶮同志的子女上学" in text
    assert_prints_rare_names(pdf, glyphs, notdef)


def test_a_character_no_font_draws_is_logged_and_prints_as_a_box(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdf_fonts, "_CACHE", pdf_fonts._FontCache(4))
    with caplog.at_level(logging.WARNING, logger=pdf_fonts.__name__):
        exports.letter_pdf("对照", [f"吉{MISSING}同志："])
    assert "U+F0000" in caplog.text


def test_without_a_cjk_font_pdfs_fall_back_to_stsong_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_font() -> Path:
        raise FontNotFoundError("未找到能显示生僻字的中文字体")

    monkeypatch.setattr(pdf_fonts, "find_cjk_font", no_font)
    sheet = Sheet("党费收缴统计表", [Column("姓名")], rows=[["张三"]])
    with caplog.at_level(logging.WARNING, logger=pdf_fonts.__name__):
        pdf = exports.to_pdf(sheet)
    assert "STSong-Light" in caplog.text and "未找到能显示生僻字的中文字体" in caplog.text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "党费收缴统计表" in page.extract_text() and "张三" in page.extract_text()
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert "/STSong-Light" in [f["/BaseFont"] for f in fonts]
    assert b"/FontFile2" not in pdf


def test_a_character_set_is_subset_once_and_idle_fonts_are_unregistered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = pdf_fonts._FontCache(1)
    monkeypatch.setattr(pdf_fonts, "_CACHE", cache)
    with pdf_fonts.embedded_font(["党费"]) as first, pdf_fonts.embedded_font(["费党"]) as again:
        assert again == first  # same characters, same registered subset
        with pdf_fonts.embedded_font(["王𬌗"]) as other:
            assert other != first and len(cache) == 2  # both in use: neither is evicted
            assert pdfmetrics.getFont(first).face.charToGlyph.keys() >= {ord("党"), ord("费")}
    assert len(cache) == 1  # over the limit: the font let go of is unregistered at once
    with pytest.raises(KeyError):
        pdfmetrics.getFont(other)
    with pdf_fonts.embedded_font(["党", "费"]) as reused:
        assert reused == first
    cache.clear()
    with pytest.raises(KeyError):
        pdfmetrics.getFont(first)
