"""The API's thin glue: authenticate, parse with pydantic, call a service, commit, serialize.

Each endpoint is declared once with ``endpoint(...)``; the same declaration feeds the OpenAPI
document, so the document cannot drift from the code. A staff endpoint names the ``Action`` it
performs; the wrapper checks it against the one policy table (``backend.services.policy``)
before the view runs. An endpoint declared ``idempotent=True`` is carried out once per
``Idempotency-Key`` (header, or the body's ``idempotency_key``): a repeat gets the first answer
back (``backend.services.idempotency``, docs/transactions.md).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from backend.api.auth import Auth, authenticate
from backend.errors import Invalid
from backend.models import IdempotentAnswer
from backend.services import idempotency, input_rules, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.settings import Settings


@dataclass
class EndpointSpec:
    rule: str
    method: str
    view_name: str
    summary: str
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    tags: tuple[str, ...] = field(default_factory=tuple)
    action: Action | None = None
    idempotent: bool = False


KEY_HEADER = "Idempotency-Key"
REGISTRY: list[EndpointSpec] = []


@dataclass
class Ctx:
    """What a view receives: the unit of work, who is acting, settings, and optional headers."""

    session: Session
    actor: Actor
    settings: Settings

    def header(self, name: str) -> str | None:
        return request.headers.get(name)


def hall() -> Any:
    return current_app.extensions["hall"]


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "请求"
        kind = err["type"]
        if kind == "missing":
            parts.append(f"缺少字段 {where}")
        elif kind.startswith(("string_too", "too_")):
            parts.append(f"字段 {where} 长度不符合要求")
        elif kind.startswith(("greater", "less")):
            parts.append(f"字段 {where} 超出允许范围")
        elif kind == "extra_forbidden":
            parts.append(f"不认识的字段 {where}")
        elif kind == "value_error":
            parts.append(f"字段 {where}：{err['ctx'].get('error', err['msg'])}")
        else:
            parts.append(f"字段 {where} 格式不正确")
    return "请求数据有误：" + "；".join(parts)


def parse_model(model: type[BaseModel], data: Any) -> BaseModel:
    """Validate ``data``; before and after, the input rules every stored value obeys
    (``input_rules``: no control characters, 64-bit integers, bounded nesting)."""
    input_rules.check_tree(data)
    try:
        parsed = model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise Invalid(_validation_message(exc), code="validation_error") from None
    input_rules.check_tree(parsed.model_dump())
    return parsed


def _json_body() -> Any:
    try:
        return request.get_json(silent=True)
    except RecursionError:  # json gives up on very deep nesting with this, not a ValueError
        raise Invalid(
            f"请求数据嵌套过深（最多{input_rules.MAX_DEPTH}层）", code="too_deep"
        ) from None


def _split_key(data: Any) -> tuple[str | None, Any]:
    """The request's idempotency key (header or body, which must agree) and the body without it."""
    key = request.headers.get(KEY_HEADER)
    if isinstance(data, dict) and "idempotency_key" in data:
        data = dict(data)
        in_body = data.pop("idempotency_key")
        if key and in_body and key != in_body:
            raise Invalid("请求头与请求体中的幂等键不一致", code="idempotency_key")
        key = key or (in_body if isinstance(in_body, str) else None)
    return key, data


def _claim(session: Session, actor: Actor, key: str, data: Any) -> IdempotentAnswer | Response:
    """The claimed key's row, or the first answer if this request was sent before."""
    digest = idempotency.fingerprint({"path": request.path, "body": data})
    claimed = idempotency.claim(session, actor, key, f"{request.method} {request.path}", digest)
    if isinstance(claimed, idempotency.Replay):
        replay = Response(claimed.answer, status=claimed.status, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    return claimed


def endpoint(
    bp: Blueprint,
    rule: str,
    *,
    method: str = "GET",
    summary: str,
    auth: Auth = Auth.STAFF,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    action: Action | None = None,
    read_only: bool | None = None,
    idempotent: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``idempotent``: carried out once per idempotency key (see the module's docstring).

    ``read_only`` defaults to "a GET from staff or the public": such requests never take the
    write lock. A kiosk's GETs write (they keep its member session alive and note the device's
    last contact) and are short; a GET that writes says ``read_only=False``. See
    docs/transactions.md."""
    if auth is Auth.STAFF and action is None:
        raise TypeError(f"staff endpoint {rule} must name its policy action")
    if action is not None:
        errors = tuple(sorted({*errors, 403}))
    if idempotent:
        errors = tuple(sorted({*errors, 409}))
    reads_only = (method == "GET" and auth is not Auth.DEVICE) if read_only is None else read_only

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**path_args: Any) -> Response | tuple[Response, int]:
            h = hall()
            factory = h.read_session_factory if reads_only else h.session_factory
            session: Session = factory()
            g.db = session
            try:
                actor = authenticate(session, h.settings, auth)
                if action is not None:
                    policy.authorize(actor, action)
                kwargs: dict[str, Any] = dict(path_args)
                data = None
                if body is not None:
                    if not request.is_json and request.data:
                        raise Invalid("请求体必须是JSON", code="not_json")
                    data = _json_body()
                key, data = _split_key(data) if idempotent else (None, data)
                if body is not None:
                    kwargs["body"] = parse_model(body, data)
                if query is not None:
                    kwargs["query"] = parse_model(query, request.args.to_dict())
                once = _claim(session, actor, key, data) if key else None
                if isinstance(once, Response):
                    session.rollback()
                    return once
                result = view(Ctx(session, actor, h.settings), **kwargs)
                code = status
                if isinstance(result, tuple):
                    result, code = result
                payload = _serialize(result)
                if once is not None:
                    idempotency.answer(once, code, json.dumps(payload, ensure_ascii=False))
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
            if isinstance(payload, Response):
                return payload
            if payload is None:
                return Response(status=code)
            return jsonify(payload), code

        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        REGISTRY.append(
            EndpointSpec(
                rule=(bp.url_prefix or "") + rule,
                method=method.lower(),
                view_name=view.__name__,
                summary=summary,
                auth=auth,
                body=body,
                query=query,
                response=response,
                status=status,
                errors=errors,
                tags=(bp.name,),
                action=action,
                idempotent=idempotent,
            )
        )
        return wrapper

    return decorator


def _serialize(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_serialize(r) for r in result]
    return result
