"""党费核定: the category and the monthly base go to the backend's calculator, which answers the
rate, the monthly amount and the rule applied; staff may take that amount (or type another),
choose the month it applies from and give a reason. Months already paid keep their amount."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.screens.counter_base import CounterScreen, month_label, today_month

CATEGORIES = (
    ("employed", "在职"),
    ("retired", "离退休"),
    ("farmer", "农民"),
    ("student", "学生"),
    ("unemployed", "下岗失业"),
    ("low_income", "低保、救济"),
)


class CounterAssessScreen(CounterScreen):
    member_text = StringProperty("")
    category = StringProperty("employed")
    result_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None

    def prepare(self, member: dict[str, Any], _ledger: dict[str, Any] | None = None) -> None:
        self.clear_member_data()
        self._member = member
        current = f"{member['monthly_dues']} 元" if member.get("monthly_dues") else "待核定"
        self.member_text = (
            f"{member['name']}　{member['org_name']}　现每月党费：{current}"
            f"（{member['dues_category_label']}）"
        )
        self.category = member.get("dues_category") or "employed"
        self.ids.base.set(member.get("dues_base") or "")
        self.ids.start.set(today_month())

    def calculate(self) -> None:
        base = self.ids.base.value.strip() or None
        self.result_text = "正在计算…"
        self.api.assess(self.category, base, self._calculated)

    def _calculated(self, a: dict[str, Any]) -> None:
        rate = f"，比例{a['rate_percent']}%" if a.get("rate_percent") else ""
        base = f"，月计算基数{a['base']}元" if a.get("base") else ""
        capped = f"（按比例应为{a['uncapped']}元，已按上限核定）" if a["capped"] else ""
        self.result_text = (
            f"{a['category_label']}{base}{rate}：每月党费 {a['monthly']} 元{capped}\n{a['rule']}"
        )
        self.ids.monthly.set(a["monthly"])

    def save(self) -> None:
        member = self._member
        if member is None:
            return
        monthly = self.ids.monthly.value.strip()
        start = self.ids.start.value.strip()
        reason = self.ids.reason.value.strip()
        if not monthly or not start or not reason:
            self.result_text = "请填写每月党费、执行月份和核定原因"
            return
        body = {
            "monthly": monthly,
            "category": self.category,
            "base": self.ids.base.value.strip() or None,
            "from": start,
            "reason": reason,
        }
        when = month_label(start) if len(start) == 7 and start[4] == "-" else start
        self.counter.asks.confirm(
            "确认党费核定",
            f"自{when}起，{member['name']}每月党费 {monthly} 元。\n"
            f"已缴纳的月份不变。原因：{reason}",
            lambda: self.api.set_amount(int(member["id"]), body, self._saved),
        )

    def _saved(self, answer: dict[str, Any]) -> None:
        self.ctx.dialogs.message(
            f"已核定：自{month_label(answer['from_month'])}起每月党费 {answer['monthly']} 元，"
            f"更新了{answer['months_updated']}个月的台账"
        )
        self.counter.refresh_member()

    def clear_member_data(self) -> None:
        self._member = None
        self.member_text = self.result_text = ""
        if "base" in self.ids:
            for field in ("base", "monthly", "start", "reason"):
                self.ids[field].clear()
