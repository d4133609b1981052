"""Make a CJK font that covers rare name characters Kivy's default, before any widget exists.

Kivy's bundled Roboto draws boxes for Chinese; every Label uses ``DEFAULT_FONT`` unless told
otherwise, so registering the CJK font under that name covers all widgets, kv rules included.

Finding the font (``devices.fonts.find_cjk_font``) parses font files with fontTools, which
leaves some 40 MB of Python objects behind in a process that runs for months; the search
therefore runs in a short-lived child process, and in this one only if that fails.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_FIND = "from devices.fonts import find_cjk_font; print(find_cjk_font())"
PROJECT_DIR = Path(__file__).resolve().parent.parent


def find_font() -> Path:
    """The CJK font's path, found by a child process (see the module docstring)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _FIND],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=600,  # the first search extracts and prepares the font (about 25 s here)
            check=True,
        )
        path = Path(done.stdout.strip().splitlines()[-1])
        if path.is_file():
            return path
    except (OSError, IndexError, subprocess.SubprocessError):
        log.warning("font search in a child process failed; searching in this one")
    from devices.fonts import find_cjk_font

    return find_cjk_font()


def register_default_font(configured: Path | None = None) -> Path:
    """Register ``configured`` (or the font :func:`find_font` finds) as Kivy's default."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = configured or find_font()
    if not path.exists():
        raise FileNotFoundError(f"找不到配置的字体文件 {path}")
    LabelBase.register(DEFAULT_FONT, str(path))
    return path
