"""Cards at the counter (办卡 / 补卡 / 挂失): what a tapped card is, issue a blank card to a
member (with the card slip to print), report a member's card lost.

A lost card stops working on every kiosk at once: kiosk sessions check the card's state on
every tap. Everything is limited to the user's subtree through ``scope``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import Card
from backend.services import card_desk, scope
from backend.services.dues_year import hall_now
from backend.services.policy import Action

ERRORS = (400, 404, 409)


class UidIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, description="卡片UID（十六进制）")


class CardMemberOut(BaseModel):
    id: int
    name: str
    org_name: str
    card_no: str | None
    archived: bool


class TappedCardOut(BaseModel):
    state: str = Field(description="unknown（空白卡）| active | lost | revoked")
    state_label: str
    card_no: str | None
    member: CardMemberOut | None = Field(description="持卡党员（仅限管理范围内）")
    owner_masked: str | None = Field(description="持卡人（脱敏）")
    message: str


class IssueIn(UidIn):
    replace: Literal["lost", "revoked"] | None = Field(
        default=None, description="补卡：旧卡挂失（lost）或注销（revoked）"
    )


class CardOut(BaseModel):
    member_id: int
    card_no: str
    issue_seq: int
    state: str
    state_label: str


class IssuedOut(CardOut):
    document: dict[str, Any] = Field(description="发卡凭条打印文档")


def _card_out(card: Card) -> CardOut:
    return CardOut(
        member_id=card.member_id,
        card_no=card.card_no,
        issue_seq=card.issue_seq,
        state=card.state.value,
        state_label=card.state.label,
    )


def _message(tapped: card_desk.TappedCard) -> str:
    if tapped.state == "unknown":
        return "这是一张未登记的空白卡，可以发给党员"
    if tapped.member is None:
        return f"这张卡已登记给{tapped.owner_masked}（{tapped.state_label}），不在您的管理范围内"
    return f"这张卡是{tapped.owner_masked}的党员卡（卡号{tapped.card_no}，{tapped.state_label}）"


@endpoint(
    api_bp,
    "/counter/cards/lookup",
    method="POST",
    summary="窗口刷卡：识别卡片（空白卡、在用、挂失或注销）及持卡党员",
    body=UidIn,
    response=TappedCardOut,
    errors=(400,),
    action=Action.READ,
)
def look_up_card(ctx: Ctx, body: UidIn) -> TappedCardOut:
    tapped = card_desk.look_up(ctx.session, ctx.actor, body.uid, ctx.settings.card_uid_key)
    m = tapped.member
    return TappedCardOut(
        state=tapped.state,
        state_label=tapped.state_label,
        card_no=tapped.card_no,
        member=(
            CardMemberOut(
                id=m.id, name=m.name, org_name=m.org.name, card_no=m.card_no, archived=m.archived
            )
            if m is not None
            else None
        ),
        owner_masked=tapped.owner_masked,
        message=_message(tapped),
    )


@endpoint(
    api_bp,
    "/members/<int:member_id>/cards",
    method="POST",
    summary="办卡或补卡：把刷到的空白卡发给党员，返回发卡凭条",
    body=IssueIn,
    response=IssuedOut,
    status=201,
    errors=ERRORS,
    action=Action.CARD_MANAGE,
)
def issue_card(ctx: Ctx, member_id: int, body: IssueIn) -> IssuedOut:
    card = card_desk.issue(
        ctx.session, ctx.actor, ctx.settings, member_id, body.uid, replace=body.replace
    )
    member = scope.get_member(ctx.session, ctx.actor, member_id)
    slip = card_desk.card_slip(
        ctx.settings, member, card, operator=ctx.actor.display_name, at=hall_now(ctx.settings.dues)
    )
    return IssuedOut(**_card_out(card).model_dump(), document=slip.to_dict())


@endpoint(
    api_bp,
    "/members/<int:member_id>/cards/lost",
    method="POST",
    summary="挂失党员卡（立即在所有查询机上停用）",
    response=CardOut,
    errors=ERRORS,
    action=Action.CARD_MANAGE,
)
def report_lost(ctx: Ctx, member_id: int) -> CardOut:
    return _card_out(card_desk.report_lost(ctx.session, ctx.actor, member_id))
