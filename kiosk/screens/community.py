"""在职党员进社区报到 at the kiosk (docs/meetings.md): the member taps their card, picks the
community branch from a list (no keyboard) and is registered there; the card session ends at
once. Only the masked name is shown."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.client import ApiError
from kiosk.screens.base import KioskScreen
from kiosk.widgets import BigButton

CARD_PROMPT = "在职党员到居住地社区报到：请将党员卡放在读卡区"


class CommunityScreen(KioskScreen):
    prompt = StringProperty(CARD_PROMPT)

    def __init__(self, ctx: Any, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self._token: str | None = None
        self._generation = 0

    def on_pre_enter(self, *_args: object) -> None:
        self._reset()
        self.ctx.nav.hold_taps(self.tapped, stay=False)

    def on_leave(self, *_args: object) -> None:
        self.ctx.nav.release_taps(self.tapped)
        self._reset()

    def clear_member_data(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._generation += 1
        token, self._token = self._token, None
        if token is not None:
            self.ctx.client.end_session(token)
        self.prompt = CARD_PROMPT
        if "branches" in self.ids:
            self.ids.branches.clear_widgets()

    def _current(self, generation: int) -> bool:
        return generation == self._generation

    def tapped(self, uid: str) -> None:
        self._reset()
        generation = self._generation
        self.ctx.client.open_card_session(
            uid,
            lambda answer: self._opened(generation, answer),
            lambda error: self._failed(generation, error),
        )

    def _opened(self, generation: int, answer: dict[str, Any]) -> None:
        if not self._current(generation):
            self.ctx.client.end_session(answer["token"])
            return
        self._token = answer["token"]
        name = answer["member"]["name_masked"]
        self.prompt = f"{name}，请选择要报到的社区党支部"
        self.ctx.client.community_branches(
            lambda found: self._branches(generation, found["items"]),
            lambda error: self._failed(generation, error),
        )

    def _branches(self, generation: int, items: list[dict[str, Any]]) -> None:
        if not self._current(generation):
            return
        box = self.ids.branches
        box.clear_widgets()
        for item in items:
            button = BigButton(text=item["name"])
            button.bind(on_release=lambda _b, org=item: self.choose(generation, org["id"]))
            box.add_widget(button)

    def choose(self, generation: int, org_id: int) -> None:
        if not self._current(generation) or self._token is None:
            return
        self.ctx.client.register_community(
            self._token,
            org_id,
            lambda answer: self._done(generation, answer),
            lambda error: self._failed(generation, error),
        )

    def _done(self, generation: int, answer: dict[str, Any]) -> None:
        if self._current(generation):
            self._reset()
            self.ctx.dialogs.message(answer["message"], then=self.ctx.nav.home)

    def _failed(self, generation: int, error: ApiError) -> None:
        if self._current(generation):
            self._reset()
            self.ctx.dialogs.message(error.message)
