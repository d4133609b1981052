"""志愿服务 for the member on the reader: their own hours, and the teams of their community to
join by choosing one — no keyboard (docs/volunteers.md).

Everything shown comes from the member's own session and is emptied when they leave; team
leaders' names and phones arrive masked from the backend.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.client import ApiError
from kiosk.screens.services import MemberServiceScreen


class TeamRow(BoxLayout):
    """One team of the member's community: name, keeper, leader, and 加入 or 已加入."""

    team_id = NumericProperty(0)
    title = StringProperty("")
    detail = StringProperty("")
    joined = BooleanProperty(False)
    screen = ObjectProperty(None)


def hours_lines(answer: dict[str, Any]) -> str:
    """The member's hours as the screen says them."""
    lines = [
        f"{answer['year']}年服务 {answer['year_hours']} 小时，累计 {answer['total_hours']} 小时"
    ]
    for row in answer.get("hours", []):
        lines.append(
            f"{row['team']}：今年 {row['year_hours']} 小时，累计 {row['total_hours']} 小时"
            f"（{row['activities']} 次活动）"
        )
    return "\n".join(lines)


class VolunteersScreen(MemberServiceScreen):
    hours_text = StringProperty("")
    status_text = StringProperty("")
    empty_text = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        super().on_pre_enter()
        token = self.ctx.session.token
        if token is None:
            return
        self.status_text = ""
        self.hours_text = "正在加载…"
        self.ctx.client.volunteering(token, self._show, self._failed)

    def join(self, team_id: int) -> None:
        token = self.ctx.session.token
        if token is None:
            self.ctx.nav.home()
            return
        self.status_text = "正在办理…"
        self.ctx.client.join_team(token, team_id, self._joined, self._failed)

    def _joined(self, answer: dict[str, Any]) -> None:
        if not self.ctx.session.active:
            return
        self._show(answer)
        self.status_text = "已加入，欢迎参加志愿服务！"

    def _show(self, answer: dict[str, Any]) -> None:
        if not self.ctx.session.active:
            return
        self.hours_text = hours_lines(answer)
        rows = self.ids.teams
        rows.clear_widgets()
        for team in answer.get("teams", []):
            detail = f"{team['org_name']}　队长 {team['leader_masked']}"
            if team.get("phone_masked"):
                detail += f"　{team['phone_masked']}"
            rows.add_widget(
                TeamRow(
                    team_id=team["id"],
                    title=team["name"],
                    detail=detail,
                    joined=bool(team["joined"]),
                    screen=self,
                )
            )
        self.empty_text = "" if answer.get("teams") else "您所在的组织还没有志愿服务队"

    def _failed(self, error: ApiError) -> None:
        if error.status == 401:
            self.ctx.nav.show_error(error, then_home=True)
            return
        self.status_text = error.message
        if self.hours_text == "正在加载…":
            self.hours_text = ""

    def clear_member_data(self) -> None:
        self.hours_text = self.status_text = self.empty_text = ""
        if "teams" in self.ids:
            self.ids.teams.clear_widgets()
