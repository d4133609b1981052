"""Cards at the counter (办卡 / 补卡 / 挂失): what a tapped card is, issuing a blank card to a
member, reporting a card lost, and the card slip handed over with a new card.

``cards`` holds the rules of a single card (one active card per member, one UID per card);
this module adds the counter's view of them: scope (staff see and change only members of their
own subtree) and the replace-then-issue step of 补卡, which happens in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Card, CardState, Member
from backend.services import cards, scope
from backend.services.actor import Actor
from backend.services.masking import mask_name
from backend.settings import Settings
from devices.printer.document import PrintDocument

ISSUE_TITLE = "党员卡发卡凭条"
REPLACE_TITLE = "党员卡补卡凭条"


@dataclass(frozen=True)
class TappedCard:
    """A card tapped at the counter.

    ``state`` is ``unknown`` for a blank card (it may be issued), else the card's state. The
    member is given only inside the actor's scope; outside it, only a masked owner name."""

    state: str
    state_label: str
    card_no: str | None
    member: Member | None
    owner_masked: str | None


def look_up(session: Session, actor: Actor, uid: str, key: str) -> TappedCard:
    card = cards.find_card(session, uid, key)
    if card is None:
        return TappedCard("unknown", "未登记（空白卡）", None, None, None)
    member = card.member
    visible = scope.path_in_scope(actor, member.org.path)
    return TappedCard(
        state=card.state.value,
        state_label=card.state.label,
        card_no=card.card_no,
        member=member if visible else None,
        owner_masked=mask_name(member.name),
    )


def issue(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_id: int,
    uid: str,
    *,
    replace: str | None = None,
) -> Card:
    """办卡, or 补卡 when ``replace`` says what became of the card in use (lost / revoked).

    The old card's new state and the new card are one unit of work: if the new card cannot be
    issued (bound to someone else, say), the old card stays as it was."""
    member = scope.get_member(session, actor, member_id)
    if replace is not None:
        try:
            state = CardState(replace)
        except ValueError:
            raise Invalid("补卡时旧卡的处理方式应为挂失或注销", code="replace_state") from None
        if state is CardState.ACTIVE:
            raise Invalid("补卡时旧卡的处理方式应为挂失或注销", code="replace_state")
        old = cards.active_card(session, member)
        if old is not None:
            cards.set_card_state(session, actor, old, state)
    return cards.issue_card(session, actor, member, uid, settings.card_uid_key)


def report_lost(session: Session, actor: Actor, member_id: int) -> Card:
    """挂失: the member's card in use stops working on every kiosk at once."""
    member = scope.get_member(session, actor, member_id)
    card = cards.active_card(session, member)
    if card is None:
        raise Conflict("该党员没有在用的党员卡，无需挂失", code="no_active_card")
    return cards.set_card_state(session, actor, card, CardState.LOST)


def card_slip(
    settings: Settings, member: Member, card: Card, *, operator: str, at: datetime
) -> PrintDocument:
    """The slip handed over with a card: the card number large, the masked holder, when."""
    title = REPLACE_TITLE if card.issue_seq > 1 else ISSUE_TITLE
    doc = PrintDocument(title)
    doc.text(settings.center_name, align="center", bold=True, size="double")
    doc.text(title, align="center", bold=True)
    doc.rule()
    doc.kv("卡号", card.card_no, bold=True)
    doc.kv("持卡人", mask_name(member.name))
    doc.kv("所在组织", member.org.name)
    doc.kv("党员编号", member.member_no or "")
    doc.kv("发卡次数", f"第{card.issue_seq}张")
    doc.kv("经办人", operator)
    doc.kv("办理时间", f"{at:%Y-%m-%d %H:%M}")
    doc.rule()
    doc.text("请妥善保管党员卡；如有遗失，请及时到服务窗口挂失补办。")
    doc.cut()
    return doc
