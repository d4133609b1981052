"""办事服务: the hub a member opens from their own screen after a tap.

Each service the kiosk offers a member is one line of :data:`SERVICE_ENTRIES` plus its own
screen (registered in ``kiosk/screens/__init__.py`` like any other). The hub draws a big touch
button per entry whose screen this kiosk has (a board-only or member-only kiosk skips the
others), in list order. Service screens derive from :class:`MemberServiceScreen`: they open only
while a member session is open and go back to the hub with :meth:`~MemberServiceScreen.back`.

The hub itself shows nothing of the member but the masked name in its greeting, emptied by
:meth:`ServicesScreen.clear_member_data` when they leave (docs/kiosk.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.base import KioskScreen


@dataclass(frozen=True)
class ServiceEntry:
    """One button of the hub: its label, the screen it opens, one line saying what it is."""

    label: str
    screen: str
    hint: str = ""


SERVICE_ENTRIES: list[ServiceEntry] = [
    ServiceEntry("我的信息", "record", "组织关系、党龄、支部书记和近期活动"),
    ServiceEntry("党务公开", "disclosure", "本组织和全党的公开事项"),
    ServiceEntry("诉求与申请", "cases", "意见建议、困难救助、约谈、转正申请和答复"),
    ServiceEntry("荣誉服务", "honor_services", "合作场馆的免费服务，打印荣誉服务通知单"),
    ServiceEntry("志愿服务", "volunteers", "加入志愿服务队，查看本人服务时长"),
    ServiceEntry("满意度测评", "vote", "对所在党组织的工作评价，每次限投一票"),
]


class ServiceTile(BoxLayout):
    """A hub button with its one-line hint under it."""

    label = StringProperty("")
    screen = StringProperty("")
    hint = StringProperty("")
    hub = ObjectProperty(None)


class MemberServiceScreen(KioskScreen):
    """A screen reached from the hub: it is for the member on the reader, and no one else."""

    def on_pre_enter(self, *_args: object) -> None:
        if not self.ctx.session.active:
            self.ctx.nav.home()

    def back(self) -> None:
        self.ctx.nav.go("services")


class ServicesScreen(MemberServiceScreen):
    greeting = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        summary = self.ctx.session.summary
        if not self.ctx.session.active or summary is None:
            self.ctx.nav.home()
            return
        self.greeting = f"{summary['name_masked']}，您好！请选择要办理的事项"
        self.show_entries(self.available())

    def available(self) -> list[ServiceEntry]:
        """The entries whose screen this kiosk has, in list order."""
        manager = self.manager
        return [e for e in SERVICE_ENTRIES if manager is not None and manager.has_screen(e.screen)]

    def show_entries(self, entries: list[ServiceEntry]) -> None:
        grid = self.ids.grid
        grid.clear_widgets()
        for entry in entries:
            tile = ServiceTile(label=entry.label, screen=entry.screen, hint=entry.hint, hub=self)
            grid.add_widget(tile)

    def open(self, screen: str) -> None:
        if self.ctx.session.active:
            self.ctx.nav.go(screen)
        else:
            self.ctx.nav.home()

    def clear_member_data(self) -> None:
        self.greeting = ""
