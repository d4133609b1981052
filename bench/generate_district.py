"""A large synthetic district for benchmarks: org tree, members, cards with known UIDs, a ledger.

Written set-based: ``COPY`` on PostgreSQL, ``executemany`` in large batches on SQLite, with
explicit ids (sequences are moved past them afterwards). 100,000 members with a year of ledger
(1,200,000 month rows) take seconds, not the hour row-by-row ORM inserts would.

Member ``n`` (1-based) holds card number ``n`` and the card with UID ``uid_for(n)``, so a
benchmark can tap any member without reading anything back. The first ``big_branch`` members
sit in one large branch (``BIG_BRANCH_CODE``), big enough for a 100,000-row dues import.

    .venv/bin/python -m bench.generate_district sqlite:///bench/out/district.db --members 100000
"""

from __future__ import annotations

import argparse
import enum
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Enum, Table, text

from backend.db import make_engine, make_session_factory
from backend.models import Base
from backend.models.base import utcnow
from backend.services import hall_clock, users
from backend.services.actor import Actor
from backend.services.cards import uid_hash
from backend.services.idnumber import compose_id_number

COMMITTEES, GENERALS, BRANCHES = 20, 10, 10  # 2,000 branches of about 50 members
BIG_BRANCH_CODE = "01010101"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华建国红文辉玲鹏飞玉志海林德成"
MONTHLY_FEN = (20, 50, 1500, 2500, 4900, 7650, 12000, 22500)


def uid_for(n: int) -> str:
    """The card UID of member ``n``: 8 hex digits, like a 4-byte MIFARE UID."""
    return f"BE{n:06X}"


@dataclass
class DistrictInfo:
    members: int
    branches: int
    year: int
    ledger_rows: int
    device_key: str
    seconds: dict[str, float] = field(default_factory=dict)


def _db_value(column: Any, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        # Enum(native_enum=False) stores member names, plain String columns store values.
        return value.name if isinstance(column.type, Enum) else value.value
    return value


def _tuples(table: Table, rows: Iterable[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """Rows as tuples in column order, with the models' Python-side defaults filled in."""
    now = utcnow()
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if default is None:
            defaults[column.name] = None
        elif default.is_callable:
            defaults[column.name] = now  # every callable default here is utcnow
        else:
            defaults[column.name] = default.arg  # type: ignore[attr-defined]
    columns = list(table.columns)
    for row in rows:
        yield tuple(_db_value(c, row.get(c.name, defaults[c.name])) for c in columns)


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy's SQLite dialect stores dates and timestamps (text)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_rows(engine: Engine, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    names = [c.name for c in table.columns]
    count = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for values in _tuples(table, rows):
                    copy.write_row(values)
                    count += 1
        else:
            # The engine leaves pysqlite in autocommit mode: without an explicit transaction
            # every row would be its own commit.
            cursor.execute("PRAGMA cache_size = -400000")  # 400 MB: index pages stay in memory
            cursor.execute("PRAGMA synchronous = OFF")  # a generator: a crash just means rerun
            cursor.execute("BEGIN IMMEDIATE")
            sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: E501
            batch: list[tuple[Any, ...]] = []
            for values in _tuples(table, rows):
                batch.append(tuple(_sqlite_value(v) for v in values))
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            cursor.executemany(sql, batch)
            count += len(batch)
        raw.commit()
    finally:
        raw.close()
    return count


def _orgs() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    orgs = [
        {
            "id": 1,
            "code": "01000000",
            "name": "基准测试区委",
            "type": "DISTRICT",
            "parent_id": None,
            "path": "/1/",
        }
    ]
    branches = []
    for c in range(1, COMMITTEES + 1):
        committee = {
            "id": len(orgs) + 1,
            "code": f"01{c:02d}0000",
            "name": f"第{c}党委",
            "type": "COMMITTEE",
            "parent_id": 1,
        }
        committee["path"] = f"/1/{committee['id']}/"
        orgs.append(committee)
        for g in range(1, GENERALS + 1):
            general = {
                "id": len(orgs) + 1,
                "code": f"01{c:02d}{g:02d}00",
                "name": f"第{c}党委第{g}总支",
                "type": "GENERAL_BRANCH",
                "parent_id": committee["id"],
            }
            general["path"] = f"{committee['path']}{general['id']}/"
            orgs.append(general)
            for b in range(1, BRANCHES + 1):
                branch = {
                    "id": len(orgs) + 1,
                    "code": f"01{c:02d}{g:02d}{b:02d}",
                    "name": f"{general['name']}第{b}支部",
                    "type": "BRANCH",
                    "parent_id": general["id"],
                    "secretary": "书记",
                    "phone": "13800000000",
                }
                branch["path"] = f"{general['path']}{branch['id']}/"
                orgs.append(branch)
                branches.append(branch)
    return orgs, branches


def _member(n: int, branch: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    birth = date(1950, 1, 1) + timedelta(days=n % 18_000)
    sex = "M" if n % 3 else "F"
    seq = (n // 18_000) * 2 + (1 if sex == "M" else 0)
    card_no = f"{n:06d}"
    return {
        "id": n,
        "org_id": branch["id"],
        "card_no": card_no,
        "member_no": branch["code"] + card_no,
        "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[n % len(GIVEN)],
        "sex": sex,
        "id_number": compose_id_number("110105", birth, seq),
        "education": "大学本科",
        "birth_date": birth,
        "joined_date": date(birth.year + 25, 7, 1),
        "full_member_date": date(birth.year + 26, 7, 1),
        "status": "FULL",
        "phone": f"139{n:08d}",
        "dues_category": "EMPLOYED",
        "monthly_dues_fen": rng.choice(MONTHLY_FEN),
    }


def generate(
    url: str,
    *,
    members: int = 100_000,
    ledger: bool = True,
    year: int | None = None,
    uid_key: str,
    big_branch: int = 8_400,
    seed: int = 7,
) -> DistrictInfo:
    """Create the schema and the district in an empty database at ``url``."""
    rng = random.Random(seed)
    year = year or hall_clock.today().year
    engine = make_engine(url)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    Base.metadata.create_all(engine)
    tables = Base.metadata.tables
    orgs, branches = _orgs()
    write_rows(engine, tables["organizations"], orgs)

    def branch_of(n: int) -> dict[str, Any]:
        return branches[0] if n <= big_branch else branches[1 + n % (len(branches) - 1)]

    people = [_member(n, branch_of(n), rng) for n in range(1, members + 1)]
    write_rows(engine, tables["members"], people)
    write_rows(
        engine,
        tables["memberships"],
        (
            {
                "id": p["id"],
                "member_id": p["id"],
                "org_id": p["org_id"],
                "member_no": p["member_no"],
                "start_date": p["joined_date"],
            }
            for p in people
        ),
    )
    write_rows(
        engine,
        tables["cards"],
        (
            {
                "id": p["id"],
                "member_id": p["id"],
                "card_no": p["card_no"],
                "uid_hash": uid_hash(uid_for(p["id"]), uid_key),
                "state": "ACTIVE",
            }
            for p in people
        ),
    )
    write_rows(engine, tables["card_number_sequence"], [{"id": 1, "last_no": members}])
    seconds["members_and_cards"] = time.perf_counter() - started
    ledger_rows = 0
    if ledger:
        started = time.perf_counter()
        ledger_rows = write_rows(engine, tables["dues_months"], _ledger(people, year, rng))
        seconds["ledger"] = time.perf_counter() - started
    _finish(engine)
    with make_session_factory(engine)() as session:
        _device, key = users.register_device(session, Actor.system("bench"), "bench-kiosk")
        session.commit()
    engine.dispose()
    return DistrictInfo(members, len(branches), year, ledger_rows, key, seconds)


def _ledger(
    people: list[dict[str, Any]], year: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """Twelve months per member; each has paid from January up to a random month."""
    row_id = 0
    for p in people:
        paid_through = rng.choice((0, 3, 6, 8, 9, 10, 10, 10, 11, 12))
        for month in range(1, 13):
            row_id += 1
            due = p["monthly_dues_fen"]
            yield {
                "id": row_id,
                "member_id": p["id"],
                "org_id": p["org_id"],
                "year": year,
                "month": month,
                "due_fen": due,
                "paid_fen": due if month <= paid_through else 0,
            }


def _finish(engine: Engine) -> None:
    """Move PostgreSQL's id sequences past the explicit ids; refresh planner statistics."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for name in ("organizations", "members", "memberships", "cards", "dues_months"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
        conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL of an empty database")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--no-ledger", action="store_true")
    parser.add_argument("--uid-key", default="bench-card-key")
    args = parser.parse_args()
    info = generate(args.url, members=args.members, ledger=not args.no_ledger, uid_key=args.uid_key)
    print(info)


if __name__ == "__main__":
    main()
