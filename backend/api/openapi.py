"""The OpenAPI 3.1 document, assembled from the endpoint registry and the pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from backend.api.framework import REGISTRY, Auth

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码"},
        "message": {"type": "string", "description": "给用户看的中文说明"},
    },
}


def _ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(title: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for spec in REGISTRY:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", spec.rule)
        op: dict[str, Any] = {
            "operationId": spec.view_name,
            "summary": spec.summary,
            "tags": list(spec.tags),
            "responses": {},
        }
        if spec.action is not None:
            # Who may call it: the policy action (docs/roles.md lists its roles).
            op["x-hall-action"] = spec.action.value
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        if spec.query is not None:
            qschema = spec.query.model_json_schema()
            required = set(qschema.get("required", []))
            for name, prop in qschema.get("properties", {}).items():
                params.append(
                    {"name": name, "in": "query", "required": name in required, "schema": prop}
                )
        if spec.idempotent:
            params.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "幂等键（8至80位字母、数字或 ._:-；也可放在请求体的 "
                    "idempotency_key）：同一请求重发时返回第一次的结果，不重复办理",
                    "schema": {"type": "string", "minLength": 8, "maxLength": 80},
                }
            )
        if params:
            op["parameters"] = params
        if spec.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(spec.body, components)}},
            }
        ok: dict[str, Any] = {"description": "成功"}
        if spec.response is not None:
            ok["content"] = {"application/json": {"schema": _ref(spec.response, components)}}
        op["responses"][str(spec.status)] = ok
        error_codes = set(spec.errors) | {400}
        if spec.auth is not Auth.PUBLIC:
            error_codes |= {401, 403}
            op["security"] = (
                [{"staffToken": []}] if spec.auth is Auth.STAFF else [{"deviceKey": []}]
            )
        for code in sorted(error_codes):
            op["responses"][str(code)] = {
                "description": "错误",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(path, {})[spec.method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "staffToken": {"type": "http", "scheme": "bearer"},
                "deviceKey": {"type": "apiKey", "in": "header", "name": "X-Device-Key"},
            },
        },
    }
