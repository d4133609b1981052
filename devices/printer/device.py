"""A receipt printer: a profile (what it can do) plus a connection (how bytes reach it)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.printer.connection import Connection, open_connection
from devices.printer.document import PrintDocument
from devices.printer.profile import PrinterProfile, profile_from_config
from devices.printer.render import png_bytes, render_escpos
from devices.printer.status import PrinterState, decode_status

PRINTER_CONNECTIONS = ("dummy", "file", "network", "serial", "usb", "win32raw", "preview")


class Printer:
    """Prints documents and reports the printer's state.

    :meth:`print_document` raises :class:`~devices.printer.connection.PrinterUnavailable` when
    nothing was sent (retry later) and :class:`~devices.printer.connection.PrintInterrupted`
    when sending broke off (part of the receipt may be on paper).
    """

    def __init__(
        self,
        connection: Connection,
        profile: PrinterProfile,
        *,
        name: str = "打印机",
        font_path: Path | None = None,
    ) -> None:
        """``font_path`` draws rows the printer's own font lacks (rare name characters); by
        default the CJK font found on this machine."""
        self.connection = connection
        self.profile = profile
        self.name = name
        self.font_path = font_path

    @property
    def supports_status(self) -> bool:
        return self.profile.status and self.connection.supports_status

    def status(self) -> PrinterState:
        """Query the printer now (DLE EOT 1–4 where supported, else whether it is reachable)."""
        if not self.supports_status:
            return PrinterState.ONLINE if self.connection.reachable() else PrinterState.OFFLINE
        try:
            printer = self.connection.read_status(1)
            if printer is None:
                return PrinterState.OFFLINE
            answers = [self.connection.read_status(n) for n in (2, 3, 4)]
            return decode_status(printer, *answers)
        finally:
            self.connection.finish()

    def print_document(
        self,
        doc: PrintDocument,
        *,
        job_id: str | None = None,
        before_send: Callable[[], None] | None = None,
    ) -> None:
        """Render and send ``doc``. ``before_send`` runs once the printer is reachable, right
        before the first byte goes out: the print queue records there that paper may move."""
        data = render_escpos(doc, self.profile, font_path=self.font_path)
        try:
            self.connection.open()
            if before_send is not None:
                before_send()
            self.connection.write(data)
        finally:
            self.connection.finish()

    def close(self) -> None:
        self.connection.close()


class PreviewPrinter(Printer):
    """For machines without a printer: each job becomes ``<job>.png`` and ``<job>.bin``."""

    def __init__(
        self,
        folder: Path,
        profile: PrinterProfile,
        *,
        name: str = "预览打印机",
        font_path: Path | None = None,
    ) -> None:
        connection = open_connection({"connection": "dummy"})
        super().__init__(connection, profile, name=name, font_path=font_path)
        self.folder = folder
        self._sequence = itertools.count(1)

    @property
    def supports_status(self) -> bool:
        return False

    def status(self) -> PrinterState:
        return PrinterState.ONLINE

    def print_document(
        self,
        doc: PrintDocument,
        *,
        job_id: str | None = None,
        before_send: Callable[[], None] | None = None,
    ) -> None:
        data = render_escpos(doc, self.profile, font_path=self.font_path)
        image = png_bytes(doc, self.profile, font_path=self.font_path)
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = _safe_stem(job_id) or time.strftime("%Y%m%d-%H%M%S-") + str(next(self._sequence))
        if before_send is not None:
            before_send()
        (self.folder / f"{stem}.bin").write_bytes(data)
        (self.folder / f"{stem}.png").write_bytes(image)

    def job_files(self, job_id: str) -> tuple[Path, Path]:
        """The ``.png`` and ``.bin`` files written for ``job_id``."""
        stem = _safe_stem(job_id)
        return self.folder / f"{stem}.png", self.folder / f"{stem}.bin"


def _safe_stem(job_id: str | None) -> str:
    if not job_id:
        return ""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in job_id)


def create_printer(config: dict[str, Any]) -> Printer:
    """A printer from configuration, e.g. ``{"connection": "network", "host": "10.0.0.9",
    "profile": "80mm"}`` or ``{"connection": "preview", "folder": "data/prints"}``.

    ``profile`` is a preset name or a dict such as ``{"preset": "58mm", "charset": "gbk",
    "qr": "raster", "cutter": false, "status": false}``; ``font`` is the path of the font for
    rows the printer's own font lacks.
    """
    kind = config.get("connection", "dummy")
    if kind not in PRINTER_CONNECTIONS:
        raise ValueError(f"打印机连接方式“{kind}”无效，可选：{'、'.join(PRINTER_CONNECTIONS)}")
    profile = profile_from_config(config.get("profile"))
    name = str(config.get("name", "打印机"))
    font_path = Path(config["font"]) if config.get("font") else None
    if kind == "preview":
        folder = Path(config.get("folder", "data/prints"))
        return PreviewPrinter(folder, profile, name=name, font_path=font_path)
    return Printer(open_connection(config), profile, name=name, font_path=font_path)
