"""What a screen is given when it is built: its collaborators, never globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.client import ApiError, BackendClient
from kiosk.config import KioskConfig
from kiosk.dialogs import DialogHost
from kiosk.printing import PrintService
from kiosk.session import MemberSession

if TYPE_CHECKING:
    from kiosk.theme import Theme


class Navigator(Protocol):
    """What screens may ask of the app: go somewhere, look a member up, leave, report."""

    def go(self, name: str) -> None: ...

    def home(self) -> None: ...

    def leave(self) -> None: ...

    def manual_lookup(self, card_no: str, id_last6: str) -> None: ...

    def show_error(self, error: ApiError, *, then_home: bool = False) -> None: ...

    def open_document(self, doc_id: int | str) -> None: ...

    def hold_taps(self, owner: Callable[[str], None], *, stay: bool = True) -> None: ...

    def release_taps(self, owner: Callable[[str], None] | None = None) -> None: ...


@dataclass
class Collaborators:
    config: KioskConfig
    client: BackendClient
    session: MemberSession
    dialogs: DialogHost
    printing: PrintService | None
    nav: Navigator
    theme: Theme
