"""Connections to printers through python-escpos: the only module that imports ``escpos``.

python-escpos provides the transports (USB, serial, network, device file, the Windows spooler,
dummy); this package produces the ESC/POS bytes itself, so only the raw transport methods are
used. Errors are sorted by what they mean for a receipt: :class:`PrinterUnavailable` — nothing
was sent, safe to retry; :class:`PrintInterrupted` — the link broke while sending, part of the
job may be on paper.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from devices.errors import DeviceDependencyError, DeviceError
from devices.printer.commands import status_request

log = logging.getLogger(__name__)

CONNECTION_TYPES = ("dummy", "file", "network", "serial", "usb", "win32raw")
#: The name the Windows spooler shows for the kiosk's jobs.
SPOOLER_JOB_NAME = "党员服务大厅"
WIN32RAW_HINT = (
    "“win32raw”方式通过 Windows 打印队列打印，需要 pywin32（win32print）：只能在 Windows 上使用，"
    "请安装（pip install -r requirements/kiosk.txt 会在 Windows 上装好 pywin32）。"
    " / The win32raw printer needs pywin32 and runs on Windows only."
)


class PrinterUnavailable(DeviceError):
    """The printer could not be reached; no byte of the job was sent."""


class PrintInterrupted(DeviceError):
    """Sending failed part-way: some of the job may have been printed."""


class Connection:
    """One printer link. Network links are opened per job or status poll, as raw port 9100
    printing expects; device links (file, serial, USB) stay open. A ``win32raw`` link is one
    spooler document per job: opening starts the document, closing hands it to Windows."""

    def __init__(
        self,
        kind: str,
        device: Any,
        *,
        status_timeout: float = 1.0,
        write_timeout: float = 30.0,
    ) -> None:
        self.kind = kind
        self._device = device
        self._open = False
        self.status_timeout = status_timeout
        self.write_timeout = write_timeout

    @property
    def supports_status(self) -> bool:
        """Whether the link can carry the printer's answers back (file and dummy cannot)."""
        return self.kind in ("network", "serial", "usb")

    @property
    def per_operation(self) -> bool:
        return self.kind in ("network", "win32raw")

    def reachable(self) -> bool:
        """Whether the printer can be reached now, for printers that report no status.

        Opening a spooler link would start an empty print job, so a ``win32raw`` printer is
        only looked up among the printers Windows knows."""
        if self.kind == "win32raw":
            try:
                wanted = self._device.printer_name
                return bool(wanted) and wanted in self._device.printers
            except Exception as exc:  # pywin32 raises its own error type
                log.debug("listing Windows printers failed: %s", exc)
                return False
        try:
            self.open()
        except PrinterUnavailable:
            return False
        self.finish()
        return True

    @property
    def output(self) -> bytes:
        """Everything sent so far (dummy connections only)."""
        return bytes(self._device.output)

    def open(self) -> None:
        if self._open:
            return
        from escpos.exceptions import DeviceNotFoundError

        try:
            if self.kind == "network":
                # escpos' Network.open() drops the socket of a refused connection unclosed;
                # connect here and hand the socket to it (its _raw/close are used as usual).
                device = self._device
                address = (device.host, device.port)
                device.device = socket.create_connection(address, timeout=device.timeout)
            elif self.kind == "win32raw":
                self._device.open(job_name=SPOOLER_JOB_NAME)
            else:
                self._device.open()
        except (DeviceNotFoundError, OSError, ValueError) as exc:
            raise PrinterUnavailable(f"无法连接打印机（{self.kind}）：{exc}") from exc
        except Exception as exc:
            if type(exc).__name__ == "NoBackendError":  # pyusb without libusb
                raise DeviceDependencyError(
                    "USB 打印机需要 libusb：请安装 libusb-1.0-0（apt-get install libusb-1.0-0）。"
                ) from exc
            raise
        self._open = True
        sock = self._socket()
        if sock is not None:
            # escpos used its timeout for connecting; a paper-out printer may hold a long job.
            sock.settimeout(self.write_timeout)

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            self._device.close()
        except Exception as exc:  # closing a dead link must not hide the original error
            log.debug("closing printer link failed: %s", exc)

    def finish(self) -> None:
        """End of one job or status poll."""
        if self.per_operation:
            self.close()

    def write(self, data: bytes) -> None:
        """Send ``data``; :class:`PrinterUnavailable` if the link cannot even be opened."""
        self.open()
        try:
            self._device._raw(data)
        except Exception as exc:
            self.close()
            raise PrintInterrupted(f"发送到打印机时中断：{exc}") from exc

    def read_status(self, n: int) -> int | None:
        """Ask DLE EOT ``n`` and return the answer byte, or ``None`` without an answer."""
        if not self.supports_status:
            return None
        try:
            self.open()
            self._discard_stale_input()
            self._device._raw(status_request(n))
            answer = self._read()
        except DeviceDependencyError:
            raise
        except Exception as exc:  # sockets, pyserial and pyusb each raise their own errors
            log.debug("status query %d failed: %s", n, exc)
            self.close()
            return None
        return answer[-1] if answer else None

    def _socket(self) -> socket.socket | None:
        sock = getattr(self._device, "_device", None)
        return sock if isinstance(sock, socket.socket) else None

    def _discard_stale_input(self) -> None:
        """Drop late answers to earlier queries so this answer is not mistaken for one."""
        sock = self._socket()
        if sock is not None:
            sock.setblocking(False)
            try:
                while sock.recv(64):
                    pass
            except (BlockingIOError, InterruptedError):
                pass
            finally:
                sock.settimeout(self.write_timeout)
        elif self.kind == "serial":
            self._device.device.reset_input_buffer()

    def _read(self) -> bytes:
        sock = self._socket()
        if sock is None:
            return bytes(self._device._read())
        sock.settimeout(self.status_timeout)
        try:
            return sock.recv(16)
        except TimeoutError:
            return b""
        finally:
            sock.settimeout(self.write_timeout)


def open_connection(config: dict[str, Any]) -> Connection:
    """A connection from configuration; ``config["connection"]`` picks the transport."""
    kind = config.get("connection", "dummy")
    status_timeout = float(config.get("status_timeout", 1.0))
    if kind not in CONNECTION_TYPES:
        raise ValueError(f"打印机连接方式“{kind}”无效，可选：{'、'.join(CONNECTION_TYPES)}")
    from escpos import printer as escpos_printer

    if kind == "dummy":
        device: Any = escpos_printer.Dummy()
    elif kind == "file":
        device = escpos_printer.File(devfile=_required(config, "path"))
    elif kind == "network":
        device = escpos_printer.Network(
            host=_required(config, "host"),
            port=int(config.get("port", 9100)),
            timeout=float(config.get("connect_timeout", 3)),
        )
    elif kind == "serial":
        if not escpos_printer.Serial.is_usable():
            raise DeviceDependencyError(
                "串口打印机需要 pyserial：请安装（pip install pyserial）。"
                " / Serial printers need the pyserial package."
            )
        device = escpos_printer.Serial(
            devfile=_required(config, "path"),
            baudrate=int(config.get("baudrate", 9600)),
            timeout=status_timeout,
            dsrdtr=bool(config.get("dsrdtr", True)),
        )
    elif kind == "win32raw":
        if not escpos_printer.Win32Raw.is_usable():
            raise DeviceDependencyError(WIN32RAW_HINT)
        device = escpos_printer.Win32Raw(printer_name=str(_required(config, "printer_name")))
    else:
        if not escpos_printer.Usb.is_usable():
            raise DeviceDependencyError(
                "USB 打印机需要 pyusb 和 libusb：请安装（pip install pyusb；"
                "apt-get install libusb-1.0-0）。 / USB printers need pyusb and libusb-1.0-0."
            )
        device = escpos_printer.Usb(
            idVendor=_hex_or_int(_required(config, "vendor_id")),
            idProduct=_hex_or_int(_required(config, "product_id")),
            timeout=int(config.get("timeout_ms", 5000)),
            in_ep=_hex_or_int(config.get("in_ep", 0x82)),
            out_ep=_hex_or_int(config.get("out_ep", 0x01)),
        )
    write_timeout = float(config.get("write_timeout", 30))
    return Connection(kind, device, status_timeout=status_timeout, write_timeout=write_timeout)


def _required(config: dict[str, Any], key: str) -> Any:
    if key not in config or config[key] in ("", None):
        raise ValueError(f"打印机设置缺少“{key}”")
    return config[key]


def _hex_or_int(value: Any) -> int:
    return int(value, 0) if isinstance(value, str) else int(value)
