"""The rules of member development (发展党员) as data: the time rules between stages, the
materials checklist of each stage and the stages whose move needs a 公示.

The services (``development``, ``development_moves``) look every rule up here; a rule's
``name`` is what a refusal and a warning say. Where each figure comes from is written down in
docs/member-development.md.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from backend.errors import Invalid
from backend.models import DevStage
from backend.services.transfers import add_months


class Kind(enum.StrEnum):
    AT_LEAST = "at_least"  # ``end`` may not come before ``start`` + the span: a move is refused
    WITHIN = "within"  # ``end`` is due by ``start`` + the span: a warning before it passes


@dataclass(frozen=True)
class TimeRule:
    code: str
    name: str  # 规则名称, as refusals and warnings name it
    start: str  # the fact the span runs from
    end: str  # the fact the rule governs (a move's date, or what is due)
    kind: Kind
    months: int = 0
    working_days: int = 0  # Monday to Friday (public holidays are not known to the hall)
    warn_stages: tuple[DevStage, ...] = ()  # stages in which a WITHIN rule's deadline is watched
    due_label: str = ""  # what the warning says is due

    def deadline(self, start: date) -> date:
        return add_working_days(add_months(start, self.months), self.working_days)


def add_working_days(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


TIME_RULES: tuple[TimeRule, ...] = (
    TimeRule("age", "年满十八周岁方可申请入党", "birth_date", "applied_on", Kind.AT_LEAST, 216),
    TimeRule(
        "talk",
        "收到入党申请书后一个月内派人谈话",
        "applied_on",
        "talked_on",
        Kind.WITHIN,
        1,
        warn_stages=(DevStage.APPLICANT,),
        due_label="入党谈话到期",
    ),
    TimeRule(
        "activist_year",
        "入党积极分子经一年以上培养考察方可列为发展对象",
        "activist_on",
        "target_on",
        Kind.AT_LEAST,
        12,
    ),
    TimeRule(
        "report",
        "入党积极分子和发展对象每季度至少递交一次思想汇报",
        "last_report_on",
        "next_report_on",
        Kind.WITHIN,
        3,
        warn_stages=(DevStage.ACTIVIST, DevStage.TARGET),
        due_label="思想汇报到期",
    ),
    TimeRule(
        "notice",
        "发展对象公示期不少于5个工作日",
        "notice_on",
        "admitted_on",
        Kind.AT_LEAST,
        working_days=5,
    ),
    TimeRule(
        "admission_approval",
        "支部大会通过后上级党委应在三个月内审批",
        "admitted_on",
        "approved_on",
        Kind.WITHIN,
        3,
        warn_stages=(DevStage.TARGET,),
        due_label="接收预备党员审批到期",
    ),
    TimeRule(
        "probation",
        "预备期一年，期满方可转为正式党员",
        "probation_end",
        "full_approved_on",
        Kind.AT_LEAST,
    ),
    TimeRule(
        "conversion_notice",
        "预备党员转正公示期不少于5个工作日",
        "conversion_notice_on",
        "full_approved_on",
        Kind.AT_LEAST,
        working_days=5,
    ),
    TimeRule(
        "conversion_due",
        "预备期满应及时讨论其能否转为正式党员",
        "probation_end",
        "full_approved_on",
        Kind.WITHIN,
        warn_stages=(DevStage.PROBATIONARY,),
        due_label="转正到期",
    ),
)
RULES_BY_CODE: Mapping[str, TimeRule] = {r.code: r for r in TIME_RULES}

#: The materials (入党材料) each stage must have complete before the case leaves it.
MATERIALS: Mapping[DevStage, tuple[tuple[str, str], ...]] = {
    DevStage.APPLICANT: (
        ("application", "入党申请书"),
        ("talk_record", "谈话记录"),
    ),
    DevStage.ACTIVIST: (
        ("recommendation", "党员推荐或群团组织推优材料"),
        ("activist_minutes", "支部委员会确定入党积极分子的会议记录"),
        ("assessment_form", "入党积极分子培养教育考察登记表"),
    ),
    DevStage.TARGET: (
        ("target_minutes", "支部委员会列为发展对象的会议记录"),
        ("political_review", "政治审查结论"),
        ("training", "短期集中培训结业证明"),
        ("precheck", "基层党委预审意见"),
        ("volunteer_form", "入党志愿书"),
    ),
    DevStage.PROBATIONARY: (
        ("oath", "入党宣誓记录"),
        ("conversion_application", "转正申请书"),
        ("probation_review", "预备期考察意见"),
        ("conversion_resolution", "支部大会转正决议"),
    ),
    DevStage.FULL: (),
    DevStage.STOPPED: (),
}
MATERIAL_LABELS: Mapping[str, str] = {k: v for items in MATERIALS.values() for k, v in items}

#: The stage each stage moves on to.
NEXT_STAGE: Mapping[DevStage, DevStage] = {
    DevStage.APPLICANT: DevStage.ACTIVIST,
    DevStage.ACTIVIST: DevStage.TARGET,
    DevStage.TARGET: DevStage.PROBATIONARY,
    DevStage.PROBATIONARY: DevStage.FULL,
}

#: The date each stage is entered on.
STAGE_DATE: Mapping[DevStage, str] = {
    DevStage.APPLICANT: "applied_on",
    DevStage.ACTIVIST: "activist_on",
    DevStage.TARGET: "target_on",
    DevStage.PROBATIONARY: "approved_on",
    DevStage.FULL: "full_on",
    DevStage.STOPPED: "stopped_on",
}

#: Moves that need a published 公示 first: the stage moved to → the case's notice column.
NOTICE_BEFORE: Mapping[DevStage, str] = {
    DevStage.PROBATIONARY: "notice_id",
    DevStage.FULL: "conversion_notice_id",
}

CONTACTS = (1, 2)  # 培养联系人: one or two full members
SPONSORS = 2  # 入党介绍人: two full members


def missing_materials(stage: DevStage, materials: Mapping[str, object]) -> list[str]:
    return [label for key, label in MATERIALS[stage] if not materials.get(key)]


def check_time_rules(facts: Mapping[str, date | None], governed: str) -> None:
    """Refuse (``Invalid``, the rule named) when the fact ``governed`` — the date a move
    records — breaks an AT_LEAST rule; a rule whose start is unknown is not applied."""
    for rule in TIME_RULES:
        if rule.kind is not Kind.AT_LEAST or rule.end != governed:
            continue
        start, end = facts.get(rule.start), facts.get(rule.end)
        if start is None or end is None:
            continue
        earliest = rule.deadline(start)
        if end < earliest:
            raise Invalid(
                f"不符合“{rule.name}”：最早可在{earliest.isoformat()}办理",
                code=f"rule_{rule.code}",
                details={"rule": rule.code, "earliest": earliest.isoformat()},
            )


@dataclass(frozen=True)
class Deadline:
    rule: TimeRule
    due_on: date


def deadlines(stage: DevStage, facts: Mapping[str, date | None]) -> list[Deadline]:
    """What is due in the case's current stage and not yet done (WITHIN rules)."""
    found = []
    for rule in TIME_RULES:
        if rule.kind is not Kind.WITHIN or stage not in rule.warn_stages:
            continue
        start = facts.get(rule.start)
        if start is None or facts.get(rule.end) is not None:
            continue
        found.append(Deadline(rule, rule.deadline(start)))
    return found
