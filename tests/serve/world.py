"""A small hall in a fresh database of the test run's PostgreSQL cluster, its schema built by the
migrations as ``flask init-db`` builds it in a deployment: two admins, a member with a card and
a card number, a registered kiosk."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from backend import schema
from backend.db import make_engine
from backend.models import Role
from backend.settings import Settings
from tests.builders import Builders
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY
from tests.pg import PgCluster

STAFF = ("clerk-a", "clerk-b")
MEMBER_NAME = "张小明"


def hall_database(
    cluster: PgCluster, name: str, card_uid_key: str = CARD_UID_KEY
) -> tuple[str, dict[str, str]]:
    """The database's URL, and what the tests need to know about its hall."""
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    url = cluster.url_for(name)
    engine = make_engine(url)
    schema.upgrade(engine)
    settings = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=card_uid_key)
    with Session(engine) as session:
        build = Builders(session, settings)
        district = build.district()
        for username in STAFF:
            build.user(district["district"], username, Role.ADMIN)
        member = build.member(district["b1"], name=MEMBER_NAME)
        member.card_no = "00042"
        uid = build.card(member)
        facts = {
            "device_key": build.device("kiosk-1"),
            "uid": uid,
            "card_no": member.card_no,
            "id_last6": member.id_number[-6:],
        }
        session.commit()
    engine.dispose()
    return url, facts
