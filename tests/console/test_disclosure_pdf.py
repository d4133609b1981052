"""PDF pages to pictures with the real pdftoppm (no database): sizes, captions, refusals."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from backend.errors import Invalid
from backend.services import pdf_pages
from tests.console.test_disclosure_console import make_pdf


def test_each_page_becomes_a_png_with_a_caption() -> None:
    rendered = pdf_pages.render_pdf("2025年 党课[安排].pdf", make_pdf(2), ref_prefix="pdf0")
    assert rendered.attachment.attachment and rendered.attachment.filename.endswith(".pdf")
    assert [p.filename for p in rendered.pages] == [
        "2025年 党课[安排]-第1页.png",
        "2025年 党课[安排]-第2页.png",
    ]
    assert [p.ref for p in rendered.pages] == ["pdf0-p1", "pdf0-p2"]
    with Image.open(io.BytesIO(rendered.pages[0].data)) as page:
        assert page.format == "PNG" and max(page.size) == pdf_pages.PAGE_PIXELS
    # Brackets and spaces would break the Markdown image syntax: they leave the caption.
    assert rendered.markdown() == (
        "![《2025年 党课 安排》第1/2页](pdf0-p1)\n\n![《2025年 党课 安排》第2/2页](pdf0-p2)"
    )


def test_a_password_protected_pdf_is_refused() -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf(1))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Invalid) as refused:
        pdf_pages.render_pdf("加密.pdf", out.getvalue(), ref_prefix="pdf0")
    assert refused.value.message == "PDF文件加密.pdf设有密码，请解除密码后再上传"


def test_an_oversized_page_is_kept_as_a_jpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_pages, "MAX_IMAGE_BYTES", 1000)
    (page,) = pdf_pages.render_pdf("扫描件.pdf", make_pdf(1), ref_prefix="p").pages
    assert page.filename == "扫描件-第1页.jpg" and page.data.startswith(b"\xff\xd8\xff")


def test_without_pdftoppm_the_message_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_pages.shutil, "which", lambda _name: None)
    with pytest.raises(pdf_pages.ToolMissing) as missing:
        pdf_pages.render_pdf("通知.pdf", make_pdf(1), ref_prefix="p")
    assert missing.value.status == 503 and "poppler-utils" in missing.value.message
