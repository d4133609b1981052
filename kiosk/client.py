"""The one module that talks to the backend.

Every call runs on a small worker pool, never on the UI thread; its result (or an
:class:`ApiError`) is handed to a ``deliver`` function, by default ``Clock.schedule_once``, so
callbacks run on the UI thread. Timeouts are short: a kiosk that waits 30 s for a dead server
looks broken, one that says "暂时无法连接" after 3 s does not.

Member data never travels in URLs: the card UID goes in a JSON body and the session token in
the ``X-Kiosk-Session`` header.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from kiosk.board_cache import BoardCache

log = logging.getLogger(__name__)

SESSION_HEADER = "X-Kiosk-Session"
OFFLINE_CODE = "offline"
MAX_CARD_NO_DIGITS = 10  # the backend's limit on a typed card number
OFFLINE_MESSAGE = "暂时无法连接服务器，请稍后再试或联系工作人员"
BAD_ANSWER_MESSAGE = "服务器返回的数据有误，请联系工作人员"

Deliver = Callable[[Callable[[], None]], None]
OnOk = Callable[[Any], None]
OnError = Callable[["ApiError"], None]


class ApiError(Exception):
    """A failed call: the backend's ``{"code", "message"}``, or ``offline`` when unreachable."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details  # e.g. {"field": "id_last6"} for a wrong manual entry

    @property
    def offline(self) -> bool:
        return self.code == OFFLINE_CODE

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r})"


def clock_deliver(callback: Callable[[], None]) -> None:
    """Run ``callback`` on Kivy's UI thread at the next frame.

    An answer that arrives after the app has stopped is dropped: its screen is gone, and
    building widgets without a running app fails inside Kivy's rule engine.
    """
    from kivy.app import App
    from kivy.clock import Clock

    def run(_dt: float) -> None:
        if App.get_running_app() is not None:
            callback()

    Clock.schedule_once(run, 0)


class BackendClient:
    """The kiosk API of the backend, as non-blocking calls with UI-thread callbacks.

    ``connectivity`` listeners learn (on the UI thread) when the backend stops or starts
    answering; any answer at all, even an error, means it is reachable.
    """

    def __init__(
        self,
        base_url: str,
        device_key: str,
        *,
        timeout: float = 3.0,
        deliver: Deliver = clock_deliver,
        workers: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._deliver = deliver
        self._http = requests.Session()
        self._http.headers.update({"X-Device-Key": device_key, "Accept": "application/json"})
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-api")
        self._lock = threading.Lock()
        self._etags: dict[str, tuple[str, Any]] = {}
        self._listeners: list[Callable[[bool], None]] = []
        self.online: bool | None = None
        # The hall's card-number width, from ``/health`` (None until the backend has answered).
        self.card_no_digits: int | None = None
        self._closed = False
        #: Public board answers kept on disk and served while offline (``kiosk/board_cache.py``).
        self.board_cache: BoardCache | None = None
        self._cache_listeners: list[Callable[[str], None]] = []

    # -- the kiosk API (each returns a Future; callbacks run via ``deliver``) ----------------

    def open_card_session(self, uid: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "POST", "/kiosk/card-session", json={"uid": uid})

    def open_manual_session(
        self, card_no: str, id_last6: str, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        body = {"card_no": card_no, "id_last6": id_last6}
        return self._call(on_ok, on_error, "POST", "/kiosk/card-session", json=body)

    def member_summary(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/session", token=token)

    def end_session(self, token: str) -> Future[Any]:
        """Close the member's session on the server; failures only matter to the log."""
        return self._call(_ignore, _log_error, "DELETE", "/kiosk/session", token=token)

    def statement(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "POST", "/kiosk/session/statement", token=token)

    def record(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        """我的信息: the session member's own masked record."""
        return self._call(on_ok, on_error, "GET", "/kiosk/session/record", token=token)

    def my_cases(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        """The member's own cases (status, reply) and what they may submit (docs/cases.md)."""
        return self._call(on_ok, on_error, "GET", "/kiosk/session/cases", token=token)

    def submit_case(
        self, token: str, body: dict[str, Any], on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        return self._call(on_ok, on_error, "POST", "/kiosk/session/cases", json=body, token=token)

    def categories(self, token: str | None, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(
            on_ok, on_error, "GET", "/kiosk/disclosure/categories", token=token, cache=True
        )

    def documents(
        self,
        category: str | None,
        page: int,
        per_page: int,
        token: str | None,
        on_ok: OnOk,
        on_error: OnError,
    ) -> Future[Any]:
        params: dict[str, Any] = {"page": page, "per_page": per_page}
        if category:
            params["category"] = category
        return self._call(
            on_ok,
            on_error,
            "GET",
            "/kiosk/disclosure",
            params=params,
            token=token,
            etag=True,
            cache=True,
        )

    def document(
        self, doc_id: int | str, token: str | None, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        path = f"/kiosk/disclosure/{doc_id}"
        return self._call(on_ok, on_error, "GET", path, token=token, cache=True)

    def print_disclosure(
        self, doc_id: int | str, token: str | None, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        """The print document (summary and full-text QR) of a board item."""
        path = f"/kiosk/disclosure/{doc_id}/print"
        return self._call(on_ok, on_error, "POST", path, token=token)

    def media(self, url: str, token: str | None, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        """Image bytes from a media URL the backend gave (only from the backend's own host)."""
        return self._call(on_ok, on_error, "GET", url, token=token, raw=True, cache=True)

    def ballots(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/appraisal/ballots", token=token)

    def vote(
        self, token: str, round_id: int, choice: str, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        body = {"round_id": round_id, "choice": choice}
        return self._call(on_ok, on_error, "POST", "/kiosk/appraisal/votes", json=body, token=token)

    def honors(self, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/honors", cache=True)

    def honor_services(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        """The member's honor services: eligibility, offers and the uses left this year."""
        return self._call(on_ok, on_error, "GET", "/kiosk/session/honor-services", token=token)

    def honor_notice(
        self, token: str, offer_id: int, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        body = {"offer_id": offer_id}
        path = "/kiosk/session/honor-services/notice"
        return self._call(on_ok, on_error, "POST", path, json=body, token=token)

    def honor_reprint(self, token: str, use_id: int, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        path = f"/kiosk/session/honor-services/uses/{use_id}/reprint"
        return self._call(on_ok, on_error, "POST", path, token=token)

    def community_branches(self, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/community/branches")

    def register_community(
        self, token: str, org_id: int, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        body = {"org_id": org_id}
        return self._call(
            on_ok, on_error, "POST", "/kiosk/session/community", json=body, token=token
        )

    def heartbeat(self, status: dict[str, Any], on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "POST", "/kiosk/heartbeat", json=status)

    # -- volunteering (docs/volunteers.md) -----------------------------------------------------

    def volunteering(self, token: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/session/volunteering", token=token)

    def join_team(self, token: str, team_id: int, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        path = f"/kiosk/session/volunteering/teams/{int(team_id)}/join"
        return self._call(on_ok, on_error, "POST", path, token=token)

    def volunteer_desk(self, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        return self._call(on_ok, on_error, "GET", "/kiosk/volunteer-desk")

    def volunteer_check_in(self, uid: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        body = {"uid": uid}
        return self._call(on_ok, on_error, "POST", "/kiosk/volunteer-desk/check-in", json=body)

    # -- the counter: staff calls carry the staff token as a bearer, never in a URL ----------

    def staff_login(
        self, username: str, password: str, on_ok: OnOk, on_error: OnError
    ) -> Future[Any]:
        body = {"username": username, "password": password}
        return self._call(on_ok, on_error, "POST", "/auth/login", json=body)

    def staff_card_login(self, uid: str, pin: str, on_ok: OnOk, on_error: OnError) -> Future[Any]:
        body = {"uid": uid, "pin": pin}
        return self._call(on_ok, on_error, "POST", "/auth/card-login", json=body)

    def staff_logout(self, bearer: str) -> Future[Any]:
        """End the staff token on the server; failures only matter to the log."""
        return self._call(_ignore, _log_error, "POST", "/auth/logout", bearer=bearer)

    def staff(
        self,
        bearer: str,
        method: str,
        path: str,
        on_ok: OnOk,
        on_error: OnError,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Future[Any]:
        """Any staff endpoint under ``/api/v1`` (``path`` like ``/members/7/ledger``)."""
        return self._call(on_ok, on_error, method, path, json=json, params=params, bearer=bearer)

    # -- connectivity --------------------------------------------------------------------------

    def add_connectivity_listener(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    def probe(self) -> bool:
        """``GET /health`` right now, on the calling thread (the reconnect monitor's thread)."""
        try:
            answer = self._request("GET", "/health")
        except ApiError:
            answer = None
        healthy = isinstance(answer, dict) and answer.get("status") == "ok"
        if not healthy:
            self._set_online(False)  # answering with an error is not being usable
        else:
            self._remember_hall(answer)
        return healthy

    def load_hall_settings(self) -> Future[Any]:
        """``GET /health`` on the pool, to learn the hall's settings (the card-number width)
        before the reconnect monitor's next probe."""
        return self._call(self._remember_hall, _log_error, "GET", "/health")

    def _remember_hall(self, answer: Any) -> None:
        digits = answer.get("card_no_digits") if isinstance(answer, dict) else None
        if isinstance(digits, int) and 1 <= digits <= MAX_CARD_NO_DIGITS:
            self.card_no_digits = digits

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    # -- plumbing ------------------------------------------------------------------------------

    def add_cache_listener(self, listener: Callable[[str], None]) -> None:
        """``listener(saved_at)`` runs (on the UI thread) when a kept answer stands in for the
        backend's."""
        self._cache_listeners.append(listener)

    def _call(
        self, on_ok: OnOk, on_error: OnError, method: str, path: str, **options: Any
    ) -> Future[Any]:
        cacheable = options.pop("cache", False) and not options.get("token")
        cache = self.board_cache if cacheable else None
        # a media URL's host may change (a new backend address): the key is its path only
        key = f"{urlsplit(path).path}?{sorted((options.get('params') or {}).items())}"

        def work() -> Any:
            try:
                result = self._request(method, path, **options)
            except ApiError as exc:
                kept = cache.get(key) if cache is not None and exc.offline else None
                if kept is not None:
                    value, saved_at = kept
                    self._deliver(lambda: on_ok(value))
                    for listener in list(self._cache_listeners):
                        self._deliver(partial(listener, saved_at))
                    return value
                error = exc
                self._deliver(lambda: on_error(error))
                raise
            if cache is not None:
                cache.put(key, result)
            self._deliver(lambda: on_ok(result))
            return result

        if self._closed:  # the app is stopping: a late timer's request is dropped, not raised
            dropped: Future[Any] = Future()
            dropped.cancel()
            return dropped
        return self._pool.submit(work)

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        token: str | None = None,
        etag: bool = False,
        raw: bool = False,
        bearer: str | None = None,
    ) -> Any:
        url = self._url(path)
        headers: dict[str, str] = {}
        if token:
            headers[SESSION_HEADER] = token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        cache_key = f"{url}?{sorted((params or {}).items())}|{bool(token)}"
        cached = self._etags.get(cache_key) if etag else None
        if cached:
            headers["If-None-Match"] = cached[0]
        try:
            response = self._http.request(
                method, url, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.RequestException:
            self._set_online(False)
            raise ApiError(0, OFFLINE_CODE, OFFLINE_MESSAGE) from None
        self._set_online(True)
        if response.status_code == 304 and cached:
            return cached[1]
        if response.status_code >= 400:
            raise _error_from(response)
        if raw:
            return response.content
        if response.status_code == 204 or not response.content:
            return None
        try:
            data = response.json()
        except ValueError:
            raise ApiError(response.status_code, "bad_answer", BAD_ANSWER_MESSAGE) from None
        if etag and response.headers.get("ETag"):
            with self._lock:
                self._etags[cache_key] = (response.headers["ETag"], data)
        return data

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            if urlsplit(path).netloc != urlsplit(self.base_url).netloc:
                raise ApiError(0, "foreign_url", "图片地址不属于本系统，已忽略")
            return path
        if path.startswith("/api/"):
            return urljoin(self.base_url + "/", path.lstrip("/"))
        return f"{self.base_url}/api/v1{path}"

    def _set_online(self, online: bool) -> None:
        with self._lock:
            changed = online is not self.online
            self.online = online
        if changed:
            for listener in list(self._listeners):
                self._deliver(partial(listener, online))


def _error_from(response: requests.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        code = str(body.get("code", "error"))
        return ApiError(response.status_code, code, body["message"], body.get("details"))
    return ApiError(response.status_code, f"http_{response.status_code}", BAD_ANSWER_MESSAGE)


def _ignore(_result: Any) -> None:
    return None


def _log_error(error: ApiError) -> None:
    log.info("ending the kiosk session failed: %s", error.code)
