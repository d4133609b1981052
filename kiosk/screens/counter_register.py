"""The letter register and the transfer register: reprint a 介绍信 (or 证明信, 活动证) or a
transfer's papers. Every reprint is counted by the backend; the paper is the same as the first,
being rebuilt from what the register froze at the time.

An introduction letter whose 回执联 has not come back offers 回执登记; the list 逾期未回执 shows
the letters past validity without one (``docs/counter.md``, "Letters and 回执")."""

from __future__ import annotations

from typing import Any

from kivy.metrics import mm
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.counter.printouts import labels, transfer_jobs
from kiosk.screens.counter_base import CounterScreen, hall_date
from kiosk.widgets import SecondaryButton, TextLabel


def letter_text(x: dict[str, Any]) -> str:
    return (
        f"{x['kind_label']} {x['number']}　{x['name']}　{x['issued_on']}　{x['status_label']}"
        f"　已打印{x['prints']}次\n{x['from_name']} → {x['to_name']}"
    )


#: Letter states in which the 回执 may still be recorded (valid, or past validity).
AWAITING_RETURN = ("valid", "expired")
EMPTY = {
    "letters": "登记簿中没有记录",
    "transfers": "登记簿中没有记录",
    "overdue": "没有逾期未收回回执的介绍信",
}


def awaits_return(letter: dict[str, Any]) -> bool:
    return letter.get("kind") == "introduction" and letter.get("status") in AWAITING_RETURN


def transfer_text(t: dict[str, Any]) -> str:
    return f"{t['date']}　{t['kind_label']}　{t['name']}\n{t['from_name']} → {t['to_name']}"


class CounterRegisterScreen(CounterScreen):
    view = StringProperty("letters")
    result_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._reprints = 0

    def on_pre_enter(self, *args: Any) -> None:
        super().on_pre_enter(*args)
        self.show(self.view)

    def show(self, view: str) -> None:
        self.view = view
        self.result_text = "正在读取…"
        self.ids.rows.clear_widgets()
        if view == "letters":
            self.api.letters(lambda answer: self._fill(answer, letter_text, self.reprint_letter))
        elif view == "overdue":
            self.api.overdue_letters(
                lambda answer: self._fill(answer, letter_text, self.reprint_letter)
            )
        else:
            self.api.transfers(
                lambda answer: self._fill(answer, transfer_text, self.reprint_transfer)
            )

    def _fill(self, answer: dict[str, Any], text: Any, action: Any) -> None:
        box = self.ids.rows
        box.clear_widgets()
        items = answer["items"]
        count = "逾期未收回回执的介绍信共{}封" if self.view == "overdue" else "共{}条"
        self.result_text = count.format(len(items)) if items else EMPTY[self.view]
        for item in items:
            row = BoxLayout(size_hint_y=None, spacing=8, height=mm(16))
            label = TextLabel(text=text(item))
            label.bind(height=lambda _l, h, row=row: setattr(row, "height", max(h, mm(16))))
            row.add_widget(label)
            if self.view != "transfers" and awaits_return(item):
                slip = SecondaryButton(text="回执登记", size_hint_x=None, width=mm(34))
                slip.bind(on_release=lambda _b, i=item: self.ask_return(i))
                row.add_widget(slip)
            button = SecondaryButton(text="补打", size_hint_x=None, width=mm(30))
            button.bind(on_release=lambda b, i=item: action(i, b))
            row.add_widget(button)
            box.add_widget(row)

    def ask_return(self, letter: dict[str, Any]) -> None:
        text = (
            f"{letter['kind_label']} {letter['number']}　{letter['name']}\n"
            f"转往：{letter['to_name']}　开具日期：{letter['issued_on']}"
        )
        self.counter.asks.letter_return(
            text, hall_date(), lambda values: self._send_return(letter, values)
        )

    def _send_return(self, letter: dict[str, Any], values: dict[str, str]) -> None:
        body = {key: value or None for key, value in values.items()}

        def done(answer: dict[str, Any]) -> None:
            self.ctx.dialogs.message(
                f"已登记回执：{answer['kind_label']} {answer['number']}（{answer['name']}），"
                f"回执日期{answer['returned_on']}"
            )
            self.show(self.view)

        self.api.record_return(int(letter["id"]), body, done)

    def reprint_letter(self, letter: dict[str, Any], button: Any) -> None:
        button.disabled = True

        def got(answer: dict[str, Any]) -> None:
            job = f"letter-{answer['id']}-print-{answer['prints']}"
            done = f"正在补打{answer['kind_label']} {answer['number']}"
            self.counter.print_documents([(job, answer["document"])], done)
            self.show(self.view)

        self.api.reprint_letter(int(letter["id"]), got, lambda e: self._failed(e, button))

    def reprint_transfer(self, transfer: dict[str, Any], button: Any) -> None:
        button.disabled = True
        self._reprints += 1
        suffix = f"-reprint-{self._reprints}"

        def got(answer: dict[str, Any]) -> None:
            button.disabled = False
            done = f"正在补打：{labels(answer)}"
            self.counter.print_documents(transfer_jobs(answer, suffix), done)

        self.api.reprint_transfer(int(transfer["id"]), got, lambda e: self._failed(e, button))

    def _failed(self, error: Any, button: Any) -> None:
        button.disabled = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self.result_text = ""
        if "rows" in self.ids:
            self.ids.rows.clear_widgets()
