"""The member's own record after a tap: masked name, organization, this year's months, arrears.

Everything shown comes from the backend's summary as is (amounts are already formatted yuan
strings, and they add up: 累计欠缴 = 截至上月应交 − 已交 + 往年欠缴; this month is 本月待交, not
arrears — see docs/kiosk.md); this screen decides only how it looks. :meth:`clear_member_data`
empties every label and month cell, so nothing of the member stays in the widget tree after
they leave.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.client import ApiError
from kiosk.printing import PRINTING_MESSAGE, UNAVAILABLE_MESSAGE
from kiosk.screens.base import KioskScreen
from kiosk.widgets import MonthCell

WARNING_LEVELS = ("reminder", "final")


def status_line(summary: dict[str, Any]) -> str:
    """ "正式党员　入党日期：1948年5月4日　党龄：77年" (预备党员: no 党龄 yet)."""
    parts = [f"{summary['status_label']}党员"]
    joined = summary.get("joined_on")
    if joined:
        year, month, day = (int(p) for p in joined.split("-"))
        parts.append(f"入党日期：{year}年{month}月{day}日")
    age = summary.get("party_age")
    if age is not None:
        parts.append(f"党龄：{age}年")
    elif summary.get("status") == "probationary":
        parts.append("预备期内，转正后计算党龄")
    return "　".join(parts)


def figures_line(summary: dict[str, Any]) -> str:
    """How 累计欠缴 comes about, and this month apart from it."""
    if "due_to_date" not in summary:
        return ""
    line = f"今年截至上月应交 {summary['due_to_date']} 元，已交 {summary['paid_to_date']} 元"
    if summary.get("earlier_arrears") not in (None, "0.00"):
        line += f"，往年欠缴 {summary['earlier_arrears']} 元"
    if summary.get("current_due") not in (None, "0.00"):
        line += f"；本月待交：{summary['current_due']} 元（月底前缴纳即可，不计入欠缴）"
    if summary.get("advance_paid") not in (None, "0.00"):
        line += f"；已预交 {summary['advance_paid']} 元"
    return line


class MemberScreen(KioskScreen):
    name_text = StringProperty("")
    org_text = StringProperty("")
    status_text = StringProperty("")
    dues_text = StringProperty("")
    year_text = StringProperty("")
    arrears_text = StringProperty("")
    consecutive_text = StringProperty("")
    warning_text = StringProperty("")
    warning_level = StringProperty("none")
    figures_text = StringProperty("")
    months_note = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self.cells: list[MonthCell] = []
        for month in range(1, 13):
            cell = MonthCell(month_text=f"{month}月")
            self.cells.append(cell)
            self.ids.months.add_widget(cell)
        if self.ctx.printing is None:
            self.ids.actions.remove_widget(self.ids.print_button)
        if not self.ctx.config.shows_board:
            self.ids.actions.remove_widget(self.ids.disclosure_button)
        self._print_job: str | None = None
        if self.ctx.printing is not None:
            self.ctx.printing.on_job(self._job_changed)

    def show(self, summary: dict[str, Any]) -> None:
        """Fill the screen from the backend's member summary."""
        self.org_text = summary["org_name"]
        self.name_text = summary["name_masked"]
        self.status_text = status_line(summary)
        dues = summary.get("monthly_dues")
        self.dues_text = f"每月党费：{dues} 元" if dues is not None else "每月党费：尚未核定"
        self.year_text = f"{summary['year']}年缴纳情况"
        for cell, month in zip(self.cells, summary["months"], strict=False):
            cell.state = month["state"]
            cell.state_text = month["state_label"]
            cell.amount_text = month["due"] or ""
        self.arrears_text = f"累计欠缴：{summary['arrears']} 元"
        months = int(summary.get("months_owed") or 0)  # what the warning follows
        self.consecutive_text = f"欠交：{months} 个月" if months else "没有欠交的月份"
        self.figures_text = figures_line(summary)
        self.months_note = summary.get("months_note") or ""
        warning = summary.get("warning") or {}
        level = warning.get("level", "none")
        self.warning_level = level if level in WARNING_LEVELS else "none"
        self.warning_text = warning.get("text", "") if self.warning_level != "none" else ""
        self.ids.print_button.disabled = False

    def clear_member_data(self) -> None:
        for name in (
            "name_text",
            "org_text",
            "status_text",
            "dues_text",
            "year_text",
            "arrears_text",
            "consecutive_text",
            "warning_text",
            "figures_text",
            "months_note",
        ):
            setattr(self, name, "")
        self.warning_level = "none"
        for cell in getattr(self, "cells", []):
            cell.clear()
        self._print_job = None

    def print_statement(self) -> None:
        token = self.ctx.session.token
        if token is None or self.ctx.printing is None:
            return
        self.ids.print_button.disabled = True
        generation = self.ctx.session.generation

        def got(answer: dict[str, Any]) -> None:
            if not self.ctx.session.is_current(generation) or self.ctx.printing is None:
                return
            try:
                self._print_job = self.ctx.printing.submit(answer["document"])
            except (KeyError, TypeError, ValueError):
                self.ids.print_button.disabled = False
                self.ctx.dialogs.message("缴费明细格式有误，暂时不能打印，请联系工作人员")
                return
            ready = self.ctx.printing.ready
            self.ctx.dialogs.message(PRINTING_MESSAGE if ready else UNAVAILABLE_MESSAGE)

        def failed(error: ApiError) -> None:
            if self.ctx.session.is_current(generation):
                self.ids.print_button.disabled = False
                self.ctx.nav.show_error(error)

        self.ctx.client.statement(token, got, failed)

    def _job_changed(self, job: Any) -> None:
        if job.id != self._print_job:
            return
        state = job.state.value
        if state in ("waiting_printer", "failed"):
            self._print_job = None
            self.ctx.dialogs.close_all()
            self.ctx.dialogs.message(UNAVAILABLE_MESSAGE)
