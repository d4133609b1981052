"""The staff web console: server-rendered pages in Chinese, same users and scopes as the API."""

from flask import Blueprint

console_bp = Blueprint(
    "console", __name__, url_prefix="/console", template_folder="templates", static_folder="static"
)
