"""What the kiosk says aloud (docs/kiosk.md, 语音提示), in short sentences of our own.

A hall is public and a voice carries further than a screen can be read, so a spoken sentence
never holds a name, an ID number, a phone number, an organization or an amount of money: only
whether the query worked and how many months are owed. The screen shows the rest to the person
in front of it.
"""

from __future__ import annotations

from typing import Any

GREETING = "您好，欢迎来到党员服务大厅。"
CARD_PROMPT = "请刷卡。"
BOARD_PROMPT = "请点击屏幕，查阅党务公开。"
IDLE_WARNING = "即将返回首页。如需继续使用，请点击屏幕。"
#: Screens that wait for a card, and what they say when they open.
WAITING_FOR_CARD = {
    "lookup": "请刷卡，或者输入卡号和身份证号后六位。",
    "community": "请刷卡，到居住地社区报到。",
    "attendance": "请刷卡签到。",
}


def greeting(shows_member: bool) -> str:
    """Said when someone touches the attract loop and the home screen comes back."""
    return GREETING + (CARD_PROMPT if shows_member else BOARD_PROMPT)


def summary_sentence(summary: dict[str, Any]) -> str:
    """The result of a tap, e.g. "查询成功。您有3个月党费未缴，请尽快缴纳。详细情况请看屏幕。"

    Built from counts and states only (see the module's docstring)."""
    parts = ["查询成功。"]
    if summary.get("monthly_dues") is None:
        parts.append("您的党费尚未核定。")
    months = _whole(summary.get("months_owed"))
    if months:
        parts.append(f"您有{months}个月党费未缴，请尽快缴纳。")
    elif summary.get("arrears") in (None, "0.00"):
        parts.append("您没有欠缴的党费。")
    if summary.get("current_due") not in (None, "0.00"):
        parts.append("本月党费在月底前缴纳即可。")
    parts.append("详细情况请看屏幕。")
    return "".join(parts)


def _whole(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0
