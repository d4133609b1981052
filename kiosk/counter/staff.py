"""The staff member signed in at the counter: the bearer token lives only here, in memory.

:meth:`StaffSession.wipe` forgets the token and bumps :attr:`generation`; answers to calls
made under an older generation are dropped (see :class:`kiosk.counter.api.CounterApi`), so a
slow answer never puts data back on a locked counter.
"""

from __future__ import annotations

from typing import Any


class StaffSession:
    def __init__(self) -> None:
        self.token: str | None = None
        self.user: dict[str, Any] | None = None
        self.generation = 0
        #: The last signed-in user name, offered again on the sign-in screen after a lock.
        self.last_username = ""

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    @property
    def label(self) -> str:
        """The header line, e.g. 李明（幸福社区党总支）."""
        if not self.user:
            return ""
        name = self.user.get("full_name") or self.user.get("username", "")
        return f"{name}（{self.user.get('org_name', '')}）"

    def begin(self, token: str, user: dict[str, Any]) -> None:
        self.generation += 1
        self.token = token
        self.user = user
        self.last_username = str(user.get("username", ""))

    def is_current(self, generation: int) -> bool:
        return generation == self.generation and self.token is not None

    def wipe(self) -> str | None:
        """Forget the sign-in; return the token so the caller can end it on the server."""
        token, self.token, self.user = self.token, None, None
        self.generation += 1
        return token
