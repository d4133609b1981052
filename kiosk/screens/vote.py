"""满意度测评 at the kiosk: the member on the reader rates their own organization in each open
assessment round, once (docs/appraisal.md). The backend holds the one-vote rule; this screen
shows the round, three big choices and the answer, and forgets it all when the member leaves."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.client import ApiError
from kiosk.screens.services import MemberServiceScreen


class VoteScreen(MemberServiceScreen):
    question = StringProperty("")
    status = StringProperty("")
    can_vote = BooleanProperty(False)

    def on_pre_enter(self, *_args: object) -> None:
        super().on_pre_enter()
        token = self.ctx.session.token
        if token is None:
            return
        self._ballot: dict[str, Any] | None = None
        self.question, self.status, self.can_vote = "", "正在查询…", False
        generation = self.ctx.session.generation
        self.ctx.client.ballots(
            token,
            lambda answer: self._got(generation, answer),
            lambda error: self._failed(generation, error),
        )

    def _got(self, generation: int, answer: dict[str, Any]) -> None:
        if not self.ctx.session.is_current(generation):
            return
        ballots = answer.get("ballots", [])
        waiting = [b for b in ballots if not b["voted"]]
        if waiting:
            self._ballot = waiting[0]
            self.question = (
                f"{self._ballot['title']}\n您对{self._ballot['org_name']}的工作是否满意？"
            )
            self.status, self.can_vote = "", True
        elif ballots:
            self.status = "您已参加本次测评，感谢您的参与"
        else:
            self.status = "目前没有需要参加的测评"

    def choose(self, choice: str) -> None:
        token = self.ctx.session.token
        if token is None or self._ballot is None or not self.can_vote:
            return
        self.can_vote, self.status = False, "正在提交…"
        generation = self.ctx.session.generation
        self.ctx.client.vote(
            token,
            self._ballot["round_id"],
            choice,
            lambda answer: self._voted(generation, answer),
            lambda error: self._failed(generation, error),
        )

    def _voted(self, generation: int, answer: dict[str, Any]) -> None:
        if self.ctx.session.is_current(generation):
            self.question, self.status = "", answer.get("message", "投票成功")

    def _failed(self, generation: int, error: ApiError) -> None:
        if self.ctx.session.is_current(generation):
            self.status = error.message

    def clear_member_data(self) -> None:
        self._ballot = None
        self.question, self.status, self.can_vote = "", "", False
