"""The demo district's organization tree and people, drawn from a seeded random generator.

Pure data, no database: the same seed always yields the same organizations, names, ID numbers,
card UIDs and months behind, so the README and the tests can name demo cards. Names come from
``data/demo/`` and include rare characters outside GBK (刘䶮, 吉𠮷, 王𬌗).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.models import DuesCategory, MemberStatus, OrgType
from backend.services.assessment import assess
from backend.services.idnumber import compose_id_number
from backend.settings import DATA_DIR, DuesSettings

NAMES_DIR = DATA_DIR / "demo"
REGIONS = ("110105", "110108", "310104", "410105", "420106", "440305", "510107", "370102")
STREETS = ("人民路", "建设路", "解放路", "文化路", "和平街", "幸福路", "光明街", "朝阳路", "滨河路")
ETHNIC = ("回族", "满族", "蒙古族", "壮族", "土家族", "苗族")


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    type: OrgType
    parent_code: str | None
    kind: str = ""  # what its members are like: community|enterprise|agency|retired|student|village
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class Person:
    """One generated member: the ``Member`` column values plus what the demo needs to know."""

    values: dict[str, Any]
    branch_code: str
    behind: int  # consecutive unpaid past months wanted on the demo day
    period: int  # pays every 1, 3, 6 or 12 months
    uid: str
    lost_uid: str | None = None  # an earlier card, reported lost
    note: str | None = None  # why the demo card table lists this member


_WEIGHT = {
    "community": 55,
    "enterprise": 35,
    "agency": 45,
    "retired": 70,
    "student": 60,
    "village": 60,
}


def _read_words(name: str) -> list[str]:
    text = (NAMES_DIR / name).read_text(encoding="utf-8")
    return [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def org_tree(rng: random.Random) -> list[OrgSpec]:
    """The district, its 党委, 总支 and branches from ``organizations.json``, parents first."""
    tree = json.loads((NAMES_DIR / "organizations.json").read_text(encoding="utf-8"))
    surnames = _read_words("surnames.txt")[:60]
    given = _read_words("given_male.txt") + _read_words("given_female.txt")

    def spec(code: str, name: str, type: OrgType, parent: str | None, kind: str = "") -> OrgSpec:
        street = STREETS[int(code[2:6]) % len(STREETS)]
        details = {
            "secretary": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "address": f"示范区{street}{int(code[2:]) % 397 + 1}号",
        }
        if type is OrgType.BRANCH:
            details["phone"] = _phone(rng)
        else:
            office = f"0371-6{rng.randrange(10**6):06d}"
            details |= {"phone": office, "fax": office[:-1] + "9", "postcode": "450000"}
        return OrgSpec(code, name, type, parent, kind, details)

    specs = [spec("01000000", "中共示范区委员会", OrgType.DISTRICT, None)]
    for ci, committee in enumerate(tree["committees"], start=1):
        c_code = f"01{ci:02d}0000"
        specs.append(spec(c_code, committee["name"], OrgType.COMMITTEE, "01000000"))
        for gi, general in enumerate(committee["generals"], start=1):
            g_code = f"01{ci:02d}{gi:02d}00"
            specs.append(spec(g_code, general["name"], OrgType.GENERAL_BRANCH, c_code))
            for bi, (name, kind) in enumerate(general["branches"], start=1):
                specs.append(spec(f"{g_code[:6]}{bi:02d}", name, OrgType.BRANCH, g_code, kind))
        for bi, (name, kind) in enumerate(committee["direct"], start=1):
            # A branch directly under its 党委: the 总支 level of the code is 00.
            specs.append(spec(f"01{ci:02d}00{bi:02d}", name, OrgType.BRANCH, c_code, kind))
    return specs


_PROFILES = {  # kind → [(category, weight)]
    "community": [
        ("employed", 40),
        ("retired", 35),
        ("unemployed", 10),
        ("low_income", 8),
        ("farmer", 7),
    ],
    "enterprise": [("employed", 100)],
    "agency": [("employed", 100)],
    "retired": [("retired", 100)],
    "student": [("student", 100)],
    "village": [("farmer", 85), ("retired", 10), ("low_income", 5)],
}
_BIRTH_YEARS = {
    "employed": (1966, 2001),
    "retired": (1936, 1964),
    "student": (2003, 2007),
    "farmer": (1950, 1995),
    "unemployed": (1965, 1995),
    "low_income": (1950, 1990),
}
_BEHIND = [(0, 74), (1, 8), (2, 6), (3, 3), (4, 2), (5, 2), (6, 2), (7, 1), (8, 1), (9, 1)]

# The members the demo card table shows, first in the file so they also get card numbers 1…n.
SHOWCASE = (
    ("按时缴纳", {"behind": 0}),
    ("欠缴2个月", {"behind": 2}),
    ("欠缴5个月（提醒）", {"behind": 5}),
    ("欠缴6个月（警示）", {"behind": 6}),
    ("欠缴9个月（警示）", {"behind": 9}),
    ("预备党员", {"behind": 0, "probationary": True}),
    ("生僻字姓名", {"behind": 0, "name": "王𬌗"}),
    ("1949年前入党的老党员", {"behind": 0, "veteran": True}),
    ("有一张已挂失的旧卡", {"behind": 1, "lost_card": True}),
)


class PeopleFactory:
    def __init__(self, rng: random.Random, today: date, dues: DuesSettings) -> None:
        self.rng, self.today, self.dues = rng, today, dues
        self.surnames = _read_words("surnames.txt")
        self.male = _read_words("given_male.txt")
        self.female = _read_words("given_female.txt")
        self.rare = _read_words("rare_names.txt")
        self.ids: set[str] = set()
        self.uids: set[str] = set()

    def uid(self) -> str:
        while True:
            uid = f"{self.rng.getrandbits(32):08X}"
            if uid not in self.uids:
                self.uids.add(uid)
                return uid

    def name(self, sex: str) -> str:
        rng = self.rng
        if rng.random() < 0.01:
            return rng.choice(self.rare)
        # Common surnames far more often: the list is ordered by frequency.
        surname = self.surnames[min(int(rng.expovariate(1 / 18)), len(self.surnames) - 1)]
        chars = self.male if sex == "M" else self.female
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        return surname + given

    def id_number(self, birth: date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            number = compose_id_number(self.rng.choice(REGIONS), birth, seq)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def _date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def person(self, branch: OrgSpec, **wish: Any) -> Person:
        rng, today = self.rng, self.today
        veteran = wish.get("veteran", False)
        category = "retired" if veteran else self._category(branch.kind)
        sex = "M" if rng.random() < (0.85 if veteran else 0.68) else "F"
        low, high = (1922, 1929) if veteran else _BIRTH_YEARS[category]
        birth = self._date_between(date(low, 1, 1), date(high, 12, 31))
        probationary = wish.get("probationary")
        if probationary is None:
            probationary = not veteran and rng.random() < (0.35 if category == "student" else 0.03)
        adult = date(birth.year + 18, birth.month, min(birth.day, 28))
        latest_full = today - timedelta(days=400)  # a full member was admitted over a year ago
        probationary = probationary or (not veteran and adult > latest_full)
        if veteran:
            joined = self._date_between(max(adult, date(1945, 1, 1)), date(1949, 9, 30))
        elif probationary:
            recent = max(adult, today - timedelta(days=330))
            joined = self._date_between(recent, today - timedelta(days=20))
        else:
            joined = min(adult + timedelta(days=rng.randrange(20 * 365)), latest_full)
        work_start = None
        if category in ("employed", "retired") and not veteran:
            work_start = date(birth.year + rng.randint(18, 24), rng.randint(7, 9), 1)
        values = {
            "name": wish.get("name") or self.name(sex),
            "sex": sex,
            "id_number": self.id_number(birth, sex),
            "ethnicity": rng.choice(ETHNIC) if rng.random() < 0.07 else "汉族",
            "education": self._education(category, birth, veteran),
            "birth_date": birth,
            "work_start_date": work_start,
            "joined_date": joined,
            "full_member_date": None if probationary else joined + timedelta(days=365),
            "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            "address": self._address(),
            "phone": None if veteran and rng.random() < 0.5 else _phone(rng),
            "dues_category": DuesCategory(category),
            "hardship": category == "low_income" and rng.random() < 0.5,
            "floating": branch.name.endswith("流动党员党支部"),
            **self._dues(category),
        }
        behind = wish.get("behind", self._weighted(_BEHIND))
        period = self._weighted([(1, 30), (3, 40), (6, 20), (12, 10)])
        lost = self.uid() if wish.get("lost_card") else None
        return Person(values, branch.code, behind, period, self.uid(), lost)

    def _address(self) -> str:
        rng = self.rng
        building = f"{rng.randint(1, 300)}号{rng.randint(1, 6)}单元{rng.randint(101, 1802)}室"
        return f"示范区{rng.choice(STREETS)}{building}"

    def _weighted(self, choices: list[tuple[Any, int]]) -> Any:
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def _category(self, kind: str) -> str:
        return self._weighted(_PROFILES[kind])

    def _education(self, category: str, birth: date, veteran: bool) -> str:
        if veteran:
            return self.rng.choice(("小学及以下", "初中"))
        if category == "student":
            return self._weighted([("大学本科", 70), ("大学专科", 20), ("研究生", 10)])
        if birth.year < 1960 or category in ("farmer", "low_income"):
            return self._weighted([("初中", 30), ("高中", 30), ("中专", 20), ("大学专科", 20)])
        return self._weighted([("研究生", 15), ("大学本科", 50), ("大学专科", 25), ("高中", 10)])

    def _dues(self, category: str) -> dict[str, Any]:
        base = None
        if category == "employed":
            low, high = self._weighted(
                [((2800, 4500), 30), ((4500, 8000), 45), ((8000, 15000), 20), ((15000, 30000), 5)]
            )
            base = self.rng.randrange(low, high) * 100
        elif category == "retired":
            base = self.rng.randrange(2500, 9000) * 100
        monthly = assess(category, base, self.dues).monthly_fen
        return {"dues_base_fen": base, "monthly_dues_fen": monthly}


def people(
    rng: random.Random, count: int, branches: list[OrgSpec], today: date, dues: DuesSettings
) -> list[Person]:
    """``count`` members spread over the branches by kind; the showcase members come first,
    then 刘䶮 and 吉𠮷, so that all three named rare characters are in every demo."""
    factory = PeopleFactory(rng, today, dues)
    general = [b for b in branches if b.kind in ("community", "agency", "enterprise")]
    out: list[Person] = []
    for note, wish in SHOWCASE:
        person = factory.person(rng.choice(general), **{"probationary": False, **wish})
        person.note = note
        out.append(person)
    for name in ("刘䶮", "吉𠮷"):
        out.append(factory.person(rng.choice(general), name=name))
    weights = [_WEIGHT[b.kind] for b in branches]
    while len(out) < count:
        out.append(factory.person(rng.choices(branches, weights=weights)[0]))
    return out[:count]
