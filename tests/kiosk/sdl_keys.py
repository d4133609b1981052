"""Real key presses for the kiosk under test: SDL keyboard events pushed into SDL's own queue.

A keyboard-wedge reader is a USB keyboard. To type as it does, these helpers push
``SDL_KEYDOWN``/``SDL_KEYUP`` events with the scancode, keycode and modifier state a keyboard
gives (``SDL_PushEvent`` of the SDL library Kivy is linked with), so Kivy's window turns them
into ``on_key_down`` exactly as for a real keyboard: Shift arrives as key 304 with the
codepoint ``"İ"``, Caps Lock as 301 with ``"ĭ"``, and a letter typed with Shift as its
lower-case keycode. Nothing in Kivy or the app is patched.
"""

from __future__ import annotations

import asyncio
import ctypes
from pathlib import Path

import kivy

KEYDOWN, KEYUP = 0x300, 0x301
KMOD_LSHIFT, KMOD_CAPS = 0x0001, 0x2000
SHIFT = (225, 0x400000E1)  # SDL_SCANCODE_LSHIFT, SDLK_LSHIFT
CAPS_LOCK = (57, 0x40000039)  # SDL_SCANCODE_CAPSLOCK, SDLK_CAPSLOCK
ENTER = (40, 13)  # SDL_SCANCODE_RETURN, SDLK_RETURN


class _Keysym(ctypes.Structure):
    _fields_ = [
        ("scancode", ctypes.c_int32),
        ("sym", ctypes.c_int32),
        ("mod", ctypes.c_uint16),
        ("unused", ctypes.c_uint32),
    ]


class _KeyboardEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_uint32),
        ("timestamp", ctypes.c_uint32),
        ("window_id", ctypes.c_uint32),
        ("state", ctypes.c_uint8),
        ("repeat", ctypes.c_uint8),
        ("padding2", ctypes.c_uint8),
        ("padding3", ctypes.c_uint8),
        ("keysym", _Keysym),
    ]


class _Event(ctypes.Union):
    _fields_ = [("key", _KeyboardEvent), ("padding", ctypes.c_uint8 * 56)]


def _sdl() -> ctypes.CDLL:
    """The SDL2 library bundled with Kivy's wheel (already loaded by the window)."""
    libs = Path(kivy.__file__).resolve().parent.parent / "Kivy.libs"
    return ctypes.CDLL(str(next(libs.glob("libSDL2-2*"))))


def key_of(char: str) -> tuple[int, int]:
    """(scancode, keycode) of a digit or letter on a US keyboard; keycodes are lower case."""
    lower = char.lower()
    if lower.isdigit():
        return (39 if lower == "0" else 29 + int(lower)), ord(lower)
    return 4 + ord(lower) - ord("a"), ord(lower)


class Keyboard:
    """Types like a USB keyboard: ``gap`` seconds between consecutive key events."""

    def __init__(self, gap: float = 0.005) -> None:
        self.gap = gap
        self.caps_lock = False
        self._sdl = _sdl()

    async def _push(self, kind: int, key: tuple[int, int], mod: int) -> None:
        event = _Event()
        event.key.type = kind
        event.key.window_id = 1
        event.key.state = 1 if kind == KEYDOWN else 0
        event.key.keysym.scancode, event.key.keysym.sym = key
        event.key.keysym.mod = mod | (KMOD_CAPS if self.caps_lock else 0)
        assert self._sdl.SDL_PushEvent(ctypes.byref(event)) == 1, "SDL_PushEvent failed"
        await asyncio.sleep(self.gap)

    async def press(self, key: tuple[int, int], mod: int = 0) -> None:
        await self._push(KEYDOWN, key, mod)
        await self._push(KEYUP, key, mod)

    async def toggle_caps_lock(self) -> None:
        self.caps_lock = not self.caps_lock
        await self.press(CAPS_LOCK)

    async def type(self, text: str, *, enter: bool = True) -> None:
        """Type ``text`` as a reader does: Shift held around each upper-case letter (unless
        Caps Lock already gives upper case), then Enter."""
        for char in text:
            shifted = char.isalpha() and char.isupper() != self.caps_lock
            if shifted:
                await self._push(KEYDOWN, SHIFT, KMOD_LSHIFT)
            await self.press(key_of(char), KMOD_LSHIFT if shifted else 0)
            if shifted:
                await self._push(KEYUP, SHIFT, 0)
        if enter:
            await self.press(ENTER)
