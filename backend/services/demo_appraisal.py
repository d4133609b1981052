"""Demo data for assessment (考核): the example indicator tree — five categories weighted
30/20/25/15/10 as in the founding documents, with second-level items and leaf indicators, some
of them computed from the hall's own records — and one open quarterly round for the branches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backend.models import AppraisalRound, AppraisalTemplate, Organization
from backend.services import appraisal_rounds, appraisal_templates
from backend.services.actor import Actor
from backend.settings import AppraisalSettings


def _leaf(
    name: str, weight: int, standard: str, explanation: str = "", source: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": name,
        "weight": weight,
        "standard": standard,
        "explanation": explanation or name,
    }
    if source:
        item["source"] = source
    return item


EXAMPLE_TREE: list[dict[str, Any]] = [
    {
        "name": "政治建设",
        "weight": 30,
        "children": [
            {
                "name": "理想信念",
                "weight": 50,
                "children": [
                    _leaf("理论学习", 60, "按计划组织学习得满分；每少一次扣10分"),
                    _leaf("政治生日活动", 40, "为党员过政治生日得满分；未开展不得分"),
                ],
            },
            {
                "name": "政治纪律",
                "weight": 50,
                "children": [
                    _leaf("执行上级决策部署", 100, "按时完成上级交办任务得满分；每延误一项扣20分"),
                ],
            },
        ],
    },
    {
        "name": "思想建设",
        "weight": 20,
        "children": [
            {
                "name": "宣传教育",
                "weight": 100,
                "children": [
                    _leaf("主题党日", 50, "每月开展一次得满分；每缺一次扣15分"),
                    _leaf("党员教育培训", 50, "党员年度培训学时达标率×100"),
                ],
            },
        ],
    },
    {
        "name": "组织建设",
        "weight": 25,
        "children": [
            {
                "name": "组织生活",
                "weight": 40,
                "children": [
                    _leaf("三会一课", 100, "按规定召开得满分；每缺一次扣10分"),
                ],
            },
            {
                "name": "党员管理",
                "weight": 60,
                "children": [
                    _leaf(
                        "党费收缴率",
                        40,
                        "收缴率×100（系统按台账自动计算）",
                        "本期应交党费中已交的比例",
                        "dues_collection",
                    ),
                    _leaf(
                        "按月交纳党费",
                        20,
                        "当月交清的人月数比例×100（系统自动计算）",
                        "党员按月交纳党费的比例",
                        "dues_on_time",
                    ),
                    _leaf(
                        "按时汇缴党费",
                        20,
                        "期末后规定天数内确认汇缴的比例×100（系统自动计算）",
                        "汇缴单按时确认的比例",
                        "remittance_on_time",
                    ),
                    _leaf(
                        "组织关系转接",
                        10,
                        "规定天数内处理转入通知的比例×100（系统自动计算）",
                        "转入通知按时处理的比例",
                        "transfer_notices_on_time",
                    ),
                    _leaf(
                        "介绍信回执",
                        10,
                        "有效期内收回回执的比例×100（系统自动计算）",
                        "组织关系介绍信回执按期收回的比例",
                        "letters_returned",
                    ),
                ],
            },
        ],
    },
    {
        "name": "作风建设",
        "weight": 15,
        "children": [
            {
                "name": "服务群众",
                "weight": 100,
                "children": [
                    _leaf("在职党员进社区", 50, "报到率×100"),
                    _leaf(
                        "党员满意度",
                        50,
                        "满意100分、基本满意60分、不满意0分，取平均（查询机投票）",
                        "党员在查询机刷卡后对本支部的满意度测评",
                        "satisfaction",
                    ),
                ],
            },
        ],
    },
    {
        "name": "纪律建设",
        "weight": 10,
        "children": [
            {
                "name": "廉洁自律",
                "weight": 100,
                "children": [
                    _leaf("党风廉政教育", 100, "开展廉政教育得满分；党员受处分的每人次扣30分"),
                ],
            },
        ],
    },
]


def load_template(session: Session, actor: Actor, year: int) -> AppraisalTemplate:
    return appraisal_templates.create_template(
        session,
        actor,
        kind="org",
        year=year,
        name=f"{year}年度基层党组织考核指标体系",
        tree=EXAMPLE_TREE,
        bonus_cap=5,
        deduction_cap=10,
    )


def seed_appraisal(
    session: Session, actor: Actor, by_code: dict[str, Organization], today: date
) -> AppraisalRound:
    """The example template and an open round of this quarter for the district's branches."""
    district = min(by_code.values(), key=lambda o: o.path.count("/"))
    year, quarter = today.year, (today.month - 1) // 3 + 1
    template = load_template(session, actor, year)
    return appraisal_rounds.create_round(
        session,
        actor,
        AppraisalSettings(),
        template=template,
        org=district,
        year=year,
        quarter=quarter,
        title=f"{year}年第{quarter}季度基层党支部考核",
    )
