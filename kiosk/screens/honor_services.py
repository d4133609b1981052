"""荣誉服务 at the kiosk: after a card tap an eligible member sees the partner venues' offers,
the free uses left this year, and prints a 荣誉服务通知单 (or reprints this year's, marked 补打).
It is one entry of the 办事服务 hub (``kiosk/screens/services.py``).

The backend decides everything (eligibility, what is left, the notice itself, masked); the
screen only lists it. The list is emptied when the member leaves (docs/honor-services.md).
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.client import ApiError
from kiosk.printing import UNAVAILABLE_MESSAGE
from kiosk.screens.services import MemberServiceScreen

PRINTING_NOTICE = "正在打印荣誉服务通知单，请在出纸口取走"
NOT_ELIGIBLE = "您目前不在荣誉服务的享受范围内。如有疑问，请咨询服务窗口。"


class HonorOfferRow(BoxLayout):
    title = StringProperty("")
    detail = StringProperty("")
    button_text = StringProperty("")


def offer_texts(offer: dict[str, Any]) -> tuple[str, str, str]:
    """(title, detail, button) for one offer as the backend lists it."""
    title = f"{offer['venue']}：{offer['title']}"
    parts = [p for p in (offer.get("address"), offer.get("schedule")) if p]
    parts.append(f"每年免费{offer['free_uses']}次，今年还可使用{offer['left']}次")
    if offer["left"] > 0:
        button = "打印通知单"
    elif offer.get("use_ids"):
        button = "补打通知单"
    else:
        button = "今年已用完"
    return title, "　".join(parts), button


class HonorServicesScreen(MemberServiceScreen):
    heading_text = StringProperty("党员荣誉服务")
    info_text = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        self.clear_member_data()
        token = self.ctx.session.token
        if token is None or not self.ctx.session.active:
            self.ctx.nav.home()
            return
        self.info_text = "正在查询，请稍候…"
        generation = self.ctx.session.generation
        self.ctx.client.honor_services(
            token,
            lambda answer: self._show(generation, answer),
            lambda error: self._failed(generation, error),
        )

    def _show(self, generation: int, answer: dict[str, Any]) -> None:
        if not self.ctx.session.is_current(generation):
            return
        self.heading_text = f"{answer['name_masked']}的荣誉服务（{answer['year']}年）"
        self.ids.offers.clear_widgets()
        if not answer["eligible"]:
            self.info_text = NOT_ELIGIBLE
            return
        reasons = "、".join(answer["reasons"])
        if not answer["offers"]:
            self.info_text = f"享受条件：{reasons}。目前没有可以使用的合作场所。"
            return
        self.info_text = f"享受条件：{reasons}。请选择要使用的服务，打印通知单后持党员卡前往。"
        for offer in answer["offers"]:
            title, detail, button = offer_texts(offer)
            row = HonorOfferRow(title=title, detail=detail, button_text=button)
            used = offer.get("use_ids") or []
            if offer["left"] > 0:
                row.ids.action.bind(on_release=lambda _b, o=offer: self._print(o["offer_id"]))
            elif used:
                row.ids.action.bind(on_release=lambda _b, u=used[-1]: self._reprint(u))
            else:
                row.ids.action.disabled = True
            self.ids.offers.add_widget(row)

    def _failed(self, generation: int, error: ApiError) -> None:
        if self.ctx.session.is_current(generation):
            self.info_text = ""
            self.ctx.nav.show_error(error)

    def _print(self, offer_id: int) -> None:
        token = self.ctx.session.token
        if token is not None:
            self.ctx.client.honor_notice(token, offer_id, self._submit, self._refused)

    def _reprint(self, use_id: int) -> None:
        token = self.ctx.session.token
        if token is not None:
            self.ctx.client.honor_reprint(token, use_id, self._submit, self._refused)

    def _submit(self, answer: dict[str, Any]) -> None:
        printing = self.ctx.printing
        if printing is None:
            self.ctx.dialogs.message(UNAVAILABLE_MESSAGE)
        else:
            try:
                printing.submit(answer["document"])
            except (KeyError, TypeError, ValueError):
                self.ctx.dialogs.message("通知单格式有误，暂时不能打印，请联系工作人员")
                return
            self.ctx.dialogs.message(PRINTING_NOTICE if printing.ready else UNAVAILABLE_MESSAGE)
        self.on_pre_enter()  # the uses left have changed

    def _refused(self, error: ApiError) -> None:
        self.ctx.dialogs.message(error.message)
        self.on_pre_enter()

    def clear_member_data(self) -> None:
        self.heading_text = "党员荣誉服务"
        self.info_text = ""
        if "offers" in self.ids:
            self.ids.offers.clear_widgets()
