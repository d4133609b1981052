"""流动党员/证明信: a member going away without moving their relationship
(docs/transfers-and-letters.md).

Two actions side by side — 开具党员证明信 (where to, why, from and until; the backend holds the
six-month cap and says so in Chinese) and 发放流动党员活动证 (host organization and place) —
each printing its paper through the counter's print queue; below them the member's valid
活动证, if any, with 年度审验 and 终止流动. The screen decides nothing the backend decides.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.screens.counter_base import CounterScreen, hall_date

CERTIFICATE_FIELDS = ("host_name", "purpose", "start", "end")
FLOATING_FIELDS = ("floating_host", "destination")


def letter_job(letter: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The print job of a letter answer; the register's reprints count on from here."""
    return f"letter-{letter['id']}-print-{letter['prints']}", letter["document"]


def card_text(card: dict[str, Any]) -> str:
    reviewed = f"{card['reviewed_year']}年度已审验" if card["reviewed_year"] else "未审验"
    return (
        f"现有流动党员活动证：证号{card['number']}　流入地党组织：{card['to_name']}\n"
        f"发证日期：{card['issued_on']}　{reviewed}　有效期至：{card['valid_until']}"
    )


class CounterFloatingScreen(CounterScreen):
    member_text = StringProperty("")
    card_text = StringProperty("")
    review_text = StringProperty("年度审验")
    has_card = BooleanProperty(False)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None
        self._card: dict[str, Any] | None = None

    def prepare(self, member: dict[str, Any], _ledger: dict[str, Any] | None = None) -> None:
        self.clear_member_data()
        self._member = member
        self.member_text = f"{member['name']}　{member['org_name']}　{member['status_label']}党员"
        self.ids.start.set(hall_date().isoformat())
        self.load_card()

    # -- the member's valid 流动党员活动证 -----------------------------------------------------

    def load_card(self) -> None:
        member = self._member
        if member is None:
            return
        self.card_text = "正在读取流动党员活动证…"
        self.api.floating_cards(lambda answer: self._got_cards(int(member["id"]), answer))

    def _got_cards(self, member_id: int, answer: dict[str, Any]) -> None:
        if self._member is None or int(self._member["id"]) != member_id:
            return
        card = next((x for x in answer["items"] if x["member_id"] == member_id), None)
        self._card = card
        self.has_card = card is not None
        if card is None:
            self.card_text = "该党员没有有效的流动党员活动证"
            self.review_text = "年度审验"
            return
        self.card_text = card_text(card)
        self.review_text = f"审验{self._review_year(card)}年度"

    @staticmethod
    def _review_year(card: dict[str, Any]) -> int:
        """The year after the last one reviewed (the backend accepts this year or the next)."""
        last = card["reviewed_year"] or hall_date().year - 1
        return int(last) + 1

    def review(self) -> None:
        card = self._card
        if card is None or self.in_flight:
            return
        year = self._review_year(card)
        self.counter.asks.confirm(
            "流动党员活动证年度审验",
            f"审验{card['name']}的流动党员活动证（证号{card['number']}）{year}年度？\n"
            f"审验后有效期延至{year}年12月31日。",
            lambda: self._send(self.api.review_letter, int(card["id"]), year, self._reviewed),
            ok_text="审验",
        )

    def _reviewed(self, letter: dict[str, Any]) -> None:
        self.in_flight = False
        self.load_card()
        self.ctx.dialogs.message(
            f"证号{letter['number']}已完成{letter['reviewed_year']}年度审验，"
            f"有效期至{letter['valid_until']}"
        )

    def end(self) -> None:
        card = self._card
        if card is None or self.in_flight:
            return
        self.counter.asks.reason(
            "终止流动",
            f"作废{card['name']}的流动党员活动证（证号{card['number']}），结束流动？请填写原因：",
            lambda reason: self._send(self.api.revoke_letter, int(card["id"]), reason, self._ended),
            ok_text="终止流动",
        )

    def _ended(self, letter: dict[str, Any]) -> None:
        self.in_flight = False
        self.load_card()
        self.ctx.dialogs.message(f"流动党员活动证{letter['number']}已作废，该党员已结束流动")

    # -- issuing -------------------------------------------------------------------------------

    def issue_certificate(self) -> None:
        member = self._member
        if member is None or self.in_flight:
            return
        body = {
            "host_name": self.ids.host_name.value.strip(),
            "purpose": self.ids.purpose.value.strip(),
            "start": self.ids.start.value.strip(),
            "end": self.ids.end.value.strip(),
        }
        missing = [
            label
            for key, label in (
                ("host_name", "前往地党组织"),
                ("purpose", "外出事由"),
                ("start", "外出开始日期"),
                ("end", "外出结束日期"),
            )
            if not body[key]
        ]
        if missing:
            self.ctx.dialogs.message(f"请填写{'、'.join(missing)}")
            return
        self.counter.asks.confirm(
            "确认开具党员证明信",
            f"为{member['name']}开具党员证明信，前往{body['host_name']}，"
            f"{body['start']}至{body['end']}？",
            lambda: self._send(self.api.issue_certificate, int(member["id"]), body, self._issued),
            ok_text="开具并打印",
        )

    def issue_floating_card(self) -> None:
        member = self._member
        if member is None or self.in_flight:
            return
        body = {
            "host_name": self.ids.floating_host.value.strip(),
            "destination": self.ids.destination.value.strip(),
        }
        if not body["host_name"] or not body["destination"]:
            self.ctx.dialogs.message("请填写流入地党组织和外出地点")
            return
        self.counter.asks.confirm(
            "确认发放流动党员活动证",
            f"为{member['name']}发放流动党员活动证，流入地党组织：{body['host_name']}，"
            f"外出地点：{body['destination']}？\n活动证当年有效，每年审验一次。",
            lambda: self._send(self.api.issue_floating_card, int(member["id"]), body, self._issued),
            ok_text="发放并打印",
        )

    def _issued(self, letter: dict[str, Any]) -> None:
        self.in_flight = False
        fields = CERTIFICATE_FIELDS if letter["kind"] == "certificate" else FLOATING_FIELDS
        for field in fields:
            self.ids[field].clear()
        if letter["kind"] == "certificate":
            self.ids.start.set(hall_date().isoformat())
        self.load_card()
        label = letter["kind_label"]
        done = f"已开具{label}，编号{letter['number']}。\n正在打印：{label}"
        self.counter.print_documents([letter_job(letter)], done)

    # -- plumbing ------------------------------------------------------------------------------

    def _send(self, call: Any, target: int, payload: Any, on_ok: Any) -> None:
        self.in_flight = True
        call(target, payload, on_ok, self._failed)

    def _failed(self, error: Any) -> None:
        self.in_flight = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self._member = self._card = None
        self.in_flight = self.has_card = False
        self.member_text = self.card_text = ""
        self.review_text = "年度审验"
        if "host_name" in self.ids:
            for field in CERTIFICATE_FIELDS + FLOATING_FIELDS:
                self.ids[field].clear()
