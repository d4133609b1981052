"""JSON API under /api/v1. Importing an endpoint module registers its routes on ``api_bp``;
the modules are named here one by one, so a new area is a new module plus one line in
``ENDPOINT_MODULES`` (``tests/backend/test_registration.py`` names any module left out)."""

import importlib

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Modules that add endpoints to ``api_bp`` (``verify`` also holds the public ``verify_bp``,
#: registered by ``backend.app``), imported in this order.
ENDPOINT_MODULES = (
    "appraisal",
    "appraisal_setup",
    "case_stats",
    "cases",
    "community",
    "content",
    "counter_auth",
    "counter_cards",
    "counter_orgs",
    "day_close",
    "development",
    "development_moves",
    "disclosure_print",
    "dues",
    "finance",
    "fleet",
    "floating_guests",
    "honor_services",
    "kiosk",
    "kiosk_cases",
    "kiosk_record",
    "kiosk_volunteers",
    "letters_verify",
    "meetings",
    "members",
    "meta",
    "org_terms",
    "payments",
    "reports",
    "staff",
    "transfer_notices",
    "transfers",
    "verify",
    "volunteer_desk",
    "volunteers",
)

#: Modules of this package that register nothing themselves: the endpoint framework, the
#: OpenAPI document and authentication.
HELPER_MODULES = ("auth", "framework", "openapi")

for _name in ENDPOINT_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
