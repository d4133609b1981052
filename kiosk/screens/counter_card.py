"""办卡 / 补卡 at the desk: tap a blank card on the counter's reader, issue it to the member (its
UID bound to the member's card number) and print the card slip. A card already bound to anyone
is refused with the reason; when the member has a card in use, staff say whether it was lost
or is being revoked, and that happens in the same step as the new card."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.screens.counter_base import CounterScreen

WAITING = "请将空白卡放在读卡器上"


class CounterCardScreen(CounterScreen):
    member_text = StringProperty("")
    card_text = StringProperty(WAITING)
    replace = StringProperty("lost")
    has_card = BooleanProperty(False)
    ready = BooleanProperty(False)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None
        self._uid: str | None = None

    def prepare(
        self, member: dict[str, Any], _ledger: dict[str, Any] | None = None, uid: str | None = None
    ) -> None:
        self.clear_member_data()
        self._member = member
        self.has_card = member.get("card_state") == "active"
        card = (
            f"现用卡：卡号{member['card_no']}（{member['card_state_label']}）"
            if member.get("card_state")
            else "没有在用的卡"
        )
        self.member_text = f"{member['name']}　{member['org_name']}　{card}"
        if uid:
            self.card_tapped(uid)

    def card_tapped(self, uid: str) -> bool:
        if self._member is None:
            return False
        self._uid = None
        self.ready = False
        self.card_text = "正在识别卡片…"
        self.api.card_lookup(uid, lambda answer: self._looked_up(uid, answer))
        return True

    def _looked_up(self, uid: str, answer: dict[str, Any]) -> None:
        if self._member is None:
            return
        if answer["state"] == "unknown":
            self._uid = uid
            self.ready = True
            self.card_text = f"已读取空白卡，可以发给{self._member['name']}"
        else:
            self.card_text = f"不能使用这张卡：{answer['message']}"

    def issue(self) -> None:
        member, uid = self._member, self._uid
        if member is None or uid is None or self.in_flight:
            return
        replace = self.replace if self.has_card else None
        old = {"lost": "旧卡挂失", "revoked": "旧卡注销"}.get(replace or "", "")
        text = f"把这张卡发给{member['name']}（卡号{member['card_no']}）？" + (
            f"\n同时{old}，旧卡立即停用。" if old else ""
        )
        self.counter.asks.confirm(
            "确认发卡", text, lambda: self._send(member, uid, replace), ok_text="发卡"
        )

    def _send(self, member: dict[str, Any], uid: str, replace: str | None) -> None:
        self.in_flight = True
        self.api.issue_card(int(member["id"]), uid, replace, self._issued, self._failed)

    def _issued(self, card: dict[str, Any]) -> None:
        self.in_flight = False
        self.ready = False
        self._uid = None
        verb = "补发" if card["issue_seq"] > 1 else "发放"
        done = f"已{verb}党员卡：卡号{card['card_no']}（第{card['issue_seq']}张），正在打印发卡凭条"
        job = f"card-{card['card_no']}-{card['issue_seq']}"
        self.counter.refresh_member()
        self.counter.print_documents([(job, card["document"])], done)

    def _failed(self, error: Any) -> None:
        self.in_flight = False
        self.card_text = f"发卡未成功：{error.message}"

    def clear_member_data(self) -> None:
        self._member = None
        self._uid = None
        self.ready = self.in_flight = self.has_card = False
        self.member_text = ""
        self.card_text = WAITING
        self.replace = "lost"
