"""Assessment (考核) API: staff score, sample, compute and publish rounds; at the kiosk a member
with a card session votes once per round on their organization (docs/appraisal.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.services import (
    appraisal_publish,
    appraisal_results,
    appraisal_rounds,
    appraisal_sampling,
    appraisal_votes,
)
from backend.services.policy import Action


class SubjectOut(BaseModel):
    id: int
    name: str
    rank: int | None
    score: str | None
    grade: str | None
    sampled: bool
    carried: bool


class RoundOut(BaseModel):
    id: int
    title: str
    state: str
    year: int
    quarter: int | None
    sample_seed: int | None
    subjects: list[SubjectOut]


def _round_out(ctx: Ctx, round_id: int) -> RoundOut:
    round_ = appraisal_rounds.get_round(ctx.session, ctx.actor, round_id)
    return RoundOut(
        id=round_.id,
        title=round_.title,
        state=round_.state,
        year=round_.year,
        quarter=round_.quarter,
        sample_seed=round_.sample_seed,
        subjects=[
            SubjectOut(
                id=s.id,
                name=appraisal_publish.subject_name(s),
                rank=s.rank,
                score=None if s.score_cp is None else f"{s.score_cp / 100:.2f}",
                grade=s.grade,
                sampled=s.sampled,
                carried=s.carried_from_id is not None,
            )
            for s in appraisal_publish.ranking(ctx.session, round_)
        ],
    )


@endpoint(
    api_bp,
    "/appraisal/rounds/<int:round_id>",
    summary="考核结果",
    action=Action.READ,
    response=RoundOut,
    errors=(404,),
)
def get_round(ctx: Ctx, round_id: int) -> RoundOut:
    return _round_out(ctx, round_id)


class ScoreIn(BaseModel):
    node_id: int
    rater_kind: str = Field(description="self | peer | superior")
    points: str = Field(max_length=10, description="0到100分，最多两位小数")
    rater: str | None = Field(default=None, max_length=100, description="互评单位或评价人")
    note: str = Field(default="", max_length=300)


@endpoint(
    api_bp,
    "/appraisal/subjects/<int:subject_id>/scores",
    method="POST",
    summary="填报一项指标的自评、互评或上级评分",
    action=Action.APPRAISAL_SCORE,
    body=ScoreIn,
    status=201,
    errors=(400, 404, 409),
)
def post_score(ctx: Ctx, subject_id: int, body: ScoreIn) -> dict[str, Any]:
    subject = appraisal_rounds.get_subject(ctx.session, ctx.actor, subject_id)
    score = appraisal_rounds.record_score(
        ctx.session,
        ctx.actor,
        subject,
        node_id=body.node_id,
        rater_kind=body.rater_kind,
        points=body.points,
        rater=body.rater,
        note=body.note,
    )
    return {"id": score.id, "points": f"{score.points_cp / 100:.2f}"}


class SampleIn(BaseModel):
    always_check: list[int] = Field(default_factory=list, max_length=10_000)
    count: int = Field(ge=0, le=100_000)
    seed: int | None = Field(default=None, ge=0, lt=2**31)


@endpoint(
    api_bp,
    "/appraisal/rounds/<int:round_id>/sample",
    method="POST",
    summary="抽查：重点对象必查，其余按随机种子抽取",
    action=Action.APPRAISAL_ROUND,
    body=SampleIn,
    response=RoundOut,
    errors=(400, 404, 409),
)
def post_sample(ctx: Ctx, round_id: int, body: SampleIn) -> RoundOut:
    round_ = appraisal_rounds.get_round(ctx.session, ctx.actor, round_id)
    appraisal_sampling.sample_round(
        ctx.session,
        ctx.actor,
        round_,
        always_check=body.always_check,
        count=body.count,
        seed=body.seed,
    )
    return _round_out(ctx, round_id)


@endpoint(
    api_bp,
    "/appraisal/rounds/<int:round_id>/score",
    method="POST",
    summary="计算综合得分、排名和等次",
    action=Action.APPRAISAL_ROUND,
    response=RoundOut,
    errors=(400, 404, 409),
)
def post_score_round(ctx: Ctx, round_id: int) -> RoundOut:
    round_ = appraisal_rounds.get_round(ctx.session, ctx.actor, round_id)
    appraisal_results.score_round(
        ctx.session, ctx.actor, ctx.settings.appraisal, round_, ctx.settings.meetings
    )
    return _round_out(ctx, round_id)


class AdjustmentIn(BaseModel):
    points: str = Field(max_length=10, description="加分为正，扣分为负")
    reason: str = Field(max_length=300)


@endpoint(
    api_bp,
    "/appraisal/subjects/<int:subject_id>/adjustments",
    method="POST",
    summary="加减分（须写明理由）",
    action=Action.APPRAISAL_ADJUST,
    body=AdjustmentIn,
    status=201,
    errors=(400, 404, 409),
)
def post_adjustment(ctx: Ctx, subject_id: int, body: AdjustmentIn) -> dict[str, Any]:
    subject = appraisal_rounds.get_subject(ctx.session, ctx.actor, subject_id)
    adjustment = appraisal_results.add_adjustment(
        ctx.session,
        ctx.actor,
        ctx.settings.appraisal,
        subject,
        points=body.points,
        reason=body.reason,
    )
    return {"id": adjustment.id}


@endpoint(
    api_bp,
    "/appraisal/rounds/<int:round_id>/publish",
    method="POST",
    summary="公布考核结果（生成党务公开草稿，优秀者上光荣榜）",
    action=Action.APPRAISAL_PUBLISH,
    errors=(400, 404, 409),
)
def post_publish(ctx: Ctx, round_id: int) -> dict[str, Any]:
    round_ = appraisal_rounds.get_round(ctx.session, ctx.actor, round_id)
    publication = appraisal_publish.publish_round(ctx.session, ctx.actor, round_)
    return {"disclosure_id": publication.document.id, "honors": publication.honors}


class BallotOut(BaseModel):
    round_id: int
    title: str
    org_name: str
    voted: bool


class BallotsOut(BaseModel):
    ballots: list[BallotOut]


class VoteIn(BaseModel):
    round_id: int
    choice: str = Field(description="satisfied | fair | unsatisfied")


@endpoint(
    api_bp,
    "/kiosk/appraisal/ballots",
    summary="本人可参加的满意度测评",
    auth=Auth.DEVICE,
    response=BallotsOut,
    errors=(401,),
    read_only=False,
)
def kiosk_ballots(ctx: Ctx) -> BallotsOut:
    member = card_member(ctx)
    return BallotsOut(
        ballots=[
            BallotOut(round_id=b.round_id, title=b.title, org_name=b.org_name, voted=b.voted)
            for b in appraisal_votes.open_ballots(ctx.session, member)
        ]
    )


@endpoint(
    api_bp,
    "/kiosk/appraisal/votes",
    method="POST",
    summary="满意度测评投票（每人每轮一次）",
    auth=Auth.DEVICE,
    body=VoteIn,
    status=201,
    errors=(401, 404, 409),
)
def kiosk_vote(ctx: Ctx, body: VoteIn) -> dict[str, Any]:
    member = card_member(ctx)
    appraisal_votes.cast_vote(ctx.session, ctx.actor, member, body.round_id, body.choice)
    return {"message": "投票成功，感谢您的参与"}
