"""Domain errors: a stable code, a Chinese message for the person in front of the screen,
and the HTTP status the API maps it to. Services raise these; they know nothing of Flask."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, details: Any | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class Invalid(DomainError):
    status = 400
    code = "invalid"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    status = 410
    code = "gone"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
