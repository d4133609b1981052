"""JSON API under /api/v1. Importing the endpoint modules registers their routes."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

from backend.api import dues, kiosk, meta, staff  # noqa: E402,F401
