"""``/api/v1/health`` tells the kiosk the hall's card-number width (the manual entry pads to it)."""

from __future__ import annotations

from dataclasses import replace

from backend import create_app


def test_health_reports_the_card_number_width(client, settings) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/health").json
    assert (answer["status"], answer["card_no_digits"]) == ("ok", 5)
    six = create_app(replace(settings, card_no_digits=6))
    try:
        assert six.test_client().get("/api/v1/health").json["card_no_digits"] == 6
    finally:
        six.extensions["hall"].engine.dispose()
