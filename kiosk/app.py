"""The kiosk application: it wires collaborators together and hands them to the screens.

:func:`create_app` builds everything from a :class:`~kiosk.config.KioskConfig`; tests and the
benchmark call it the same way ``python -m kiosk`` does, with a simulated reader and a preview
printer chosen by configuration rather than by patching.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import dialogs, widgets
from kiosk.board_cache import BoardCache
from kiosk.client import ApiError, BackendClient, clock_deliver
from kiosk.config import KioskConfig
from kiosk.connectivity import ReconnectMonitor
from kiosk.context import Collaborators
from kiosk.controller import KioskController
from kiosk.fonts import find_font, register_default_font
from kiosk.idle import IdleWatch
from kiosk.lockdown import MAINTENANCE_EXIT_STATUS, Lockdown
from kiosk.printing import PrintService
from kiosk.reader import ReaderBridge
from kiosk.screen_sleep import ScreenSleep
from kiosk.screens import build_screens
from kiosk.session import MemberSession
from kiosk.theme import Theme
from kiosk.upkeep import PushedSettings
from kiosk.voice import VoicePrompts

log = logging.getLogger(__name__)

KIOSK_VERSION = "kiosk-0.1"
OFFLINE_BANNER = "网络连接中断，正在自动重连…　暂时不能刷卡查询，请稍后再试"
OFFLINE_BOARD_NOTE = "离线显示，内容更新于 {saved_at}"


class KioskApp(App):
    title = "党员服务大厅"
    theme = ObjectProperty(None)
    kiosk_member_active = BooleanProperty(False)
    online = BooleanProperty(True)

    def __init__(
        self,
        config: KioskConfig,
        client: BackendClient,
        printing: PrintService | None,
        font_path: Path | None = None,
        **kwargs: Any,
    ) -> None:
        """``font_path`` is the CJK font for every label; by default the configured one, or
        the one :func:`kiosk.fonts.find_font` finds."""
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.exit_status = 0
        self._stopped = False
        self.pushed = PushedSettings(self, report=lambda: Clock.schedule_once(self._beat_now, 0))
        self.pushed.load_cached()
        config = self.kiosk_config
        client.board_cache = BoardCache(config.cache_folder / "board")
        self.client = client
        self.printing = printing
        self.session = MemberSession()
        self.dialogs = dialogs.DialogHost(config.message_seconds)
        self.theme = Theme(large_text=config.large_text, high_contrast=config.high_contrast)
        self.monitor = ReconnectMonitor(client, interval=config.health_seconds)
        self.controller: Any
        if config.mode == "counter":
            from kiosk.counter.controller import CounterController

            self.controller = CounterController(
                config,
                client,
                self.session,
                self.dialogs,
                printing=printing,
                on_member_active=self._member_active,
            )
        else:
            self.controller = KioskController(
                config, client, self.session, self.dialogs, on_member_active=self._member_active
            )
        self.reader: ReaderBridge | None = None
        self.font_path = font_path or config.font
        self._heartbeats: list[Any] = []

    def build(self) -> FloatLayout:
        from kivy.core.window import Window

        self.font_path = register_default_font(self.font_path)
        widgets.load_kv()
        dialogs.load_kv()
        if self.kiosk_config.mode == "counter":
            from kiosk.counter import register_screens

            register_screens()
        ctx = Collaborators(
            config=self.kiosk_config,
            client=self.client,
            session=self.session,
            dialogs=self.dialogs,
            printing=self.printing,
            nav=self.controller,
            theme=self.theme,
        )
        self.ctx = ctx
        self.sm = ScreenManager(transition=NoTransition())
        for screen in build_screens(ctx, self.kiosk_config.mode):
            self.sm.add_widget(screen)
        self.voice = VoicePrompts(
            self.kiosk_config.voice if self.kiosk_config.mode != "counter" else {},
            shows_member=lambda: self.kiosk_config.shows_member,
            summary=lambda: self.session.summary,
            on_change=self._refresh_status,
        )
        self.idle = IdleWatch(
            self.dialogs,
            idle_seconds=self.kiosk_config.idle_seconds,
            countdown_seconds=self.kiosk_config.countdown_seconds,
            attract_seconds=self.kiosk_config.attract_seconds,
            on_timeout=self._idle_timeout,
            on_attract=self._idle_attract,
            on_countdown=self.voice.idle_warning,
        )
        self.controller.attach(self.sm, self.idle)
        self.voice.follow(self.sm, self.controller)
        self.banner = widgets.OfflineBanner(text=OFFLINE_BANNER, pos_hint={"top": 1})
        root = FloatLayout()
        root.add_widget(self.sm)
        self.reader = ReaderBridge(
            self.kiosk_config.reader,
            clock_deliver,
            on_card=self._card_tapped,
            on_removed=self.controller.card_removed,
            on_status=self._reader_status,
            on_unsupported=self.controller.unsupported_card,
        )
        Window.bind(on_touch_down=self._touched, on_key_down=self._key_down)
        self.lockdown = Lockdown(
            locked=self.kiosk_config.locked,
            pin_hash=self.pushed.pin_hash,
            on_unlock=self._maintenance_exit,
        )
        self.lockdown.bind(Window)
        self.sleeper = ScreenSleep(
            root,
            sleep_from=self.kiosk_config.sleep_from,
            sleep_until=self.kiosk_config.sleep_until,
            awake_seconds=self.kiosk_config.attract_seconds,
            off_command=self.kiosk_config.screen_off_command,
            on_command=self.kiosk_config.screen_on_command,
            before_sleep=self._before_sleep,
        )
        self.client.add_connectivity_listener(self._connectivity)
        self.client.add_cache_listener(self._shown_from_cache)
        if self.printing is not None:
            self.printing.on_state(lambda _state: self._refresh_status())
        self.root_layout = root
        return root

    def on_start(self) -> None:
        assert self.reader is not None
        self.reader.start()
        if self.printing is not None:
            self.printing.start()
        self.monitor.start()
        self.sleeper.start()
        self.controller.go("home")
        self._refresh_status()
        self._heartbeats = [
            Clock.schedule_once(lambda _dt: self._send_heartbeat(), 2),
            Clock.schedule_interval(
                lambda _dt: self._send_heartbeat(), self.kiosk_config.heartbeat_seconds
            ),
        ]

    def on_stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.sleeper.stop()
        if self.session.active or self.kiosk_config.mode == "counter":
            self.controller.leave()  # the counter: lock, ending the staff token
        for event in self._heartbeats:
            event.cancel()
        if self.reader is not None:
            self.reader.stop()
        self.monitor.stop()
        self.voice.close()
        if self.printing is not None:
            self.printing.stop()
        self.client.close()

    # -- nobody there any more -------------------------------------------------------------

    def _idle_timeout(self) -> None:
        """The idle countdown ran out: the member is gone, and so are their display choices."""
        self.theme.restore_defaults()
        self.controller.leave()

    def _idle_attract(self) -> None:
        self.theme.restore_defaults()
        self.controller.attract()

    # -- state shown everywhere ------------------------------------------------------------

    def _member_active(self, active: bool) -> None:
        self.kiosk_member_active = active
        if not active:
            self.voice.member_left()  # card removed, 退出, idle: stop talking about them

    def _connectivity(self, online: bool) -> None:
        self.online = online
        if online and self.banner.parent is not None:
            self.root_layout.remove_widget(self.banner)
            self.banner.text = OFFLINE_BANNER
        elif not online and self.banner.parent is None:
            self.root_layout.add_widget(self.banner)
        if not online:
            self.monitor.wake()

    def _shown_from_cache(self, saved_at: str) -> None:
        """The board shows what the kiosk kept: say so, and how old it is."""
        self.banner.text = f"{OFFLINE_BANNER}\n{OFFLINE_BOARD_NOTE.format(saved_at=saved_at)}"
        if self.banner.parent is None:
            self.root_layout.add_widget(self.banner)

    def _reader_status(self, _problem: str | None) -> None:
        self._refresh_status()

    def _refresh_status(self) -> None:
        problems = []
        if self.reader is not None and self.reader.problem:
            problems.append(self.reader.problem)
        if self.printing is not None and not self.printing.ready:
            problems.append("打印机暂时无法使用，请联系工作人员")
        if self.voice.problem:
            problems.append(self.voice.problem)
        if self.sm.has_screen("home"):
            self.sm.get_screen("home").status_text = "；".join(problems)

    def _touched(self, *_args: Any) -> None:
        self.idle.activity()
        self.sleeper.activity()

    def _card_tapped(self, uid_hex: str) -> None:
        self.sleeper.wake()
        self.controller.card_tapped(uid_hex)

    def _before_sleep(self) -> None:
        """The screen goes black: nobody is reading it, so nobody's data stays behind it."""
        if self.session.active:
            self.controller.leave()
        self.dialogs.close_all()

    def _maintenance_exit(self) -> None:
        """Staff gave the maintenance PIN: end the app with the status its service unit does
        not restart after (docs/kiosk.md, Lock-down)."""
        self.exit_status = MAINTENANCE_EXIT_STATUS
        self.stop()

    def _key_down(self, window: Any, key: int, scancode: int, codepoint: str | None, *rest: Any):
        self.idle.activity()
        self.sleeper.activity()
        if self.reader is not None:
            return self.reader.key_down(window, key, scancode, codepoint, *rest)
        return False

    def _send_heartbeat(self) -> None:
        """Tell the backend (``POST /kiosk/heartbeat``) this kiosk is alive, and how its
        printer and reader are; no member data goes with it."""
        printer = "none"
        if self.printing is not None:
            printer = self.printing.state.value if self.printing.state else "unknown"
        status: dict[str, Any] = {
            "printer": printer,
            "reader": "lost" if self.reader is not None and self.reader.problem else "ok",
            "version": KIOSK_VERSION,
        }
        if self.pushed.version is not None:
            status["config_version"] = self.pushed.version
        self.client.heartbeat(status, self.pushed.heartbeat_answer, self._heartbeat_failed)

    def _beat_now(self, _dt: float = 0) -> None:
        self._send_heartbeat()

    def _heartbeat_failed(self, error: ApiError) -> None:
        if error.status in (404, 405):
            for event in self._heartbeats:
                event.cancel()  # this backend does not take heartbeats (yet)


def create_app(config: KioskConfig) -> KioskApp:
    """The app with a backend client and the configured printer behind a durable queue.

    The screens and the printer's raster rows use one font, found once here: searching again
    in this process for each print would leave the search's parsed fonts in memory.
    """
    from devices.printer import PrintQueue, create_printer

    font_path = config.font or find_font()
    client = BackendClient(config.backend_url, config.device_key, timeout=config.timeout)
    printing: PrintService | None = None
    if config.printer.get("connection") != "none":
        printer_config = {**config.printer, "font": config.printer.get("font") or str(font_path)}
        queue = PrintQueue(config.print_queue, create_printer(printer_config))
        printing = PrintService(queue, clock_deliver)
    return KioskApp(config, client, printing, font_path=font_path)
