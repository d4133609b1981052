"""我的诉求: a member's own cases (status and reply) and four requests they can make after a
tap — 意见建议, 困难救助, 约谈, 转正申请 — by choices only: a kind, for a talk whom to meet, then
one of the fixed phrases (docs/cases.md). No typing is needed. The 受理回执 is printed when the
kiosk has a printer; everything shown is emptied when the member leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kivy.properties import StringProperty

from kiosk.client import ApiError
from kiosk.printing import UNAVAILABLE_MESSAGE
from kiosk.screens.services import MemberServiceScreen
from kiosk.widgets import BigButton

KIND_PROMPT = "请选择要办理的事项"
NO_CASES = "您还没有提交过诉求或申请"


def case_lines(cases: list[dict[str, Any]]) -> str:
    """The member's cases as lines of text, newest first."""
    if not cases:
        return NO_CASES
    lines = []
    for c in cases:
        lines.append(f"{c['number']}  {c['type_label']}·{c['topic']}  【{c['state_label']}】")
        if c.get("talk"):
            lines.append(f"    约谈安排：{c['talk']}")
        if c.get("reply"):
            lines.append(f"    答复：{c['reply']}")
    return "\n".join(lines)


class CasesScreen(MemberServiceScreen):
    prompt = StringProperty("")
    cases_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._choices: list[dict[str, Any]] = []
        self._talk_with: list[dict[str, Any]] = []
        self._draft: dict[str, Any] = {}

    def on_pre_enter(self, *args: object) -> None:
        super().on_pre_enter(*args)
        if self.ctx.session.active:
            self.load()

    def load(self) -> None:
        token = self.ctx.session.token
        if token is None:
            return
        generation = self.ctx.session.generation

        def got(answer: dict[str, Any]) -> None:
            if not self.ctx.session.is_current(generation):
                return
            self._choices = list(answer.get("choices") or [])
            self._talk_with = list(answer.get("talk_with") or [])
            self.cases_text = case_lines(list(answer.get("cases") or []))
            self.show_kinds()

        self.ctx.client.my_cases(token, got, self._failed(generation))

    def _failed(self, generation: int) -> Callable[[ApiError], None]:
        def failed(error: ApiError) -> None:
            if self.ctx.session.is_current(generation):
                self.ctx.nav.show_error(error)

        return failed

    def _buttons(self, prompt: str, options: list[tuple[str, Callable[[], None]]]) -> None:
        self.prompt = prompt
        box = self.ids.options
        box.clear_widgets()
        for text, action in options:
            button = BigButton(text=text)
            button.bind(on_release=lambda _b, act=action: act())
            box.add_widget(button)

    def show_kinds(self) -> None:
        self._draft = {}
        self._buttons(
            KIND_PROMPT,
            [(c["label"], partial(self.pick_kind, c)) for c in self._choices],
        )

    def pick_kind(self, choice: dict[str, Any]) -> None:
        self._draft = {"type": choice["type"], "topics": choice["topics"], "label": choice["label"]}
        if choice["type"] == "talk":
            self._buttons(
                "您希望约谈：",
                [(w["label"], partial(self.pick_talk_with, w["value"])) for w in self._talk_with],
            )
        else:
            self.show_topics()

    def pick_talk_with(self, value: str) -> None:
        self._draft["talk_with"] = value
        self.show_topics()

    def show_topics(self) -> None:
        self._buttons(
            f"{self._draft['label']}：请选择事由",
            [(t, partial(self.submit, t)) for t in self._draft["topics"]],
        )

    def submit(self, topic: str) -> None:
        token = self.ctx.session.token
        if token is None:
            return
        body = {"type": self._draft["type"], "topic": topic}
        if self._draft.get("talk_with"):
            body["talk_with"] = self._draft["talk_with"]
        generation = self.ctx.session.generation

        def got(answer: dict[str, Any]) -> None:
            if not self.ctx.session.is_current(generation):
                return
            text = (
                f"{answer['type_label']}已受理，受理编号{answer['number']}，"
                f"答复期限{answer['due_on']}。再次刷卡即可查看办理进度和答复。"
            )
            if self.ctx.printing is not None:
                self.ctx.printing.submit(answer["receipt"])
                if not self.ctx.printing.ready:
                    text += "\n" + UNAVAILABLE_MESSAGE
            self.ctx.dialogs.message(text)
            self.load()

        self.ctx.client.submit_case(token, body, got, self._failed(generation))

    def back(self) -> None:
        if self._draft:
            self.show_kinds()
        else:
            super().back()

    def clear_member_data(self) -> None:
        self.prompt = ""
        self.cases_text = ""
        self._choices, self._talk_with, self._draft = [], [], {}
        if "options" in self.ids:
            self.ids.options.clear_widgets()
