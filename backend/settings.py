"""Settings of the service hall, read once from the environment.

Every figure that is local practice rather than national rule is a setting here, with the
founding specification's figure as the default (docs/founding-spec.md); the national rule is the
intended bound but is not checked (docs/dues.md lists the dues settings). Services receive a
``Settings`` object and never read the environment or Flask's config themselves.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from backend.private_files import create_private_with, write_private

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
_SECRET_NAMES = ("secret_key", "card_uid_key")


@dataclass(frozen=True)
class DuesSettings:
    """Dues rules (docs/dues.md). Amounts in fen."""

    farmer_fixed_fen: int = 50
    student_fixed_fen: int = 20
    unemployed_fixed_fen: int = 20
    low_income_fixed_fen: int = 20
    soft_cap_fen: int = 100_000
    rounding: str = "half_up"  # half_up | half_even | down
    reminder_months: int = 5
    warning_months: int = 6
    advance_limit_months: int = 6
    # A payment older than this many days can no longer be voided (docs/day-close.md).
    void_limit_days: int = 30
    warning_text: str = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"
    reminder_text: str = "温馨提示：您已有{months}个月党费未交，请尽快到所在支部或服务窗口缴纳。"
    # The hall's clock: which day it is for the ledger and slip year, and the time printed on
    # slips. The server itself may run on UTC.
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class RemittanceSettings:
    """党费汇缴: the share (basis points of what it receives) an organization of each level passes
    to its parent (docs/dues.md: national percentages unconfirmed). Default: everything goes up."""

    branch_bp: int = 10_000
    general_branch_bp: int = 10_000
    committee_bp: int = 10_000


@dataclass(frozen=True)
class CaseSettings:
    """Days a member case may wait for its reply, per case type (docs/cases.md); a 转正
    application is due at the end of the probation instead, when that is later."""

    hardship_days: int = 15
    employment_days: int = 15
    talk_days: int = 10
    consult_days: int = 10
    join_days: int = 30
    conversion_days: int = 30
    suggestion_days: int = 15

    def days_for(self, case_type: str) -> int:
        return int(getattr(self, f"{case_type}_days"))


@dataclass(frozen=True)
class MeetingSettings:
    """How often each kind of meeting must be held, in months (0: no rule); docs/meetings.md.
    Periods are calendar-aligned: 1 = every month, 3 = every quarter."""

    committee_months: int = 1  # 支委会
    group_months: int = 1  # 党小组会
    assembly_months: int = 3  # 党员大会
    lecture_months: int = 3  # 党课
    theme_day_months: int = 0  # 主题党日: recorded, not required by default


@dataclass(frozen=True)
class AppraisalSettings:
    """考核 (docs/appraisal.md): grade boundaries in hundredths of a point, the cap on 优秀 as a
    percent of those ranked, the default rater weights (percent) and the deadlines the automatic
    indicators measure against. A round copies them when it is made."""

    excellent_min_cp: int = 8_500
    good_min_cp: int = 7_500
    pass_min_cp: int = 6_000
    excellent_quota_pct: int = 30
    self_weight: int = 20
    peer_weight: int = 30
    superior_weight: int = 50
    remittance_grace_days: int = 15
    notice_handle_days: int = 7


@dataclass(frozen=True)
class Settings:
    """All settings; ``from_env`` reads ``HALL_*`` variables (and ``DATABASE_URL``)."""

    database_url: str = f"sqlite:///{DATA_DIR / 'hall.db'}"
    # A streaming replica of ``database_url`` that background exports read from, so that a long
    # export takes no CPU from the primary's taps and payments (docs/scaling.md); empty: none.
    reports_database_url: str = ""
    secret_key: str = ""
    card_uid_key: str = ""
    center_name: str = "示范区党员服务中心"
    public_base_url: str = "http://127.0.0.1:5000"
    card_no_digits: int = 5
    # The district's segment of every organization code ("01" by default, docs/founding-spec.md).
    district_code: str = "01"
    kiosk_session_seconds: int = 120
    # However long a member keeps using the kiosk, a card session ends this long after the tap.
    kiosk_session_max_seconds: int = 600
    # Failed kiosk look-ups (docs/kiosk.md): per card / card number, then per device.
    kiosk_lookup_window_seconds: int = 60
    kiosk_lookup_card_failures: int = 3
    kiosk_lookup_card_backoff_seconds: int = 30
    kiosk_lookup_device_failures: int = 10
    kiosk_lookup_device_backoff_seconds: int = 10
    # A kiosk without a heartbeat for this long is listed on the red warnings (docs/kiosk.md).
    kiosk_offline_minutes: int = 10
    staff_token_hours: int = 10
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # One client address: at most this many failed (or pending) sign-ins per window.
    login_address_max_failures: int = 20
    login_address_window_minutes: int = 15
    # Sign-ins that may wait for or run the password check at once in one server process; the
    # next is refused at once, so a flood never holds every server thread (docs/security.md).
    sign_in_check_turns: int = 2
    # Reverse proxies in front of the backend whose X-Forwarded-For/-Proto to believe (0: none).
    trusted_proxies: int = 0
    # Always mark cookies Secure; without it they are Secure whenever the request came by HTTPS.
    secure_cookies: bool = False
    report_days: int = 15
    letter_valid_days: int = 30
    letter_max_valid_days: int = 90
    # Member development and 换届 on the red-warnings page (docs/member-development.md).
    development_warning_days: int = 30
    term_reminder_days: int = 90
    backup_dir: str = str(DATA_DIR / "backups")
    backup_keep_days: int = 30  # older archives are removed after each backup; 0 keeps all
    instance_dir: str = str(DATA_DIR / "instance")  # secrets.json: the keys (docs/backup.md)
    dues: DuesSettings = field(default_factory=DuesSettings)
    remittance: RemittanceSettings = field(default_factory=RemittanceSettings)
    cases: CaseSettings = field(default_factory=CaseSettings)
    meetings: MeetingSettings = field(default_factory=MeetingSettings)
    appraisal: AppraisalSettings = field(default_factory=AppraisalSettings)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        for f in fields(cls):
            key = "HALL_" + f.name.upper()
            if key in env and f.name not in SECTIONS:
                values[f.name] = _coerce(env[key], getattr(cls(), f.name))
        sections = {name: _section(env, prefix, kind) for name, (prefix, kind) in SECTIONS.items()}
        settings = cls(**values, **sections)
        settings = replace(settings, **overrides) if overrides else settings
        return settings.with_secrets()

    @property
    def reports_url(self) -> str:
        """Where background exports read: the replica when one is set (docs/scaling.md)."""
        return self.reports_database_url or self.database_url

    @property
    def secrets_path(self) -> Path:
        return Path(self.instance_dir) / "secrets.json"

    def with_secrets(self) -> Settings:
        """Fill missing secrets from ``data/instance/secrets.json``, creating it on first run.

        The embedded default must work with no set-up, yet card UIDs are stored only as keyed
        hashes: the key has to survive restarts, so it lives in the instance folder (git-ignored,
        owner-only). A backup carries these keys; ``restore`` puts them back here.
        """
        if self.secret_key and self.card_uid_key:
            return self
        path = self.secrets_path
        stored = _read_secrets(path)
        if not stored:
            first = {name: secrets.token_hex(32) for name in _SECRET_NAMES}
            if create_private_with(path, json.dumps(first, indent=2)):
                stored = first
            else:
                # Another process (a second server worker starting at the same moment) wrote
                # the file first: its keys are the hall's, or sessions signed by one worker and
                # card hashes made by it would mean nothing to the other (docs/deploy.md).
                stored = _read_secrets(path)
        missing = [name for name in _SECRET_NAMES if not stored.get(name)]
        if missing:  # a file from an older version: the key it lacks is added
            stored = stored | {name: secrets.token_hex(32) for name in missing}
            write_private(path, json.dumps(stored, indent=2))
        return replace(
            self,
            secret_key=self.secret_key or stored["secret_key"],
            card_uid_key=self.card_uid_key or stored["card_uid_key"],
        )


def _read_secrets(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


#: The grouped settings: field of ``Settings`` → (environment prefix, its dataclass).
SECTIONS: dict[str, tuple[str, type]] = {
    "dues": ("HALL_DUES_", DuesSettings),
    "remittance": ("HALL_REMIT_", RemittanceSettings),
    "cases": ("HALL_CASE_", CaseSettings),
    "meetings": ("HALL_MEETING_", MeetingSettings),
    "appraisal": ("HALL_APPRAISAL_", AppraisalSettings),
}


def _section(env: dict[str, str], prefix: str, kind: type) -> Any:
    """One group of settings from its ``HALL_<GROUP>_<FIELD>`` variables, defaults for the rest."""
    defaults = kind()
    return kind(
        **{
            f.name: _coerce(env[prefix + f.name.upper()], getattr(defaults, f.name))
            for f in fields(kind)
            if prefix + f.name.upper() in env
        }
    )


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw
