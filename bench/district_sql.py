"""Growing a benchmark district to millions of members inside PostgreSQL (bench/peak_bench.py).

``INSERT … SELECT … FROM generate_series``: PostgreSQL makes the rows itself, no Python per row,
so 10,000,000 members take minutes. The org tree and the kiosk come from
``bench.generate_district.generate(members=0)``; this adds members ``first``…``last`` with what
``generate_district`` gives a member: a membership, an active card whose UID is
``uid_for(n)`` (its keyed hash made by pgcrypto's ``hmac``, the same HMAC-SHA256 as
``services.cards.uid_hash``), a card number. The year's ledger (12 months) is written for every
``LEDGER_EVERY``-th member only — 120,000,000 ledger rows would not fit "minutes" — and the taps
go to those members, so each tap reads a full year as at the hall.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from bench.generate_district import GIVEN, MONTHLY_FEN, SURNAMES

LEDGER_EVERY = 10
CARD_NO = "CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END"  # f"{n:06d}"

# Members n in [:first, :last]; branch ids from the org tree the generator wrote.
MEMBERS = f"""
INSERT INTO members (id, org_id, card_no, member_no, name, sex, id_number, ethnicity, education,
    birth_date, joined_date, full_member_date, status, phone, dues_category, monthly_dues_fen,
    hardship, floating, archived, created_at, updated_at)
SELECT n, b.ids[1 + n % b.count], {CARD_NO}, 'M' || lpad(n::text, 8, '0'),
    substr('{SURNAMES}', 1 + n % {len(SURNAMES)}, 1)
        || substr('{GIVEN}', 1 + (n / 7) % {len(GIVEN)}, 1)
        || substr('{GIVEN}', 1 + n % {len(GIVEN)}, 1),
    CASE WHEN n % 3 = 0 THEN 'F' ELSE 'M' END,
    '9' || lpad(n::text, 16, '0') || '0', '汉族', '大学本科',
    date '1950-01-01' + n % 18000,
    make_date(1975 + (n % 18000) / 366, 7, 1), make_date(1976 + (n % 18000) / 366, 7, 1),
    'FULL', '139' || lpad(n::text, 8, '0'), 'EMPLOYED',
    (ARRAY{list(MONTHLY_FEN)})[1 + n % {len(MONTHLY_FEN)}],
    false, false, false, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n,
    (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS count
     FROM organizations WHERE type = 'BRANCH') AS b
"""

MEMBERSHIPS = """
INSERT INTO memberships (id, member_id, org_id, member_no, start_date, reason)
SELECT id, id, org_id, member_no, joined_date, '建档' FROM members
WHERE id BETWEEN CAST(:first AS integer) AND CAST(:last AS integer)
"""

CARDS = f"""
INSERT INTO cards (id, member_id, card_no, uid_hash, state, issue_seq, issued_at)
SELECT n, n, {CARD_NO},
    encode(hmac('BE' || lpad(upper(to_hex(n)), 6, '0'), :key, 'sha256'), 'hex'),
    'ACTIVE', 1, now() AT TIME ZONE 'UTC'
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n
"""

# Paid from January through a month that varies by member (0 = nothing paid yet).
LEDGER = f"""
INSERT INTO dues_months (member_id, org_id, year, month, due_fen, paid_fen, waived)
SELECT m.id, m.org_id, CAST(:year AS integer), month, m.monthly_dues_fen,
    CASE WHEN month <= (m.id / {LEDGER_EVERY}) % 13 THEN m.monthly_dues_fen ELSE 0 END, false
FROM members AS m, generate_series(1, 12) AS month
WHERE m.id BETWEEN CAST(:first AS integer) AND CAST(:last AS integer) AND m.id % {LEDGER_EVERY} = 0
"""

PLAIN_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes AS i
WHERE i.tablename IN ('members', 'memberships', 'cards', 'dues_months')
    AND i.indexname NOT IN (SELECT conname FROM pg_constraint)
"""


def grow(engine: Engine, first: int, last: int, *, uid_key: str, year: int) -> dict[str, float]:
    """Add members ``first``…``last`` (and their memberships, cards, ledger), then move the id
    sequences past them and refresh the planner's statistics. Returns seconds per step."""
    bounds = {"first": first, "last": last}
    seconds: dict[str, float] = {}
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pgcrypto"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        # Rows made here reference rows made here: no foreign-key trigger per row. Indexes that
        # back no constraint are built once afterwards instead of row by row.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        rebuild = conn.execute(text(PLAIN_INDEXES)).all()
        for name, _definition in rebuild:
            conn.execute(text(f"DROP INDEX {name}"))
        steps = (
            ("members", MEMBERS, bounds),
            ("memberships", MEMBERSHIPS, bounds),
            ("cards", CARDS, {**bounds, "key": uid_key}),
            ("ledger", LEDGER, {**bounds, "year": year}),
        )
        for name, sql, values in steps:
            started = time.perf_counter()
            conn.execute(text(sql), values)
            seconds[name] = time.perf_counter() - started
        started = time.perf_counter()
        for _name, definition in rebuild:
            conn.execute(text(definition))
        seconds["indexes"] = time.perf_counter() - started
        for name in ("members", "memberships", "cards", "dues_months"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
            )
        conn.execute(text("UPDATE card_number_sequence SET last_no = :last"), bounds)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    seconds["vacuum_analyze"] = time.perf_counter() - started
    return seconds


def tapped_member(draw: float, members: int) -> int:
    """A member with a ledger, spread evenly over all ``members`` (``draw`` in [0, 1))."""
    return LEDGER_EVERY * (1 + int(draw * (members // LEDGER_EVERY)))
