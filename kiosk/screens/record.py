"""我的信息: the member's own record, reached from the 办事服务 hub (docs/kiosk.md).

Everything comes masked from ``GET /kiosk/session/record``: name, ID number and phone,
organization, 入党 date and 党龄, status, the organization's secretary (masked) and contact
phone, and its latest activities. An activity that is a board item opens on the document
screen when this kiosk has one. :meth:`clear_member_data` empties every text and the list.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.client import ApiError
from kiosk.screens.member import status_line
from kiosk.screens.services import MemberServiceScreen


def activity_line(activity: dict[str, Any]) -> str:
    """ "2026年11月28日　党务公开　第一支部党费收缴公示"."""
    year, month, day = (int(p) for p in activity["on"].split("-"))
    return f"{year}年{month}月{day}日　{activity['kind_label']}　{activity['title']}"


class ActivityRow(BoxLayout):
    text = StringProperty("")
    ref_id = NumericProperty(0)
    opens = StringProperty("")  # the screen a press opens ("" when it opens nothing)
    hub = ObjectProperty(None)


class RecordScreen(MemberServiceScreen):
    name_text = StringProperty("")
    identity_text = StringProperty("")
    org_text = StringProperty("")
    status_text = StringProperty("")
    branch_text = StringProperty("")
    activities_note = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        token = self.ctx.session.token
        if token is None:
            self.ctx.nav.home()
            return
        self.clear_member_data()
        self.activities_note = "正在查询…"
        generation = self.ctx.session.generation

        def got(record: dict[str, Any]) -> None:
            if self.ctx.session.is_current(generation):
                self.show(record)

        def failed(error: ApiError) -> None:
            if self.ctx.session.is_current(generation):
                self.activities_note = ""
                self.ctx.nav.show_error(error, then_home=error.code == "session_expired")

        self.ctx.client.record(token, got, failed)

    def show(self, record: dict[str, Any]) -> None:
        self.name_text = record["name_masked"]
        parts = [f"身份证号：{record['id_masked']}"]
        if record.get("phone_masked"):
            parts.append(f"手机：{record['phone_masked']}")
        self.identity_text = "　".join(parts)
        self.org_text = f"所在组织：{record['org_name']}"
        self.status_text = status_line(record)
        secretary = record.get("secretary_masked") or "暂未登记"
        phone = record.get("contact_phone") or "暂未登记"
        self.branch_text = f"支部书记：{secretary}　联系电话：{phone}"
        box = self.ids.activities
        box.clear_widgets()
        has_board = self.manager is not None and self.manager.has_screen("document")
        for activity in record.get("activities", []):
            opens = "document" if has_board and activity.get("ref_id") else ""
            row = ActivityRow(text=activity_line(activity), opens=opens)
            row.ref_id = activity.get("ref_id") or 0
            row.hub = self
            box.add_widget(row)
        self.activities_note = "" if record.get("activities") else "近期没有活动记录"

    def open_activity(self, row: ActivityRow) -> None:
        if row.opens and self.ctx.session.active:
            self.ctx.nav.open_document(row.ref_id)

    def clear_member_data(self) -> None:
        for name in (
            "name_text",
            "identity_text",
            "org_text",
            "status_text",
            "branch_text",
            "activities_note",
        ):
            setattr(self, name, "")
        if "activities" in self.ids:
            self.ids.activities.clear_widgets()
