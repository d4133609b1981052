"""The hall's clock: which day and time it is in the hall, and every conversion between the
hall's local time and the UTC the database stores (docs/time.md). No other module builds a
``ZoneInfo`` or converts a timestamp itself.

Stored timestamps are naive UTC (``backend.models.base.utcnow``); dates that are days (a join
date, a dissolution day) are ``date`` columns and need no conversion. What a person reads is the
hall's local time; what the API sends carries its offset (``api_timestamp``).

The hall's calendar day for services whose caller does not pass one:

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

from datetime import UTC, date, datetime, time, timedelta
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


def zone(name: str | None = None) -> ZoneInfo:
    """The named zone, or the hall's zone of this process."""
    return ZoneInfo(name) if name else _zone


def stored(at: datetime) -> datetime:
    """An aware moment as the database stores it: naive UTC."""
    return at.astimezone(UTC).replace(tzinfo=None)


def now_local(zone_name: str | None = None) -> datetime:
    """The hall's wall clock, naive (for slip stamps and file names)."""
    return datetime.now(zone(zone_name)).replace(tzinfo=None)


def to_local(at_utc: datetime, zone_name: str | None = None) -> datetime:
    """A stored naive-UTC timestamp as the hall's local time, naive."""
    return at_utc.replace(tzinfo=UTC).astimezone(zone(zone_name)).replace(tzinfo=None)


def to_utc(local: datetime, zone_name: str | None = None) -> datetime:
    """A naive local time in the hall as the naive UTC timestamp the database stores."""
    return local.replace(tzinfo=zone(zone_name)).astimezone(UTC).replace(tzinfo=None)


def local_moment_utc(day: date, at: time, zone_name: str | None = None) -> datetime:
    """``at`` o'clock on the hall's ``day``, as a stored (naive UTC) timestamp."""
    return to_utc(datetime.combine(day, at), zone_name)


def utc_start_of(day: date, zone_name: str | None = None) -> datetime:
    """The stored (naive UTC) timestamp at which the hall's ``day`` begins."""
    return local_moment_utc(day, time(0), zone_name)


def utc_end_of(day: date, zone_name: str | None = None) -> datetime:
    """The first stored instant after the hall's ``day``."""
    return utc_start_of(day + timedelta(days=1), zone_name)


def api_timestamp(at_utc: datetime | None, zone_name: str | None = None) -> str | None:
    """A stored timestamp for the API: ISO 8601 in the hall's time with its offset, to the
    second (``2026-07-15T10:30:00+08:00``), so no client has to guess the zone."""
    if at_utc is None:
        return None
    local = at_utc.replace(tzinfo=UTC).astimezone(zone(zone_name))
    return local.isoformat(timespec="seconds")
