"""A PDF's pages as pictures, because the kiosk shows pictures but cannot open a PDF; and the
files uploaded with a disclosure item sorted into pictures, PDFs and attachments.

Pages are rendered by ``pdftoppm`` (Debian's poppler-utils) in a child process with a time
limit, so a hostile or broken file can neither hang nor crash the backend. Rendering happens
before anything is stored: a PDF that cannot be read is refused with a Chinese message and no
part of the item is saved. The PDF itself is kept as an attachment next to its page images.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from PIL import Image

from backend.errors import DomainError, Invalid
from backend.services.disclosure_text import IMAGE
from backend.services.media import MAX_ATTACHMENT_BYTES, MAX_IMAGE_BYTES, NewMedia, image_type

MAX_PAGES = 20
PAGE_PIXELS = 1600  # the longer side of a page image: A4 text stays legible on a kiosk
TIMEOUT_SECONDS = 60
_PAGES = re.compile(r"^Pages:\s+(\d+)\s*$", re.MULTILINE)
_NOT_IN_ALT = re.compile(r"[\[\]()!\s]+")


class ToolMissing(DomainError):
    """The server lacks pdftoppm: an installation fault, not the user's file."""

    status = 503
    code = "pdf_tool_missing"


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF (kept as an attachment) and one image per page, each with a body ``ref``."""

    attachment: NewMedia
    pages: list[NewMedia]

    @property
    def files(self) -> list[NewMedia]:
        return [self.attachment, *self.pages]

    def markdown(self) -> str:
        """Image lines for the body, captioned "《name》第2/5页", that point at the pages."""
        stem = _NOT_IN_ALT.sub(" ", PurePath(self.attachment.filename).stem).strip() or "PDF"
        total = len(self.pages)
        return "\n\n".join(
            f"![《{stem}》第{n}/{total}页]({page.ref})" for n, page in enumerate(self.pages, 1)
        )


@dataclass(frozen=True)
class Uploads:
    """Files ready for ``disclosure.create_document`` or ``disclosure_files.add_files`` and the
    Markdown that shows the new pictures; ``pdf_pages`` and ``others`` count for the message."""

    files: list[NewMedia]
    markdown: str
    pdf_pages: int
    others: int


def sort_uploads(uploads: Sequence[tuple[str, bytes]], body_md: str) -> Uploads:
    """Judge each (filename, bytes) by its content: a picture is shown where the body names it
    (``![说明](文件名)``), else at the end; a PDF becomes page pictures plus the PDF as an
    attachment; anything else is an attachment (``media.check`` decides if it is allowed)."""
    named = {m.group(2) for m in IMAGE.finditer(body_md)}
    files: list[NewMedia] = []
    lines: list[str] = []
    pages = others = 0
    for index, (filename, data) in enumerate(uploads):
        if is_pdf(filename, data):
            rendered = render_pdf(filename, data, ref_prefix=f"pdf{index}")
            files += rendered.files
            lines.append(rendered.markdown())
            pages += len(rendered.pages)
            continue
        others += 1
        if image_type(data) is None:
            files.append(NewMedia(filename, data, attachment=True))
            continue
        ref = filename if filename in named else f"upload-{index}"
        files.append(NewMedia(filename, data, ref=ref))
        if ref not in named:
            lines.append(f"![]({ref})")
    return Uploads(files, "\n\n".join(lines), pages, others)


def is_pdf(filename: str, data: bytes) -> bool:
    return PurePath(filename).suffix.lower() == ".pdf" or data[:1024].lstrip().startswith(b"%PDF-")


def render_pdf(
    filename: str,
    data: bytes,
    *,
    ref_prefix: str,
    max_pages: int = MAX_PAGES,
    long_side: int = PAGE_PIXELS,
) -> RenderedPdf:
    """Check and render ``data``; page refs are ``{ref_prefix}-p{n}`` (unique per upload)."""
    name = PurePath(filename).name or "PDF"
    if b"%PDF-" not in data[:1024]:
        raise Invalid(f"文件{name}不是PDF文件，请检查后重新选择", code="pdf_invalid")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise Invalid(f"PDF文件{name}超过20MB，请压缩后再上传", code="pdf_too_large")
    tools = {tool: shutil.which(tool) for tool in ("pdfinfo", "pdftoppm")}
    if not all(tools.values()):
        raise ToolMissing(
            "服务器缺少PDF转换程序（软件包poppler-utils），暂时不能上传PDF，请联系管理员"
        )
    with tempfile.TemporaryDirectory(prefix="hall-pdf-") as folder:
        source = Path(folder) / "source.pdf"
        source.write_bytes(data)
        info = _run([str(tools["pdfinfo"]), str(source)], name)
        match = _PAGES.search(info)
        count = int(match.group(1)) if match else 0
        if count < 1:
            raise Invalid(f"PDF文件{name}没有可显示的页面", code="pdf_invalid")
        if count > max_pages:
            raise Invalid(
                f"PDF文件{name}共{count}页，超过{max_pages}页的上限，请拆分后分别上传",
                code="pdf_too_many_pages",
            )
        prefix = Path(folder) / "page"
        _run(
            [str(tools["pdftoppm"]), "-png", "-scale-to", str(long_side), str(source), str(prefix)],
            name,
        )
        images = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if len(images) != count:
            raise Invalid(f"PDF文件{name}有页面无法读取，可能已损坏", code="pdf_invalid")
        stem = PurePath(name).stem
        pages = []
        for n, path in enumerate(images, 1):
            picture = _fit(path.read_bytes())
            suffix = "png" if picture.startswith(b"\x89PNG") else "jpg"
            pages.append(NewMedia(f"{stem}-第{n}页.{suffix}", picture, ref=f"{ref_prefix}-p{n}"))
    return RenderedPdf(NewMedia(filename=name, data=data, attachment=True), pages)


def _run(command: list[str], name: str) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=TIMEOUT_SECONDS, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise Invalid(f"PDF文件{name}转换超时，可能过于复杂或已损坏", code="pdf_timeout") from exc
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "password" in errors.lower():
            raise Invalid(f"PDF文件{name}设有密码，请解除密码后再上传", code="pdf_encrypted")
        raise Invalid(
            f"PDF文件{name}已损坏或格式不正确，无法转换为图片，请重新导出后上传",
            code="pdf_invalid",
        )
    return done.stdout.decode("utf-8", "replace")


def _fit(png: bytes) -> bytes:
    """A page over the image limit (a scanned photo page) is re-encoded as a JPEG."""
    if len(png) <= MAX_IMAGE_BYTES:
        return png
    with Image.open(io.BytesIO(png)) as picture:
        out = io.BytesIO()
        picture.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
