"""The staff web console: server-rendered pages in Chinese, same users and scopes as the API.

Pages live in ``views_*`` modules; each adds its entries to the left menu with
``add_menu_entry``, so a new area of the console is a new module plus one line in
``VIEW_MODULES`` below (``tests/backend/test_registration.py`` names any module left out).
Templates sit under ``templates/console/`` (``console/base.html`` is the layout,
``console/_macros.html`` the form fields and the paged table).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from flask import Blueprint

from backend.models import Role
from backend.services.policy import Action, role_may

console_bp = Blueprint(
    "console", __name__, url_prefix="/console", template_folder="templates", static_folder="static"
)


@dataclass(frozen=True)
class MenuEntry:
    label: str
    endpoint: str
    section: str
    order: int
    action: Action | None  # shown to the roles the policy allows it; None: every signed-in user
    active_prefix: str  # endpoints starting with this highlight the entry

    def visible_to(self, role: Role | None) -> bool:
        return self.action is None or role_may(role, self.action)


MENU: list[MenuEntry] = []
SECTION_ORDER = ["工作台", "组织与党员", "党费", "服务", "系统管理"]


def add_menu_entry(
    label: str,
    endpoint: str,
    *,
    section: str,
    order: int = 100,
    action: Action | None = None,
    active_prefix: str | None = None,
) -> None:
    """Add a left-menu link. Sections not in ``SECTION_ORDER`` are shown after those."""
    if any(e.endpoint == endpoint for e in MENU):
        return
    MENU.append(
        MenuEntry(
            label,
            endpoint,
            section,
            order,
            action,
            active_prefix or endpoint,
        )
    )


def menu_for(role: Role | None) -> list[tuple[str, list[MenuEntry]]]:
    """The menu as (section, entries) pairs for one role, in display order."""
    sections: dict[str, list[MenuEntry]] = {}
    for entry in sorted(MENU, key=lambda e: e.order):
        if entry.visible_to(role):
            sections.setdefault(entry.section, []).append(entry)
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    return sorted(sections.items(), key=lambda kv: rank.get(kv[0], len(rank)))


# Importing the modules registers their routes, template globals and menu entries.
from backend.console import paging, web  # noqa: E402

#: The console's page modules, imported in this order.
VIEW_MODULES = (
    "views_admin",
    "views_appraisal",
    "views_appraisal_new",
    "views_assessment",
    "views_audit",
    "views_auth",
    "views_cards",
    "views_case_stats",
    "views_cases",
    "views_day_close",
    "views_development",
    "views_disclosure",
    "views_disclosure_categories",
    "views_disclosure_files",
    "views_exports",
    "views_finance",
    "views_fleet",
    "views_fleet_config",
    "views_floating_guests",
    "views_fund",
    "views_honor_service_uses",
    "views_honor_services",
    "views_honors",
    "views_imports",
    "views_meeting_rates",
    "views_meetings",
    "views_member_bulk",
    "views_member_export",
    "views_member_info",
    "views_members",
    "views_org_info",
    "views_orgs",
    "views_publication",
    "views_remittance",
    "views_saved_filters",
    "views_search",
    "views_terms",
    "views_transfer_inbox",
    "views_transfer_register",
    "views_volunteer_activities",
    "views_volunteer_stats",
    "views_volunteers",
    "views_waiver_bulk",
    "views_waivers",
)

#: Modules of this package that register no pages: shared helpers the views import.
HELPER_MODULES = ("appraisal_charts", "audit_fields", "charts", "forms", "once", "paging", "web")

for _name in VIEW_MODULES:
    importlib.import_module(f"{__name__}.{_name}")

__all__ = ["MENU", "VIEW_MODULES", "add_menu_entry", "console_bp", "menu_for", "paging", "web"]
