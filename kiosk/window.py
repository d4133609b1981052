"""Kivy settings that must be made before the window exists (importing the Window creates it)."""

from __future__ import annotations

from kiosk.config import KioskConfig


def configure_window(config: KioskConfig) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", str(config.size[0]))
    Config.set("graphics", "height", str(config.size[1]))
    Config.set("graphics", "fullscreen", "auto" if config.fullscreen else "0")
    # No multisampling: kiosk PCs often draw in software (Mesa), where 2× MSAA makes every
    # frame, and every label update waiting for it, several times slower.
    Config.set("graphics", "multisamples", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
