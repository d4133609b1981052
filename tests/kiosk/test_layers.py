"""Layer rules, checked by parsing imports: the kiosk is a thin client, devices know no UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    bad: dict[str, set[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        hits = {
            m
            for m in imported_modules(path)
            if any(m == f or m.startswith(f + ".") for f in forbidden)
        }
        if hits:
            bad[str(path.relative_to(REPO))] = hits
    return bad


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("kiosk", ("backend", "sqlalchemy", "flask")),
        ("devices", ("kivy", "flask", "sqlalchemy", "backend", "kiosk")),
    ],
)
def test_layer_imports(package: str, forbidden: tuple[str, ...]) -> None:
    assert offenders(package, forbidden) == {}


def test_only_the_client_talks_to_the_backend() -> None:
    talkers = {
        str(path.relative_to(REPO))
        for path in (REPO / "kiosk").rglob("*.py")
        if imported_modules(path) & {"requests", "urllib.request", "http.client", "httpx"}
    }
    assert talkers == {"kiosk/client.py"}


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy.orm\nfrom backend.models import Member\nfrom . import x\n")
    assert imported_modules(sample) == {"sqlalchemy.orm", "backend.models"}
