"""The kiosk's meeting attendance mode: who put it there, for which meeting, and its calls.

A staff member taps their staff card and types their PIN (``/auth/card-login``, as at the
counter), chooses one of today's meetings, and leaves the kiosk signing members in by card tap
(``/meetings/<id>/sign-in``). The staff token and the staff card's UID live only here, in
memory; leaving the mode needs the PIN again, checked by the backend, after which the token is
ended on the server. Answers that arrive after the mode ended are dropped (``generation``).
See docs/meetings.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.client import ApiError, BackendClient

OnOk = Callable[[Any], None]
OnError = Callable[[ApiError], None]


class AttendanceMode:
    def __init__(self, client: BackendClient) -> None:
        self.client = client
        self.staff_uid: str | None = None
        self.token: str | None = None
        self.staff_name = ""
        self.meeting: dict[str, Any] | None = None
        self.generation = 0

    @property
    def active(self) -> bool:
        return self.token is not None and self.meeting is not None

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        generation = self.generation

        def guarded(value: Any) -> None:
            if generation == self.generation:
                callback(value)

        return guarded

    def staff_sign_in(self, uid: str, pin: str, on_ok: OnOk, on_error: OnError) -> None:
        def signed(answer: dict[str, Any]) -> None:
            self.staff_uid, self.token = uid, answer["token"]
            user = answer.get("user") or {}
            self.staff_name = str(user.get("full_name") or user.get("username") or "")
            on_ok(answer)

        self.client.staff_card_login(uid, pin, self._guard(signed), self._guard(on_error))

    def meetings_today(self, on_ok: OnOk, on_error: OnError) -> None:
        assert self.token is not None
        self.client.staff(
            self.token,
            "GET",
            "/meetings/today",
            self._guard(lambda answer: on_ok(answer["items"])),
            self._guard(on_error),
        )

    def choose(self, meeting: dict[str, Any]) -> None:
        self.meeting = meeting

    def sign_in(self, uid: str, on_ok: OnOk, on_error: OnError) -> None:
        if not self.active:
            return
        assert self.token is not None and self.meeting is not None
        self.client.staff(
            self.token,
            "POST",
            f"/meetings/{self.meeting['id']}/sign-in",
            self._guard(on_ok),
            self._guard(on_error),
            json={"uid": uid},
        )

    def check_pin(self, pin: str, on_ok: Callable[[], None], on_error: OnError) -> None:
        """The PIN of the staff card that started the mode, checked by the backend."""
        if self.staff_uid is None:
            on_ok()
            return

        def right(answer: dict[str, Any]) -> None:
            self.client.staff_logout(answer["token"])  # only the check: end it at once
            on_ok()

        self.client.staff_card_login(self.staff_uid, pin, self._guard(right), self._guard(on_error))

    def end(self) -> None:
        """Leave the mode: forget everything and end the staff token on the server."""
        token = self.token
        self.generation += 1
        self.staff_uid = self.token = self.meeting = None
        self.staff_name = ""
        if token is not None:
            self.client.staff_logout(token)
