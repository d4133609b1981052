"""The screen registry: which screens exist, in which modes, and how to build them.

One ``.py`` + ``.kv`` pair per screen in this package; the kv file is loaded once, right before
the first screen of its module is built. A later mode (the staff counter) registers its own
screens with :func:`register` without touching the kiosk's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from kivy.lang import Builder

from kiosk.context import Collaborators
from kiosk.screens.base import KioskScreen

ALL_MODES = ("member", "board", "both")


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    module: str
    class_name: str
    modes: tuple[str, ...]


REGISTRY: dict[str, ScreenSpec] = {}


def register(name: str, module: str, class_name: str, modes: tuple[str, ...] = ALL_MODES) -> None:
    REGISTRY[name] = ScreenSpec(name, module, class_name, modes)


register("home", "kiosk.screens.home", "HomeScreen")
register("attract", "kiosk.screens.attract", "AttractScreen")
register("lookup", "kiosk.screens.lookup", "LookupScreen", ("member", "both"))
register("member", "kiosk.screens.member", "MemberScreen", ("member", "both"))
register("services", "kiosk.screens.services", "ServicesScreen", ("member", "both"))
register("record", "kiosk.screens.record", "RecordScreen", ("member", "both"))
register("cases", "kiosk.screens.cases", "CasesScreen", ("member", "both"))
register("volunteers", "kiosk.screens.volunteers", "VolunteersScreen", ("member", "both"))
register(
    "volunteer_desk", "kiosk.screens.volunteer_desk", "VolunteerDeskScreen", ("member", "both")
)
register("vote", "kiosk.screens.vote", "VoteScreen", ("member", "both"))
register("disclosure", "kiosk.screens.disclosure", "DisclosureScreen", ("board", "both"))
register("document", "kiosk.screens.document", "DocumentScreen", ("board", "both"))
register("honors", "kiosk.screens.honors", "HonorsScreen")
register(
    "honor_services", "kiosk.screens.honor_services", "HonorServicesScreen", ("member", "both")
)
register("attendance_setup", "kiosk.screens.attendance", "AttendanceSetupScreen")
register("attendance", "kiosk.screens.attendance", "AttendanceScreen")
register("community", "kiosk.screens.community", "CommunityScreen", ("member", "both"))


def build_screens(ctx: Collaborators, mode: str) -> list[KioskScreen]:
    """Instantiate the screens of ``mode`` in registry order."""
    screens: list[KioskScreen] = []
    for spec in REGISTRY.values():
        if mode not in spec.modes:
            continue
        module = importlib.import_module(spec.module)
        kv = Path(module.__file__ or "").with_suffix(".kv")
        if kv.exists() and str(kv) not in Builder.files:
            Builder.load_file(str(kv))
        screens.append(getattr(module, spec.class_name)(ctx, name=spec.name))
    return screens
