"""The hall's calendar day for services whose caller does not pass one.

"Today" is always the service hall's day, never the server's. A server on UTC (the usual
container and cloud default) is eight hours behind Beijing, so from midnight to 08:00 in the hall
``date.today()`` is still yesterday: a join date would be a day early, a donation made today
refused as lying in the future.

Callers that hold the settings pass the day in (``today=hall_today(settings.dues)``, as the API,
the console and the commands do). Several services keep that day optional all the same — for
tests, the demo and form fields that may be left empty — and threading ``Settings`` into every
one of them only to learn a time zone would widen a dozen signatures. So their default comes
from here: the hall's zone is one value per process (one process serves one hall), set by
``create_app`` from ``DuesSettings.timezone``; before an app exists it is that setting's default.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from backend.settings import DuesSettings

_zone = ZoneInfo(DuesSettings().timezone)


def use_zone(name: str) -> None:
    """Make ``name`` (an IANA zone such as ``Asia/Shanghai``) the hall's zone in this process.
    An unknown name raises ``ZoneInfoNotFoundError`` at once, so a bad setting stops start-up."""
    global _zone
    _zone = ZoneInfo(name)


def today() -> date:
    """The hall's calendar day, whatever zone the server runs in."""
    return datetime.now(_zone).date()
