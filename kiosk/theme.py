"""Colours and sizes in one place, so large-text and high-contrast modes change everything at once.

Sizes are physical: a touch target is at least 15 mm high on any screen (``kivy.metrics.mm``
uses the display's DPI). Text sizes are scaled by ``scale`` (1.0, or 1.3 in large-text mode).
The kv files read ``app.theme``; the palette is chosen for legibility, not decoration.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import mm, sp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty

LARGE_TEXT_SCALE = 1.3

_NORMAL = {
    "background": (0.98, 0.97, 0.95, 1),
    "surface": (1, 1, 1, 1),
    "text": (0.13, 0.13, 0.13, 1),
    "muted": (0.35, 0.35, 0.35, 1),
    "primary": (0.72, 0.07, 0.07, 1),
    "primary_text": (1, 1, 1, 1),
    "secondary": (0.93, 0.89, 0.82, 1),
    "secondary_text": (0.25, 0.1, 0.05, 1),
    "paid": (0.84, 0.93, 0.84, 1),
    "unpaid": (0.99, 0.86, 0.82, 1),
    "not_due": (0.92, 0.92, 0.92, 1),
    "warning": (0.75, 0.2, 0.0, 1),
    "banner": (0.55, 0.12, 0.0, 1),
    "banner_text": (1, 1, 1, 1),
}
_HIGH_CONTRAST = {
    "background": (0, 0, 0, 1),
    "surface": (0.08, 0.08, 0.08, 1),
    "text": (1, 1, 1, 1),
    "muted": (0.9, 0.9, 0.9, 1),
    "primary": (1, 0.85, 0, 1),
    "primary_text": (0, 0, 0, 1),
    "secondary": (0.2, 0.2, 0.2, 1),
    "secondary_text": (1, 1, 1, 1),
    "paid": (0, 0.35, 0, 1),
    "unpaid": (0.5, 0, 0, 1),
    "not_due": (0.2, 0.2, 0.2, 1),
    "warning": (1, 0.85, 0, 1),
    "banner": (1, 0.85, 0, 1),
    "banner_text": (0, 0, 0, 1),
}


class Theme(EventDispatcher):
    scale = NumericProperty(1.0)
    high_contrast = BooleanProperty(False)
    touch = NumericProperty(mm(15))
    gap = NumericProperty(mm(3))

    background = ColorProperty(_NORMAL["background"])
    surface = ColorProperty(_NORMAL["surface"])
    text = ColorProperty(_NORMAL["text"])
    muted = ColorProperty(_NORMAL["muted"])
    primary = ColorProperty(_NORMAL["primary"])
    primary_text = ColorProperty(_NORMAL["primary_text"])
    secondary = ColorProperty(_NORMAL["secondary"])
    secondary_text = ColorProperty(_NORMAL["secondary_text"])
    paid = ColorProperty(_NORMAL["paid"])
    unpaid = ColorProperty(_NORMAL["unpaid"])
    not_due = ColorProperty(_NORMAL["not_due"])
    warning = ColorProperty(_NORMAL["warning"])
    banner = ColorProperty(_NORMAL["banner"])
    banner_text = ColorProperty(_NORMAL["banner_text"])

    def __init__(self, *, large_text: bool = False, high_contrast: bool = False) -> None:
        super().__init__()
        self._defaults = (large_text, high_contrast)
        self.restore_defaults()

    def set_defaults(self, *, large_text: bool, high_contrast: bool) -> None:
        """A new configured look (pushed from the console); applied at the next restore."""
        self._defaults = (large_text, high_contrast)

    def restore_defaults(self) -> None:
        """Back to the configured look: what one member chose is not kept for the next."""
        large_text, high_contrast = self._defaults
        self.set_large_text(large_text)
        self.set_high_contrast(high_contrast)

    def set_large_text(self, on: bool) -> None:
        self.scale = LARGE_TEXT_SCALE if on else 1.0

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        for name, value in (_HIGH_CONTRAST if on else _NORMAL).items():
            setattr(self, name, value)

    def font(self, size: float) -> float:
        """A text size in scaled pixels, enlarged in large-text mode."""
        return sp(size) * self.scale
