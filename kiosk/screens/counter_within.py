"""区内转接: choose the receiving branch (any active branch of the district), optionally the
date, confirm; the backend moves the member in one transaction and answers the papers: the
组织关系接转证明单 for the member and the notice to the receiving 党委/总支.

Keyboard: the filter box has the focus; ↓ walks the branches, Enter chooses one, Enter again
(or Enter in the date box) transfers after the question."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.counter.keys import KeyCursor, choose_or_submit
from kiosk.counter.printouts import labels, transfer_jobs
from kiosk.counter.widgets import RowButton
from kiosk.screens.counter_base import CounterScreen, hall_date, month_label


def span(keys: list[str]) -> str:
    """["2026-03", "2026-04"] → "2026年3月至2026年4月（2个月）"."""
    if len(keys) == 1:
        return month_label(keys[0])
    return f"{month_label(keys[0])}至{month_label(keys[-1])}（{len(keys)}个月）"


def arrears_note(owed: list[str], move_month: str, old: str, new: str) -> str:
    """Where a member's owed months go in a transfer inside the district: the months before
    the move month stay on the old branch's ledger, the move month on go to the new branch
    (``docs/counter.md``, "Transfers within the district")."""
    before = sorted(k for k in owed if k < move_month)
    after = sorted(k for k in owed if k >= move_month)
    parts = []
    if before:
        parts.append(f"{span(before)}的欠交仍记在原支部（{old}）的台账上，由原支部催缴")
    if after:
        parts.append(f"{span(after)}的党费记入{new}的台账")
    return "；".join(parts) + "。可在窗口补交。" if parts else ""


class CounterWithinScreen(CounterScreen):
    member_text = StringProperty("")
    arrears_text = StringProperty("")
    chosen_text = StringProperty("请在下面选择接收的党支部")
    chosen_id = NumericProperty(0)

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None
        self._branches: list[dict[str, Any]] = []
        self._chosen: dict[str, Any] = {}
        self._owed: list[str] = []
        self.in_flight = False
        self.cursor = KeyCursor()

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(lambda _dt: self.ids.filter.focus(), 0)

    def key_down(self, key: int) -> bool:
        typing = self.ids.filter.ids.input.focus or self.ids.date.ids.input.focus
        return choose_or_submit(
            self.cursor,
            key,
            typing=typing,
            chosen=self.chosen_id,
            submit=self.submit,
        )

    def prepare(self, member: dict[str, Any], ledger: dict[str, Any] | None = None) -> None:
        self.clear_member_data()
        self._member = member
        self.member_text = f"{member['name']}　现在：{member['org_name']}"
        self._owed = sorted((ledger or {}).get("unpaid_months", []))
        if self._owed:
            self.arrears_text = (
                f"注意：该党员累计欠交{member['arrears']}元，{span(self._owed)}未交。"
                f"转接后，转接月份之前的欠交仍记在原支部（{member['org_name']}）的台账上，"
                "转接当月起的党费记入新支部。"
            )
        self.api.branches(self._got_branches)

    def _got_branches(self, answer: dict[str, Any]) -> None:
        if self._member is None:
            return
        here = self._member["org_id"]
        self._branches = [b for b in answer["items"] if b["id"] != here]
        self.filter()

    def filter(self) -> None:
        text = self.ids.filter.value.strip()
        box = self.ids.branches
        box.clear_widgets()
        rows = []
        for branch in self._branches:
            line = f"{branch['name']}　{branch['parents']}　书记：{branch['secretary'] or '—'}"
            if text and text not in line and text not in branch["code"]:
                continue
            row = RowButton(text=line, item_id=int(branch["id"]))
            row.bind(on_release=lambda r, b=branch: self.choose(b))
            box.add_widget(row)
            rows.append(row)
        self.cursor.reset(rows)

    def choose(self, branch: dict[str, Any]) -> None:
        self.chosen_id = int(branch["id"])
        self.chosen_text = f"接收支部：{branch['name']}（{branch['parents']}）"
        self._chosen = branch

    def submit(self) -> None:
        member = self._member
        if member is None or self.in_flight:
            return
        if not self.chosen_id:
            self.ctx.dialogs.message("请选择接收的党支部")
            return
        day = self.ids.date.value.strip()
        body = {"member_id": member["id"], "to_org_id": self.chosen_id, "date": day or None}
        note = arrears_note(
            self._owed,
            (day or hall_date().isoformat())[:7],
            member["org_name"],
            self._chosen["name"],
        )
        self.counter.asks.confirm(
            "确认区内转接",
            f"将{member['name']}的组织关系从{member['org_name']}转到{self._chosen['name']}"
            f"（转接日期：{day or '今天'}）？"
            + (f"\n该党员累计欠交{member['arrears']}元：{note}" if note else ""),
            lambda: self._send(body),
            ok_text="确认转接",
        )

    def _send(self, body: dict[str, Any]) -> None:
        self.in_flight = True
        self.api.transfer("within", body, self._done, self._failed)

    def _done(self, result: dict[str, Any]) -> None:
        self.in_flight = False
        t = result["transfer"]
        done = f"转接完成：{t['name']}已转到{t['to_name']}，新党员编号{t['new_member_no']}。"
        self.counter.refresh_member()
        self.counter.print_documents(transfer_jobs(result), f"{done}\n正在打印：{labels(result)}")

    def _failed(self, error: Any) -> None:
        self.in_flight = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self._member = None
        self._branches = []
        self.in_flight = False
        self.member_text = self.arrears_text = ""
        self._owed = []
        self.chosen_text = "请在下面选择接收的党支部"
        self.chosen_id = 0
        if "branches" in self.ids:
            self.ids.branches.clear_widgets()
            self.ids.filter.clear()
            self.ids.date.clear()
