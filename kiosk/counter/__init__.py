"""Counter mode (``mode = "counter"``): staff at the service window sign in, find members,
take dues, issue cards and carry out transfers over the backend's staff API.

The screens are ``kiosk/screens/counter_*.py`` (+ ``.kv``); :func:`register_screens` adds
them to the screen registry for the counter mode only, so the member kiosk and the board are
untouched. Everything here follows the kiosk's rules: no business rule of its own, network
calls off the UI thread, and nothing of a member left in the widgets after a lock.
"""

from __future__ import annotations

COUNTER = ("counter",)
SCREENS = (
    ("counter_login", "CounterLoginScreen"),
    ("counter_find", "CounterFindScreen"),
    ("counter_member", "CounterMemberScreen"),
    ("counter_pay", "CounterPayScreen"),
    ("counter_history", "CounterHistoryScreen"),
    ("counter_assess", "CounterAssessScreen"),
    ("counter_card", "CounterCardScreen"),
    ("counter_within", "CounterWithinScreen"),
    ("counter_out", "CounterOutScreen"),
    ("counter_in", "CounterInScreen"),
    ("counter_register", "CounterRegisterScreen"),
    ("counter_floating", "CounterFloatingScreen"),
    ("counter_close", "CounterCloseScreen"),
)


def register_screens() -> None:
    """Add the counter's screens to the registry (once) and load the counter's kv rules."""
    from kiosk.counter import asks, widgets
    from kiosk.screens import REGISTRY, register

    asks.load_kv()
    widgets.load_kv()
    for name, class_name in SCREENS:
        if name not in REGISTRY:
            register(name, f"kiosk.screens.{name}", class_name, COUNTER)
