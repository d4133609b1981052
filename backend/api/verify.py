"""Public verification of printed documents: what a phone shows after scanning a slip's QR code.

``/v/<kind>/<number>.<sig>`` is a tiny page of its own (outside ``/api/v1``, since the QR code
must stay short); it answers JSON when asked for (``Accept: application/json`` or
``?format=json``). The same answer is in the API as ``/api/v1/verify/<kind>/<token>``. Only
masked data is shown: a masked name, a date, an amount, and 有效 / 已作废 / 无效.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template_string, request
from pydantic import BaseModel

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint, hall
from backend.db import unit_of_work
from backend.services import verify

verify_bp = Blueprint("verify", __name__)


class FieldOut(BaseModel):
    label: str
    value: str


class VerificationOut(BaseModel):
    kind: str
    kind_label: str
    status: str
    status_label: str
    number: str | None
    fields: list[FieldOut]
    note: str
    center: str


def verification_out(result: verify.Verification, center: str) -> VerificationOut:
    return VerificationOut(
        kind=result.kind,
        kind_label=result.kind_label,
        status=result.status,
        status_label=result.status_label,
        number=result.number,
        fields=[FieldOut(label=k, value=v) for k, v in result.fields],
        note=result.note,
        center=center,
    )


@endpoint(
    api_bp,
    "/verify/<kind>/<token>",
    summary="核验凭条或证明的真伪（公开，只显示脱敏信息）",
    auth=Auth.PUBLIC,
    response=VerificationOut,
    read_only=False,  # a forged link is audited (services/verify.py)
)
def verify_document(ctx: Ctx, kind: str, token: str) -> VerificationOut:
    result = verify.verify(ctx.session, ctx.settings, kind, token)
    return verification_out(result, ctx.settings.center_name)


_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ v.kind_label }}核验 - {{ v.center }}</title>
<style>
body { font-family: sans-serif; margin: 0; padding: 1.5em; background: #f6f6f6; color: #222; }
main { max-width: 28em; margin: auto; background: #fff; padding: 1.5em; border-radius: 8px; }
.status { font-size: 2.2em; font-weight: bold; text-align: center; margin: .4em 0; }
.valid { color: #1a7f37; } .void { color: #b35900; } .invalid { color: #c00; }
table { width: 100%; border-collapse: collapse; margin-top: 1em; }
th, td { padding: .5em .3em; border-bottom: 1px solid #eee; text-align: left; }
th { color: #666; font-weight: normal; width: 40%; }
p { text-align: center; color: #555; }
</style>
</head>
<body>
<main>
<h1 style="font-size:1.1em;text-align:center">{{ v.center }}<br>{{ v.kind_label }}核验</h1>
<div class="status {{ v.status }}">{{ v.status_label }}</div>
<p>{{ v.note }}</p>
{% if v.fields %}
<table>
{% for f in v.fields %}<tr><th>{{ f.label }}</th><td>{{ f.value }}</td></tr>
{% endfor %}</table>
{% endif %}
</main>
</body>
</html>
"""


@verify_bp.get("/v/<kind>/<token>")
def verify_page(kind: str, token: str) -> Response | tuple[str, int]:
    h = hall()
    with unit_of_work(h.session_factory) as session:
        result = verify.verify(session, h.settings, kind, token)
    out = verification_out(result, h.settings.center_name)
    wants_json = request.args.get("format") == "json" or (
        request.accept_mimetypes.best == "application/json"
    )
    if wants_json:
        return jsonify(out.model_dump(mode="json"))
    return render_template_string(_PAGE, v=out), 200
