"""JSON API under /api/v1. Every endpoint module in this package is imported here, which
registers its routes; areas add modules without touching this file."""

import importlib
import pkgutil

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

_GLUE = {"framework", "openapi", "auth"}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name not in _GLUE:
        importlib.import_module(f"{__name__}.{_info.name}")
