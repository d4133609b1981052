"""Every schema in /api/v1/openapi.json has a name of its own.

The document files each pydantic model under its class name (``backend/api/openapi.py``), so two
classes of one name in different API modules would silently share one entry: the second
overwrites the first, and a client generated from the document gets the wrong fields for one of
the endpoints. This test names every clash, among the models the endpoints use (their bodies,
answers and queries, and every model inside them) and among the classes the API modules define.
"""

from __future__ import annotations

import importlib
import typing
from collections import defaultdict
from collections.abc import Iterator

from pydantic import BaseModel

from backend.api import ENDPOINT_MODULES, HELPER_MODULES
from backend.api.framework import REGISTRY


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _reachable() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    todo = [m for spec in REGISTRY for m in (spec.body, spec.response, spec.query) if m]
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for field in model.model_fields.values():
            todo.extend(_models_in(field.annotation))
    return found


def _defined_in_api_modules() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for name in (*ENDPOINT_MODULES, *HELPER_MODULES):
        module = importlib.import_module(f"backend.api.{name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


def test_no_two_schemas_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _reachable() | _defined_in_api_modules():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}, f"rename one of each: {clashes}"


def test_every_endpoint_model_is_in_the_document(client) -> None:  # type: ignore[no-untyped-def]
    """The document lists each body and answer model under its own name, with its own fields."""
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for spec in REGISTRY:
        for model in (spec.body, spec.response):
            if model is None:
                continue
            assert model.__name__ in schemas, model.__name__
            assert set(schemas[model.__name__].get("properties", {})) == set(
                model.model_json_schema(by_alias=True).get("properties", {})
            ), model.__name__
