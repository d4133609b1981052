"""Fixtures for the device tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.devices.fake_printer import FakeNetworkPrinter


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    """A network receipt printer on loopback, online with paper."""
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()
