"""What the counter end-to-end tests read back: printed papers (flattened, field by field),
Chinese capital numerals written independently of the backend, and the backend's staff API."""

from __future__ import annotations

from typing import Any

import requests

from tests.e2e.steps import flat

DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capitals_year_month(year: int, month: int) -> str:
    """2026, 11 → 贰零贰陆年拾壹月 (written here independently of the backend)."""
    tens = "拾" if month >= 10 else ""
    unit = DIGITS[month % 10] if month % 10 else ""
    return "".join(DIGITS[int(d)] for d in str(year)) + "年" + tens + unit + "月"


def assert_holds(paper: str, *fields: str) -> None:
    squeezed = flat(paper)
    missing = [f for f in fields if flat(f) not in squeezed]
    assert not missing, f"missing {missing} in:\n{paper}"


class Staff:
    """The backend's staff API, signed in as one user (what the console or a script sees)."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.http = requests.Session()
        r = self.http.post(
            f"{url}/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(f"{self.url}/api/v1{path}", params=params, timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return self.http.post(f"{self.url}/api/v1{path}", json=body, timeout=10)
