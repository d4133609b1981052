"""Partial unique indexes enforce their rule in the database itself, not only in the services.

Enum columns (``native_enum=False``) store the member NAME, so a predicate must compare with
``'ACTIVE'``; docs/members-and-privacy.md. Each test writes the forbidden row behind the
services' back (plain ORM add + flush) and expects the database to refuse it.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Enum, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import schema
from backend.models import Base, Card, CardState, Member
from backend.settings import Settings
from tests.builders import Builders


def _another_active_card(session: Session, member: Member, uid_hash: str = "f" * 64) -> Card:
    first = session.query(Card).filter_by(member_id=member.id).order_by(Card.id).first()
    assert first is not None
    return Card(
        member_id=member.id,
        card_no=first.card_no,
        uid_hash=uid_hash,
        state=CardState.ACTIVE,
        issue_seq=first.issue_seq + 1,
    )


def test_every_partial_index_compares_an_enum_column_with_a_stored_name() -> None:
    """Every ``state = '…'`` predicate on an enum column names a value the column can hold."""
    checked = []
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            for dialect in ("sqlite", "postgresql"):
                where = index.dialect_options[dialect].get("where")
                for column, literal in re.findall(
                    r"(\w+) = '([^']*)'", "" if where is None else str(where)
                ):
                    kind = table.c[column].type
                    if isinstance(kind, Enum):
                        checked.append(index.name)
                        assert literal in kind.enums, (index.name, dialect, literal, kind.enums)
    assert {"uq_cards_active_member", "uq_void_requests_pending"} <= set(checked)


def test_a_card_uid_is_bound_once_whatever_the_state(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    """Stricter than "one active card per UID": a UID hash is unique over all cards ever issued."""
    orgs = build.district()
    first, second = build.member(orgs["b1"]), build.member(orgs["b2"], name="李娜")
    build.card(first)
    db.flush()
    taken = db.query(Card).filter_by(member_id=first.id).one()
    taken.state = CardState.REVOKED
    db.flush()
    db.add(
        Card(
            member_id=second.id,
            card_no=taken.card_no,
            uid_hash=taken.uid_hash,
            state=CardState.ACTIVE,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_the_database_refuses_a_second_active_card(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    member = build.member(build.district()["b1"])
    build.card(member)
    db.flush()
    db.add(_another_active_card(db, member))
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_lost_card_leaves_room_for_a_new_active_one(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    member = build.member(build.district()["b1"])
    build.card(member)
    db.flush()
    db.query(Card).filter_by(member_id=member.id).one().state = CardState.LOST
    db.flush()
    db.add(_another_active_card(db, member))
    db.flush()
    assert db.query(Card).filter_by(member_id=member.id, state=CardState.ACTIVE).count() == 1


def test_the_migrations_build_the_index_that_refuses_a_second_active_card(
    database_url: str, settings: Settings
) -> None:
    """Built by the migrations: up to 0010 the index let a duplicate in; 0011 stops and says so
    in Chinese; once the duplicate is gone, 0011 applies and the index refuses the next one."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        schema.upgrade(engine, "0010")
        with Session(engine) as session:
            build = Builders(session, settings)
            member = build.member(build.district()["b1"])
            build.card(member)
            session.flush()
            duplicate = _another_active_card(session, member)
            session.add(duplicate)
            session.commit()
            member_id, duplicate_id = member.id, duplicate.id

        with pytest.raises(RuntimeError, match="不止一张正常状态的卡"):
            schema.upgrade(engine)

        with engine.begin() as conn:
            conn.execute(
                text("UPDATE cards SET state = 'REVOKED' WHERE id = :id"), {"id": duplicate_id}
            )
        schema.upgrade(engine)
        with Session(engine) as session:
            member = session.get(Member, member_id)
            assert member is not None
            session.add(_another_active_card(session, member, "e" * 64))
            with pytest.raises(IntegrityError):
                session.flush()
    finally:
        engine.dispose()
