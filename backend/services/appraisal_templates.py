"""Indicator templates (考核指标体系): a tree of categories, second-level items and leaf
indicators with weights, versioned per year (docs/appraisal.md).

A template is written once; a correction or next year's tree is a new version, so a round
always scores against exactly the tree it started with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Invalid, NotFound
from backend.models import AppraisalNode, AppraisalTemplate
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.appraisal_indicators import REGISTRY
from backend.services.policy import Action

KINDS = {"org": "党组织考核", "member": "民主评议党员"}
MAX_DEPTH = 3


def points_cp(value: object, *, what: str, low: int = 0, high: int = 10_000) -> int:
    """A score or points given as text or number, to hundredths of a point (at most two
    decimals), within ``low``..``high`` cp."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(f"{what}“{value}”不是数字", code="appraisal_points") from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise Invalid(f"{what}最多保留两位小数", code="appraisal_points")
    cp = int(number * 100)
    if not low <= cp <= high:
        raise Invalid(
            f"{what}应在{low / 100:g}到{high / 100:g}分之间", code="appraisal_points_range"
        )
    return cp


def _check_level(items: Sequence[Mapping[str, Any]], where: str, depth: int, kind: str) -> None:
    if not items:
        raise Invalid(f"{where}下没有指标", code="appraisal_tree")
    total = 0
    for item in items:
        name = str(item.get("name") or "").strip()
        if not name or len(name) > 100:
            raise Invalid(f"{where}有指标名称为空或超过100字", code="appraisal_tree")
        weight = item.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 < weight <= 100:
            raise Invalid(f"“{name}”的权重应为1到100的整数", code="appraisal_weight")
        total += weight
        children = item.get("children") or []
        if children:
            if depth >= MAX_DEPTH:
                raise Invalid(f"“{name}”超过{MAX_DEPTH}级指标", code="appraisal_tree")
            _check_level(children, f"“{name}”", depth + 1, kind)
            continue
        if not str(item.get("standard") or "").strip():
            raise Invalid(f"末级指标“{name}”须有评分标准", code="appraisal_standard")
        source = item.get("source")
        if source:
            indicator = REGISTRY.get(source)
            if indicator is None or kind not in indicator.kinds:
                raise Invalid(f"“{name}”的自动指标“{source}”不可用", code="appraisal_source")
    if total != 100:
        raise Invalid(f"{where}各项权重之和应为100，现为{total}", code="appraisal_weight")


def create_template(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    year: int,
    name: str,
    tree: Sequence[Mapping[str, Any]],
    bonus_cap: object = 0,
    deduction_cap: object = 0,
) -> AppraisalTemplate:
    """A new version of the year's template. ``tree``: categories, each ``{name, weight,
    explanation?, standard?, source?, children?}``; weights of siblings add up to 100."""
    policy.authorize(actor, Action.APPRAISAL_TEMPLATE)
    if kind not in KINDS:
        raise Invalid(f"考核类别“{kind}”不正确", code="appraisal_kind")
    if not 2000 <= year <= 2100:
        raise Invalid(f"年度{year}不正确", code="appraisal_year")
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("请填写指标体系名称（不超过100字）", code="appraisal_name")
    _check_level(tree, "指标体系", 1, kind)
    version = (
        session.scalar(
            select(func.max(AppraisalTemplate.version)).where(
                AppraisalTemplate.kind == kind, AppraisalTemplate.year == year
            )
        )
        or 0
    ) + 1
    template = AppraisalTemplate(
        kind=kind,
        year=year,
        version=version,
        name=name,
        base_points=100,
        bonus_cap_cp=points_cp(bonus_cap, what="加分上限"),
        deduction_cap_cp=points_cp(deduction_cap, what="扣分上限"),
        created_by=actor.name,
    )
    session.add(template)
    session.flush()
    order = iter(range(1, 100_000))
    _add_nodes(session, template, tree, None, "", order)
    session.flush()
    audit.record(
        session,
        actor,
        "appraisal.template",
        "appraisal_template",
        template.id,
        after=audit.snapshot(template) | {"tree": [dict(item) for item in tree]},
    )
    return template


def _add_nodes(
    session: Session,
    template: AppraisalTemplate,
    items: Sequence[Mapping[str, Any]],
    parent: AppraisalNode | None,
    prefix: str,
    order: Any,
) -> None:
    for number, item in enumerate(items, start=1):
        children = item.get("children") or []
        node = AppraisalNode(
            template_id=template.id,
            parent_id=parent.id if parent else None,
            code=f"{prefix}{number}",
            name=str(item["name"]).strip(),
            weight=item["weight"],
            explanation=str(item.get("explanation") or "").strip(),
            standard=str(item.get("standard") or "").strip(),
            source=(item.get("source") or None) if not children else None,
            is_leaf=not children,
            sort_order=next(order),
        )
        session.add(node)
        session.flush()
        _add_nodes(session, template, children, node, f"{node.code}.", order)


def get_template(session: Session, template_id: int) -> AppraisalTemplate:
    template = session.get(AppraisalTemplate, template_id)
    if template is None:
        raise NotFound("未找到该考核指标体系", code="appraisal_template_not_found")
    return template


def latest_template(session: Session, kind: str, year: int) -> AppraisalTemplate | None:
    return session.scalar(
        select(AppraisalTemplate)
        .where(AppraisalTemplate.kind == kind, AppraisalTemplate.year == year)
        .order_by(AppraisalTemplate.version.desc())
        .limit(1)
    )


def nodes_of(session: Session, template: AppraisalTemplate) -> list[AppraisalNode]:
    return list(
        session.scalars(
            select(AppraisalNode)
            .where(AppraisalNode.template_id == template.id)
            .order_by(AppraisalNode.sort_order)
        )
    )


def tree_of(session: Session, template: AppraisalTemplate) -> list[dict[str, Any]]:
    """The template as the nested form ``create_template`` takes (to copy it to a new year)."""
    nodes = nodes_of(session, template)
    children: dict[int | None, list[AppraisalNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for node in children.get(parent_id, []):
            item: dict[str, Any] = {"name": node.name, "weight": node.weight}
            if node.is_leaf:
                item |= {"explanation": node.explanation, "standard": node.standard}
                if node.source:
                    item["source"] = node.source
            else:
                item["children"] = build(node.id)
            out.append(item)
        return out

    return build(None)
