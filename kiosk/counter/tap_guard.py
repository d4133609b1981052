"""When the counter may take a card tap, and what it says when it may not.

A tap opens its member's page. While a question is open (确认收款, 确认发卡, 作废缴费…) or a
request that changes something is on its way, that would put another member behind the
dialog or behind the answer, and the answer would land on the wrong page. So such a tap is
refused, the question stays as it was, and staff are told why and what to do
(``docs/counter.md``, "Card taps").
"""

from __future__ import annotations

from kiosk.counter.api import CounterApi
from kiosk.counter.asks import Asks

ASKING = "“{title}”尚未完成，这次刷卡未受理：请先点“{ok}”或“取消”，再刷卡"
SENDING = "正在提交，请等结果出来后再刷卡（这次刷卡未受理）"


def tap_refusal(asks: Asks, api: CounterApi) -> str | None:
    """Why a card tap cannot be taken now, in Chinese; ``None`` when it can."""
    questions = asks.open_dialogs
    if questions:
        top = questions[-1]
        return ASKING.format(title=top.title, ok=top.ok_text)
    if api.writes_in_flight:
        return SENDING
    return None
