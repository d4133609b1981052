"""Bulk imports of members from spreadsheets, shared by the CLI and the web console.

Every row is checked before anything is written; each bad row is reported with its row number,
column and a Chinese reason, and by default one bad row stops the whole file. Good files are
written set-based (batched inserts), with one audit row per created member and one for the
import as a whole, all in the caller's transaction. Dues imports live in ``dues_imports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import (
    DuesCategory,
    Member,
    Membership,
    Organization,
    OrgType,
)
from backend.models.member import DUES_CATEGORY_LABELS
from backend.services import audit, audit_chain, hall_clock
from backend.services.actor import Actor
from backend.services.assessment import assess
from backend.services.bulk import (
    BATCH,
    audit_params,
    insert_many,
    insert_returning_ids,
    take_card_numbers,
)
from backend.services.idnumber import normalize_mobile, parse_id_number
from backend.services.import_report import (
    ImportRejected,
    ImportReport,
    Progress,
    RowCells,
    RowError,
    missing_columns,
    row_number,
)
from backend.services.import_rows import (
    MEMBER_COLUMNS,
    parse_amount,
    parse_code,
    parse_date,
    parse_text,
)
from backend.services.members import (
    EDUCATION_LEVELS,
    MEMBER_FIELDS,
    MemberData,
    member_number,
)
from backend.services.scope import org_in_scope, path_in_scope
from backend.settings import DuesSettings, Settings


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped_rows: int
    first_card_no: str | None
    last_card_no: str | None


@dataclass(frozen=True)
class MemberRow:
    row_number: int
    data: MemberData  # normalized
    org: Organization


_MEMBER_ERROR_COLUMNS = {
    "name": "姓名",
    "id_format": "身份证号",
    "id_region": "身份证号",
    "id_birth_date": "身份证号",
    "id_check_digit": "身份证号",
    "sex_mismatch": "性别",
    "birth_mismatch": "出生日期",
    "status": "党员类别",
    "joined_date": "入党日期",
    "full_member_date": "转正日期",
    "education": "学历",
    "dues_category": "党费类别",
    "dues_base_missing": "党费计算基数",
    "dues_base_negative": "党费计算基数",
    "phone_format": "联系电话",
}
_CATEGORIES = {label: category for category, label in DUES_CATEGORY_LABELS.items()} | {
    "低保": DuesCategory.LOW_INCOME,
    "救济": DuesCategory.LOW_INCOME,
    "退休": DuesCategory.RETIRED,
    "离休": DuesCategory.RETIRED,
    "下岗": DuesCategory.UNEMPLOYED,
    "失业": DuesCategory.UNEMPLOYED,
}


def _category(value: object) -> DuesCategory:
    text = parse_text(value)
    if text is None:
        return DuesCategory.EMPLOYED
    if text in _CATEGORIES:
        return _CATEGORIES[text]
    raise Invalid(
        "党费类别应为：在职、离退休、农民、学生、下岗失业、低保之一", code="dues_category"
    )


def _sex(value: object) -> str | None:
    text = parse_text(value)
    if text is not None and text not in ("男", "女"):
        raise Invalid("性别应为男或女", code="sex")
    return text


def _id_number(value: object, today: date) -> str | None:
    text = parse_code(value)
    return None if text is None else parse_id_number(text, today=today).number


def _past_date(value: object, today: date) -> date | None:
    day = parse_date(value)
    if day is not None and day > today:
        raise Invalid(f"日期不能晚于今天：{day.isoformat()}", code="import_date")
    return day


def _education(value: object) -> str | None:
    text = parse_text(value)
    if text is not None and text not in EDUCATION_LEVELS:
        raise Invalid(f"学历应为：{'、'.join(EDUCATION_LEVELS)}之一", code="education")
    return text


def _phone(value: object) -> str | None:
    return normalize_mobile(parse_text(value))


def _member_row(
    row: Mapping[str, Any],
    number: int,
    orgs: dict[str, Organization],
    dues: DuesSettings,
    today: date,
) -> tuple[MemberRow | None, list[RowError]]:
    cells = RowCells(row, number)
    name = cells.get("姓名", parse_text, required=True)
    id_number = cells.get("身份证号", _id_number, today, required=True)
    joined = cells.get("入党日期", _past_date, today, required=True)
    status = cells.get("党员类别", parse_text, required=True)
    code = cells.get("组织编码", parse_code, required=True)
    category = cells.get("党费类别", _category)
    base = cells.get("党费计算基数", parse_amount)
    monthly = cells.get("月缴党费", parse_amount)
    values = {
        "sex": cells.get("性别", _sex),
        "ethnicity": cells.get("民族", parse_text) or "汉族",
        "education": cells.get("学历", _education),
        "birth_date": cells.get("出生日期", _past_date, today),
        "work_start_date": cells.get("参加工作日期", _past_date, today),
        "full_member_date": cells.get("转正日期", _past_date, today),
        "address": cells.get("家庭住址", parse_text),
        "phone": cells.get("联系电话", _phone),
    }
    org = orgs.get(code or "")
    if code and org is None:
        cells.fail("组织编码", f"组织编码{code}不存在或不在您的管理范围内")
    elif org is not None and org.type is not OrgType.BRANCH:
        cells.fail("组织编码", f"组织编码{code}是{org.type.label}，党员只能编入党支部")
    elif org is not None and not org.active:
        cells.fail("组织编码", f"组织编码{code}对应的党支部已撤销")
    if cells.errors:
        return None, cells.errors
    category = category or DuesCategory.EMPLOYED
    try:
        if monthly is None and (
            base is not None or category not in (DuesCategory.EMPLOYED, DuesCategory.RETIRED)
        ):
            monthly = assess(category, base, dues).monthly_fen
        data = MemberData(
            name=name,
            id_number=id_number,
            joined_date=joined,
            status=status,
            dues_category=category,
            monthly_dues_fen=monthly,
            dues_base_fen=base,
            **values,
        ).normalize(today)
    except Invalid as exc:
        return None, [RowError(number, _MEMBER_ERROR_COLUMNS.get(exc.code), exc.message)]
    assert org is not None
    return MemberRow(number, data, org), []


def preview_members(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    dues: DuesSettings | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport[MemberRow]:
    """Check every row (fields, ID check digits, dates, phones, organization codes within the
    actor's scope, duplicates in the file and against members already registered)."""
    rows = list(rows)
    today = today or hall_clock.today()
    dues = dues or DuesSettings()
    report: ImportReport[MemberRow] = ImportReport(len(rows))
    report.errors.extend(missing_columns(rows, MEMBER_COLUMNS))
    if report.errors:
        return report
    orgs = {o.code: o for o in session.scalars(select(Organization).where(org_in_scope(actor)))}
    first_seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        number = row_number(row, index)
        parsed, errors = _member_row(row, number, orgs, dues, today)
        if parsed is not None:
            earlier = first_seen.setdefault(parsed.data.id_number, number)
            if earlier != number:
                errors = [RowError(number, "身份证号", f"与第{earlier}行的身份证号重复")]
                parsed = None
        report.errors.extend(errors)
        if parsed is not None:
            report.ok_rows.append(parsed)
        if progress and (index + 1) % BATCH == 0:
            progress("校验", index + 1, len(rows))
    registered = _registered(session, [r.data.id_number for r in report.ok_rows])
    if registered:
        for member_row in report.ok_rows:
            if member_row.data.id_number in registered:
                org_path, member_no = registered[member_row.data.id_number]
                where = (
                    f"（党员编号{member_no}）"
                    if path_in_scope(actor, org_path)
                    else "（在其他组织）"
                )
                report.errors.append(
                    RowError(
                        member_row.row_number, "身份证号", f"该身份证号已登记为在册党员{where}"
                    )
                )
        report.ok_rows = [r for r in report.ok_rows if r.data.id_number not in registered]
    order = {c.name: i for i, c in enumerate(MEMBER_COLUMNS)}
    report.errors.sort(key=lambda e: (e.row_number, order.get(e.column or "", -1)))
    if progress:
        progress("校验", len(rows), len(rows))
    return report


def _registered(session: Session, id_numbers: list[str]) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(id_numbers), 500):
        chunk = id_numbers[start : start + 500]
        for number, path, member_no in session.execute(
            select(Member.id_number, Organization.path, Member.member_no)
            .join(Organization, Member.org_id == Organization.id)
            .where(Member.id_number.in_(chunk), Member.archived.is_(False))
        ):
            found[number] = (path, member_no)
    return found


def import_members(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    settings: Settings,
    allow_partial: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """All-or-nothing (unless ``allow_partial``): create every member of the file, with card
    numbers issued in file order, a membership period and an audit row each."""
    today = today or hall_clock.today()
    report = preview_members(
        session, actor, rows, dues=settings.dues, today=today, progress=progress
    )
    if not report.ok and (not allow_partial or not report.ok_rows):
        raise ImportRejected(report)
    good = report.ok_rows
    first = take_card_numbers(session, len(good), settings.card_no_digits)
    card_nos = [f"{first + i:0{settings.card_no_digits}d}" for i in range(len(good))]
    params = [
        {
            "org_id": r.org.id,
            "card_no": card_no,
            "member_no": member_number(r.org, card_no),
            **{k: getattr(r.data, k) for k in MEMBER_FIELDS},
        }
        for r, card_no in zip(good, card_nos, strict=True)
    ]
    ids: list[int] = []
    for start in range(0, len(params), BATCH):
        ids.extend(insert_returning_ids(session, Member, params[start : start + BATCH]))
        if progress:
            progress("写入", len(ids), len(params))
    insert_many(
        session,
        Membership,
        [
            {
                "member_id": member_id,
                "org_id": p["org_id"],
                "member_no": p["member_no"],
                "start_date": today,
                "reason": "批量导入",
            }
            for member_id, p in zip(ids, params, strict=True)
        ],
    )
    audit_chain.append_rows(
        session,
        [
            audit_params(actor, "member.import", "member", member_id, p)
            for member_id, p in zip(ids, params, strict=True)
        ],
    )
    audit.record(
        session,
        actor,
        "import.members",
        "import",
        None,
        after={"rows": report.total_rows, "created": len(ids), "skipped": report.bad_row_count},
    )
    session.flush()
    return ImportResult(
        len(ids),
        report.bad_row_count,
        card_nos[0] if card_nos else None,
        card_nos[-1] if card_nos else None,
    )
