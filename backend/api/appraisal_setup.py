"""Setting up assessments through the API: indicator templates (a new version per change) and
rounds over an organization's subtree (docs/appraisal.md)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.errors import Invalid
from backend.services import appraisal_rounds, appraisal_templates, media
from backend.services.policy import Action
from backend.services.scope import get_org


class TemplateIn(BaseModel):
    kind: str = Field(description="org（党组织考核）| member（民主评议党员）")
    year: int
    name: str = Field(max_length=100)
    tree: list[dict[str, Any]] = Field(
        max_length=50, description="类别→二级→末级指标：name, weight, explanation, standard, source"
    )
    bonus_cap: str = Field(default="0", max_length=10, description="加分上限")
    deduction_cap: str = Field(default="0", max_length=10, description="扣分上限")


class TemplateOut(BaseModel):
    id: int
    kind: str
    year: int
    version: int
    name: str
    tree: list[dict[str, Any]]


def _template_out(ctx: Ctx, template_id: int) -> TemplateOut:
    template = appraisal_templates.get_template(ctx.session, template_id)
    return TemplateOut(
        id=template.id,
        kind=template.kind,
        year=template.year,
        version=template.version,
        name=template.name,
        tree=appraisal_templates.tree_of(ctx.session, template),
    )


@endpoint(
    api_bp,
    "/appraisal/templates",
    method="POST",
    summary="新建考核指标体系（同一年度再建即为新版本）",
    action=Action.APPRAISAL_TEMPLATE,
    body=TemplateIn,
    response=TemplateOut,
    status=201,
    errors=(400,),
)
def post_template(ctx: Ctx, body: TemplateIn) -> TemplateOut:
    template = appraisal_templates.create_template(
        ctx.session,
        ctx.actor,
        kind=body.kind,
        year=body.year,
        name=body.name,
        tree=body.tree,
        bonus_cap=body.bonus_cap,
        deduction_cap=body.deduction_cap,
    )
    return _template_out(ctx, template.id)


@endpoint(
    api_bp,
    "/appraisal/templates/<int:template_id>",
    summary="考核指标体系",
    action=Action.READ,
    response=TemplateOut,
    errors=(404,),
)
def get_template(ctx: Ctx, template_id: int) -> TemplateOut:
    return _template_out(ctx, template_id)


class RoundIn(BaseModel):
    template_id: int
    org_id: int = Field(description="组织考核的党组织，考核其下级")
    year: int
    quarter: int | None = Field(default=None, description="1–4；不填为年度考核")
    title: str = Field(max_length=100)
    levels: list[str] = Field(default=["branch"], max_length=4)
    rater_weights: dict[str, int] | None = Field(default=None, description="self, peer, superior")


@endpoint(
    api_bp,
    "/appraisal/rounds",
    method="POST",
    summary="发起考核或民主评议",
    action=Action.APPRAISAL_ROUND,
    body=RoundIn,
    status=201,
    errors=(400, 404),
)
def post_round(ctx: Ctx, body: RoundIn) -> dict[str, Any]:
    round_ = appraisal_rounds.create_round(
        ctx.session,
        ctx.actor,
        ctx.settings.appraisal,
        template=appraisal_templates.get_template(ctx.session, body.template_id),
        org=get_org(ctx.session, ctx.actor, body.org_id),
        year=body.year,
        quarter=body.quarter,
        title=body.title,
        levels=body.levels,
        rater_weights=body.rater_weights,
    )
    return {"id": round_.id}


class EvidenceIn(BaseModel):
    node_id: int
    filename: str = Field(max_length=200)
    content_base64: str = Field(max_length=28_000_000)
    note: str = Field(default="", max_length=300)


@endpoint(
    api_bp,
    "/appraisal/subjects/<int:subject_id>/evidence",
    method="POST",
    summary="上传自评佐证材料（图片或PDF、Word、Excel文件）",
    action=Action.APPRAISAL_SCORE,
    body=EvidenceIn,
    status=201,
    errors=(400, 404, 409),
)
def post_evidence(ctx: Ctx, subject_id: int, body: EvidenceIn) -> dict[str, Any]:
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("文件内容不是有效的Base64编码", code="evidence_encoding") from None
    is_image = media.image_type(data) is not None
    subject = appraisal_rounds.get_subject(ctx.session, ctx.actor, subject_id)
    evidence = appraisal_rounds.add_evidence(
        ctx.session,
        ctx.actor,
        subject,
        node_id=body.node_id,
        file=media.NewMedia(body.filename, data, attachment=not is_image),
        note=body.note,
    )
    return {"id": evidence.id, "media_id": evidence.media_id}
