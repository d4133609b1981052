"""The demo district (``flask --app backend demo-data``): a plausible, deterministic district.

About 3 党委, 10 总支, 40 branches and 2,000 members with cards on known UIDs, two years of
ledger with real payments and slip numbers, demo staff users and a demo kiosk. Everything is
drawn from a seeded generator (``demo_people``), and months behind are counted from the day the
demo is made (``demo_ledger``), so the printed demo cards show what they promise on that day.
Members, cards and payments are written set-based: a full demo takes a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import (
    Base,
    Card,
    CardState,
    KioskDevice,
    Member,
    Membership,
    Organization,
    Role,
    User,
)
from backend.models.audit import POSTGRES_TRUNCATE_GUARD, guard_statements
from backend.models.base import utcnow
from backend.private_files import write_private
from backend.services import audit_chain, demo_ledger, orgs, users
from backend.services.actor import Actor
from backend.services.bulk import audit_params, insert_many, insert_returning_ids, take_card_numbers
from backend.services.cards import uid_hash
from backend.services.demo_appraisal import seed_appraisal
from backend.services.demo_cards import DemoCard, DemoUser, cards_path, describe, remember
from backend.services.demo_cases import load_demo_cases
from backend.services.demo_content import DemoContentResult, load_demo_content
from backend.services.demo_development import load_demo_development
from backend.services.demo_honor_services import load_demo_honor_services
from backend.services.demo_meetings import load_demo_meetings
from backend.services.demo_notice import publish_addressed_notice
from backend.services.demo_people import OrgSpec, Person, org_tree, people
from backend.services.demo_transfers import DemoTransfers, load_demo_transfers
from backend.services.demo_volunteers import load_demo_volunteers
from backend.services.dues_year import hall_today
from backend.services.members import member_number
from backend.settings import DATA_DIR, Settings

DEMO_SEED = 19491001
DEMO_PASSWORD = "Demo2026"
DEVICE_NAME = "演示查询机"
DEFAULT_KEY_PATH = DATA_DIR / "instance" / "kiosk-device.key"
# (user name, full name, role, organization code = the scope)
DEMO_USERS = (
    ("admin", "区级管理员（演示）", Role.ADMIN, "01000000"),
    ("dangwei01", "城关街道党工委工作人员（演示）", Role.ORG_STAFF, "01010000"),
    ("zhibu01", "幸福社区第一党支部工作人员（演示）", Role.ORG_STAFF, "01010101"),
    ("chuangkou01", "服务窗口工作人员（演示）", Role.COUNTER, "01000000"),
)


@dataclass(frozen=True)
class DemoReport:
    today: date
    organizations: int
    members: int
    cards: int
    ledger_rows: int
    payments: int
    paid_months: int
    demo_cards: list[DemoCard]
    users: list[DemoUser]
    password: str
    device_name: str
    device_key: str
    device_key_path: Path | None
    content: DemoContentResult
    transfers: DemoTransfers


def is_empty(session: Session) -> bool:
    return not any(
        session.scalar(select(func.count()).select_from(model))
        for model in (Organization, Member, User, KioskDevice)
    )


def reset_database(session: Session) -> None:
    """Erase every row of every table (the audit log too): for demo databases only.

    The schema and its migration stamp stay. The audit log refuses DELETE by trigger, so on
    SQLite the guards are dropped and re-created inside this same transaction; on PostgreSQL
    the same is done with the guard against ``TRUNCATE``.
    """
    bind = session.get_bind()
    quote = bind.dialect.identifier_preparer.quote
    tables = [t.name for t in Base.metadata.sorted_tables]
    if bind.dialect.name == "postgresql":
        session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))
        session.execute(
            text(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE")
        )
        session.execute(text(POSTGRES_TRUNCATE_GUARD))
        return
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    for table in reversed(tables):
        session.execute(text(f"DELETE FROM {quote(table)}"))
    for statement in guard_statements("sqlite"):
        session.execute(text(statement))


def _create_orgs(session: Session, actor: Actor, specs: list[OrgSpec]) -> dict[str, Organization]:
    created: dict[str, Organization] = {}
    for spec in specs:
        parent = created[spec.parent_code] if spec.parent_code else None
        created[spec.code] = orgs.create_org(
            session,
            actor,
            code=spec.code,
            name=spec.name,
            type=spec.type,
            parent=parent,
            **spec.details,
        )
    return created


def _create_members(
    session: Session,
    actor: Actor,
    settings: Settings,
    persons: list[Person],
    by_code: dict[str, Organization],
) -> list[int]:
    digits = settings.card_no_digits
    first = take_card_numbers(session, len(persons), digits)
    params = []
    for offset, person in enumerate(persons):
        org = by_code[person.branch_code]
        card_no = f"{first + offset:0{digits}d}"
        params.append(
            {
                "org_id": org.id,
                "card_no": card_no,
                "member_no": member_number(org, card_no),
                **person.values,
            }
        )
    ids = insert_returning_ids(session, Member, params)
    memberships = []
    for member_id, p in zip(ids, params, strict=True):
        start = max(p["joined_date"], date(1990, 1, 1))
        memberships.append(
            {
                "member_id": member_id,
                "org_id": p["org_id"],
                "member_no": p["member_no"],
                "start_date": start,
                "reason": "建档",
            }
        )
    insert_many(session, Membership, memberships)
    audits = [
        audit_params(actor, "member.create", "member", member_id, p)
        for member_id, p in zip(ids, params, strict=True)
    ]
    audit_chain.append_rows(session, audits)
    _create_cards(session, actor, settings, persons, ids, [p["card_no"] for p in params])
    return ids


def _create_cards(
    session: Session,
    actor: Actor,
    settings: Settings,
    persons: list[Person],
    member_ids: list[int],
    card_nos: list[str],
) -> None:
    key, now = settings.card_uid_key, utcnow()
    cards = []
    for person, member_id, card_no in zip(persons, member_ids, card_nos, strict=True):
        row = {"member_id": member_id, "card_no": card_no, "issued_at": now}
        if person.lost_uid:
            cards.append(
                row
                | {
                    "uid_hash": uid_hash(person.lost_uid, key),
                    "state": CardState.LOST,
                    "issue_seq": 1,
                    "issued_at": now - timedelta(days=400),
                    "state_changed_at": now - timedelta(days=30),
                }
            )
        cards.append(
            row
            | {
                "uid_hash": uid_hash(person.uid, key),
                "state": CardState.ACTIVE,
                "issue_seq": 2 if person.lost_uid else 1,
                "state_changed_at": None,
            }
        )
    ids = insert_returning_ids(session, Card, cards)
    audits = [
        audit_params(
            actor,
            "card.issue" if c["state"] is CardState.ACTIVE else "card.lost",
            "card",
            card_id,
            {"member_id": c["member_id"], "card_no": c["card_no"], "issue_seq": c["issue_seq"]},
        )
        for card_id, c in zip(ids, cards, strict=True)
    ]
    audit_chain.append_rows(session, audits)


def _staff(session: Session, actor: Actor, by_code: dict[str, Organization]) -> list[DemoUser]:
    out = []
    for username, full_name, role, code in DEMO_USERS:
        org = by_code[code]
        users.create_user(
            session,
            actor,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            role=role,
            org=org,
        )
        out.append(DemoUser(username, role.label, org.name))
    return out


def _write_key(path: Path, key: str) -> None:
    write_private(path, key + "\n")


def generate(
    session: Session,
    settings: Settings,
    *,
    today: date | None = None,
    member_count: int = 2000,
    seed: int = DEMO_SEED,
    device_key_path: Path | None = DEFAULT_KEY_PATH,
) -> DemoReport:
    """Fill an empty database with the demo district. Flushes; the caller commits."""
    if not is_empty(session):
        raise Conflict(
            "数据库中已有数据，演示数据只能写入空数据库（确需重建请加 --reset，将清空全部数据）",
            code="database_not_empty",
        )
    rng = random.Random(seed)
    today = today or hall_today(settings.dues)
    actor = Actor.system("demo-data")
    specs = org_tree(rng)
    by_code = _create_orgs(session, actor, specs)
    branches = [s for s in specs if s.kind]
    persons = people(rng, member_count, branches, today, settings.dues)
    member_ids = _create_members(session, actor, settings, persons, by_code)
    staff = _staff(session, actor, by_code)
    _device, key = users.register_device(session, actor, DEVICE_NAME, location="服务大厅一楼")
    if device_key_path is not None:
        _write_key(device_key_path, key)
    by_id = dict(zip(member_ids, persons, strict=True))
    stats = demo_ledger.record_history(
        session, actor, by_id, DEMO_USERS[3][0], today, settings.dues, rng
    )
    content = load_demo_content(session, actor, by_code)
    load_demo_honor_services(session, actor, today)
    showcase = [
        (member_id, person.lost_uid or person.uid, person.note)
        for member_id, person in by_id.items()
        if person.note is not None
    ]
    publish_addressed_notice(session, actor, showcase[0][0], today)
    moves = load_demo_transfers(
        session, actor, settings, by_code, {member_id for member_id, _u, _n in showcase}, today
    )
    load_demo_cases(session, actor, settings, by_code, [m for m, _u, _n in showcase], today)
    load_demo_meetings(
        session, actor, settings.meetings, today, invited=[m for m, _u, _n in showcase]
    )
    load_demo_volunteers(
        session, actor, by_code, {m for m, _, _ in showcase[1:]}, showcase[0][0], today
    )
    seed_appraisal(session, actor, by_code, today)
    developed = load_demo_development(session, actor, by_code, today)
    uids = [(uid, note) for _member_id, uid, note in showcase]
    if device_key_path is not None:
        remember(cards_path(device_key_path), uids)
    cards = describe(session, settings.card_uid_key, uids, today)
    return DemoReport(
        today=today,
        organizations=len(by_code),
        members=len(member_ids) + moves.arrivals_from_outside + developed.members,
        cards=len(member_ids) + sum(1 for p in persons if p.lost_uid),
        ledger_rows=stats.ledger_rows,
        payments=stats.payments,
        paid_months=stats.paid_months,
        demo_cards=cards,
        users=staff,
        password=DEMO_PASSWORD,
        device_name=DEVICE_NAME,
        device_key=key,
        device_key_path=device_key_path,
        content=content,
        transfers=moves,
    )
