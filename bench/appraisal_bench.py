"""Assessment benchmark: scoring a round of 2,000 branches (target ≤ 5 s).

Builds the synthetic district of ``bench.generate_district`` (2,000 branches; members and a
year of ledger), loads the example indicator tree (``demo_appraisal``), opens a yearly round
over every branch, writes a self, a peer and a superior score for each manual leaf of each
branch and a few satisfaction votes per branch, then times ``appraisal_results.score_round``:
the five automatic indicators over the ledger, the raters' averages, the composite, ranking and
grades. Prints figures; it does not pass or fail.

    .venv/bin/python -m bench.appraisal_bench                      # SQLite, 20,000 members
    .venv/bin/python -m bench.appraisal_bench --members 50000 --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from backend.db import make_engine, make_session_factory
from backend.models import AppraisalNode, AppraisalSubject, Base, Member, Organization
from backend.models.base import utcnow
from backend.services import appraisal_results
from backend.services.actor import Actor
from backend.services.demo_appraisal import seed_appraisal
from backend.settings import AppraisalSettings
from bench.generate_district import generate, write_rows

VOTES_PER_BRANCH = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty database; default: a SQLite file in a temp dir")
    parser.add_argument("--members", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'appraisal.db'}"
        started = time.perf_counter()
        info = generate(url, members=args.members, uid_key=secrets.token_hex(16), big_branch=10)
        print(
            f"district: {info.branches} branches, {info.members} members, "
            f"{info.ledger_rows} ledger rows in {time.perf_counter() - started:.1f} s"
        )
        engine = make_engine(url)
        actor = Actor.system("bench")
        with make_session_factory(engine)() as session:
            by_code = {o.code: o for o in session.scalars(select(Organization))}
            round_ = seed_appraisal(session, actor, by_code, date(info.year, 12, 1))
            round_id = round_.id
            session.commit()
            subjects = session.execute(
                select(AppraisalSubject.id, AppraisalSubject.org_id).where(
                    AppraisalSubject.round_id == round_id
                )
            ).all()
            leaves = session.scalars(
                select(AppraisalNode.id).where(
                    AppraisalNode.template_id == round_.template_id,
                    AppraisalNode.is_leaf.is_(True),
                    AppraisalNode.source.is_(None),
                )
            ).all()
        print(f"round: {len(subjects)} subjects, {len(leaves)} manual leaves")
        now = utcnow()
        scores = [
            {
                "subject_id": sid,
                "node_id": leaf,
                "rater_kind": kind,
                "rater": rater,
                "points_cp": 6_000 + (sid * 37 + leaf * 11 + i * 7) % 4_000,
                "note": "",
                "created_by": "bench",
                "created_at": now,
            }
            for sid, _org in subjects
            for leaf in leaves
            for i, (kind, rater) in enumerate(
                (("self", "本支部"), ("peer", "相邻支部"), ("superior", "党委考核组"))
            )
        ]
        tables = Base.metadata.tables
        write_rows(engine, tables["appraisal_scores"], _numbered(scores))
        members = _members_by_org(engine)
        votes = [
            {
                "round_id": round_id,
                "subject_id": sid,
                "member_id": member,
                "choice": ("satisfied", "fair", "unsatisfied")[member % 3],
                "created_at": now,
            }
            for sid, org in subjects
            for member in members.get(org, [])[:VOTES_PER_BRANCH]
        ]
        write_rows(engine, tables["appraisal_votes"], _numbered(votes))
        print(f"written: {len(scores)} scores, {len(votes)} votes")
        with make_session_factory(engine)() as session:
            round_ = session.get_one(type(round_), round_id)
            started = time.perf_counter()
            outcome = appraisal_results.score_round(session, actor, AppraisalSettings(), round_)
            session.commit()
            seconds = time.perf_counter() - started
        print(
            f"scored {outcome.scored} branches ({outcome.excellent} 优秀) in {seconds:.2f} s "
            f"on {engine.dialect.name} (target ≤ 5 s)"
        )
        engine.dispose()


def _numbered(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Explicit ids (the tables are empty): PostgreSQL's COPY fills no serial column."""
    return [{**row, "id": n} for n, row in enumerate(rows, start=1)]


def _members_by_org(engine: Engine) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    with engine.connect() as conn:
        for member_id, org_id in conn.execute(select(Member.id, Member.org_id)):
            out.setdefault(org_id, []).append(member_id)
    return out


if __name__ == "__main__":
    main()
