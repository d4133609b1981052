"""党员服务大厅 backend: all data and every rule, a JSON API and the staff console."""

from backend.app import create_app

__all__ = ["create_app"]
