"""The staff API as the counter screens use it: named calls over ``BackendClient.staff``.

Every call carries the signed-in staff member's token and remembers the session generation it
was made in: an answer arriving after a lock or sign-out is dropped. A 401 (token expired or
revoked) goes to ``on_expired``; other errors go to the caller's ``on_error``, or to the
default handler, which shows the backend's Chinese message as is.

Voids, transfers and letters carry an idempotency key (``once=True``): the same request sent
again in the same sign-in — the clerk presses the button again after a time-out, though the
backend had done it — reuses its key, and the backend answers with the first answer instead of
voiding, transferring or issuing twice (docs/counter.md). A key is forgotten once answered.
"""

from __future__ import annotations

import json as json_text
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from kiosk.client import ApiError, BackendClient
from kiosk.counter.staff import StaffSession

OnOk = Callable[[Any], None]
OnError = Callable[[ApiError], None]


class CounterApi:
    def __init__(
        self,
        client: BackendClient,
        staff: StaffSession,
        *,
        on_error: OnError,
        on_expired: OnError,
    ) -> None:
        self.client = client
        self.staff = staff
        self.on_error = on_error
        self.on_expired = on_expired
        #: Requests that change something, not yet answered: call number → session generation.
        self._writes: dict[int, int] = {}
        self._calls = 0
        #: Idempotency keys of requests not yet answered: request → key.
        self._keys: dict[str, str] = {}

    @property
    def writes_in_flight(self) -> int:
        """Requests of this sign-in that change something and have no answer yet (a card tap
        waits for them: ``kiosk/counter/tap_guard.py``)."""
        return sum(1 for g in self._writes.values() if self.staff.is_current(g))

    # -- members and dues ---------------------------------------------------------------------

    def search(self, q: str, on_ok: OnOk, on_error: OnError | None = None) -> Future[Any] | None:
        return self._call("GET", "/members", on_ok, on_error, params={"q": q, "limit": 20})

    def member(self, member_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("GET", f"/members/{member_id}", on_ok, on_error)

    def ledger(
        self, member_id: int, year: int | None, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        params = {"year": year} if year else None
        return self._call("GET", f"/members/{member_id}/ledger", on_ok, on_error, params=params)

    def payments(self, member_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("GET", f"/members/{member_id}/payments", on_ok, on_error)

    def pay(
        self, member_id: int, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        return self._call("POST", f"/members/{member_id}/payments", on_ok, on_error, json=body)

    def void(
        self, payment_id: int, reason: str, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        body = {"reason": reason}
        path = f"/payments/{payment_id}/void"
        return self._call("POST", path, on_ok, on_error, json=body, once=True)

    def reprint_slip(self, payment_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("POST", f"/payments/{payment_id}/reprint", on_ok, on_error)

    def assess(
        self, category: str, base: str | None, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        body = {"category": category, "base": base}
        return self._call("POST", "/dues/assess", on_ok, on_error, json=body)

    def set_amount(
        self, member_id: int, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        return self._call("POST", f"/members/{member_id}/dues-amount", on_ok, on_error, json=body)

    # -- the day close (日结) ----------------------------------------------------------------

    def day_close(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        """Today's close of the signed-in clerk: the stored one, or a preview."""
        return self._call("GET", "/counter/day-close", on_ok, on_error)

    def close_day(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("POST", "/counter/day-close", on_ok, on_error, json={})

    def reprint_day_close(self, close_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("POST", f"/day-closes/{close_id}/reprint", on_ok, on_error)

    # -- cards --------------------------------------------------------------------------------

    def card_lookup(self, uid: str, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        body = {"uid": uid}
        return self._call("POST", "/counter/cards/lookup", on_ok, on_error, json=body, write=False)

    def issue_card(
        self,
        member_id: int,
        uid: str,
        replace: str | None,
        on_ok: OnOk,
        on_error: OnError | None = None,
    ) -> Any:
        body = {"uid": uid, "replace": replace}
        return self._call("POST", f"/members/{member_id}/cards", on_ok, on_error, json=body)

    def report_lost(self, member_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("POST", f"/members/{member_id}/cards/lost", on_ok, on_error)

    # -- transfers and letters ----------------------------------------------------------------

    def branches(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("GET", "/counter/branches", on_ok, on_error)

    def transfer(
        self, kind: str, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        """``kind``: ``within`` | ``out`` | ``in``."""
        return self._call("POST", f"/transfers/{kind}", on_ok, on_error, json=body, once=True)

    def transfers(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("GET", "/transfers", on_ok, on_error)

    def letters(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("GET", "/letters", on_ok, on_error)

    def overdue_letters(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        """Introduction letters past validity whose 回执 has not come back (the warning list)."""
        return self._call("GET", "/letters/expired", on_ok, on_error)

    def record_return(
        self, letter_id: int, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        """回执登记: ``{"returned_on": "2026-03-02", "handler": …, "phone": …}``."""
        path = f"/letters/{letter_id}/return"
        return self._call("POST", path, on_ok, on_error, json=body, once=True)

    def reprint_transfer(
        self, transfer_id: int, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        return self._call("POST", f"/transfers/{transfer_id}/reprint", on_ok, on_error)

    def reprint_letter(self, letter_id: int, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        return self._call("POST", f"/letters/{letter_id}/reprint", on_ok, on_error)

    # -- floating members: 党员证明信 and 流动党员活动证 ----------------------------------------

    def issue_certificate(
        self, member_id: int, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        path = f"/members/{member_id}/certificate"
        return self._call("POST", path, on_ok, on_error, json=body, once=True)

    def issue_floating_card(
        self, member_id: int, body: dict[str, Any], on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        path = f"/members/{member_id}/floating-card"
        return self._call("POST", path, on_ok, on_error, json=body, once=True)

    def floating_cards(self, on_ok: OnOk, on_error: OnError | None = None) -> Any:
        """The valid 流动党员活动证 in the staff member's scope (the screen picks its member's)."""
        params = {"kind": "floating", "status": "valid"}
        return self._call("GET", "/letters", on_ok, on_error, params=params)

    def review_letter(
        self, letter_id: int, year: int, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        body = {"year": year}
        return self._call("POST", f"/letters/{letter_id}/review", on_ok, on_error, json=body)

    def revoke_letter(
        self, letter_id: int, reason: str, on_ok: OnOk, on_error: OnError | None = None
    ) -> Any:
        """Revoking a 流动党员活动证 ends the member's floating (the backend clears the flag)."""
        body = {"reason": reason}
        path = f"/letters/{letter_id}/revoke"
        return self._call("POST", path, on_ok, on_error, json=body, once=True)

    # -- plumbing -----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        on_ok: OnOk,
        on_error: OnError | None,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        write: bool | None = None,
        once: bool = False,
    ) -> Future[Any] | None:
        """``write``: the call changes something (default: every method but GET). ``once``:
        send an idempotency key, the same for a repeat of this request (module docstring)."""
        token = self.staff.token
        if token is None:
            return None
        request = ""
        if once:
            request = f"{token} {method} {path} {json_text.dumps(json, sort_keys=True)}"
            key = self._keys.setdefault(request, uuid.uuid4().hex)
            json = {**(json or {}), "idempotency_key": key}
        generation = self.staff.generation
        handler = on_error or self.on_error
        self._calls += 1
        number = self._calls
        if method != "GET" if write is None else write:
            self._writes[number] = generation

        def ok(result: Any) -> None:
            self._writes.pop(number, None)
            self._keys.pop(request, None)
            if self.staff.is_current(generation):
                on_ok(result)

        def failed(error: ApiError) -> None:
            self._writes.pop(number, None)
            if not self.staff.is_current(generation):
                return
            if error.status == 401:
                self.on_expired(error)
            else:
                handler(error)

        return self.client.staff(token, method, path, ok, failed, json=json, params=params)
