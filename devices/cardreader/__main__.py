"""Technician's tool: list readers, or watch taps and removals.

python -m devices.cardreader --list
python -m devices.cardreader --watch [--reader 'ACS*'] [--type pcsc|wedge]
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Iterator

from devices.cardreader.events import (
    CardEvent,
    CardInserted,
    CardRemoved,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
)
from devices.cardreader.factory import create_reader
from devices.cardreader.wedge import KeyboardWedgeReader
from devices.errors import DeviceError


def describe(event: CardEvent) -> str:
    """One line a technician reads."""
    match event:
        case CardInserted(reader=reader):
            return f"刷卡：卡号 {event.uid_hex}（读卡器：{reader}）"
        case CardRemoved(reader=reader):
            return f"卡片已移开（读卡器：{reader}）"
        case ReaderLost(reader=reader, reason=reason):
            return f"读卡器不可用：{reason}（{reader}）"
        case ReaderRecovered(reader=reader):
            return f"读卡器已恢复：{reader}"
        case UnsupportedCard(reader=reader, atr=atr, status_word=status_word):
            atr_text = atr.hex(" ").upper() if atr else "无"
            return f"无法读取此卡的卡号：状态 {status_word}，ATR {atr_text}（读卡器：{reader}）"
    return repr(event)


def _print_event(event: CardEvent) -> None:
    print(describe(event), flush=True)


def _list() -> int:
    from devices.cardreader.pcsc import list_readers

    readers = list_readers()
    if not readers:
        print("未找到 PC/SC 读卡器。")
        return 1
    for name in readers:
        print(name)
    return 0


def _watch(args: argparse.Namespace) -> int:
    config = {"type": args.type, "reader": args.reader, "uid_format": args.uid_format}
    reader = create_reader(config, _print_event)
    # Ctrl+C and ``kill`` both end the watch cleanly (exit 0), also when a script started the
    # tool with SIGINT ignored, as a shell does for its background jobs.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    hint = "请刷卡（Ctrl+C 退出）……"
    try:
        reader.start()
        print(
            hint if args.type != "wedge" else hint + "（键盘式读卡器：请让本窗口保持焦点）",
            flush=True,
        )
        if isinstance(reader, KeyboardWedgeReader):
            _feed_keys(reader)
        else:
            # Short sleeps rather than one endless wait: Windows interrupts a sleep for Ctrl+C
            # but not necessarily a wait on a lock, and on Linux a signal taken by another
            # thread is still acted on within a second.
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
    return 0


def _feed_keys(reader: KeyboardWedgeReader) -> None:
    """Pass keystrokes one by one, as the kiosk window does."""
    for char in _keystrokes():
        reader.feed(char)


def _keystrokes() -> Iterator[str]:
    """Each key as it is typed: a terminal is switched out of line mode for the watch (POSIX
    ``termios``, Windows ``msvcrt``); piped input is read as it comes."""
    if not sys.stdin.isatty():
        while char := sys.stdin.read(1):
            yield char
    elif sys.platform == "win32":
        import msvcrt

        while (char := msvcrt.getwch()) != "\x1a":  # Ctrl+Z ends the input, as on a pipe
            if char == "\x03":  # the console delivers Ctrl+C as a character in this mode
                raise KeyboardInterrupt
            yield char
    else:
        import termios
        import tty

        saved = termios.tcgetattr(sys.stdin)
        try:
            tty.setcbreak(sys.stdin)
            while char := sys.stdin.read(1):
                yield char
        finally:
            termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devices.cardreader", description="读卡器检测工具"
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--list", action="store_true", help="列出 PC/SC 读卡器")
    action.add_argument("--watch", action="store_true", help="显示每次刷卡的卡号和移开")
    parser.add_argument("--type", choices=["pcsc", "wedge"], default="pcsc", help="读卡器类型")
    parser.add_argument("--reader", help="按名称选择读卡器（支持 * 通配符）")
    parser.add_argument("--uid-format", choices=["decimal", "hex"], default="decimal")
    args = parser.parse_args(argv)
    try:
        return _list() if args.list else _watch(args)
    except DeviceError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
