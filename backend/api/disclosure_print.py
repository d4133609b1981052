"""Printing a board item at the kiosk, and the public page its QR code opens (docs/kiosk.md).

``POST /api/v1/kiosk/disclosure/<id>/print`` answers the print document for an item the kiosk
may show right now (without ``X-Kiosk-Session`` only items published to society; with a
member's session also theirs). ``/d/<id>.<sig>`` is the short public page behind the QR code,
beside the slips' ``/v/…`` pages.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template_string
from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.content import _viewer
from backend.api.framework import Auth, Ctx, endpoint, hall
from backend.api.verify import verify_bp
from backend.db import unit_of_work
from backend.services.disclosure_print import print_summary, public_text
from backend.services.dues_year import hall_now, hall_today


class PrintOut(BaseModel):
    document: dict[str, Any] = Field(description="打印文档（标题、摘要、全文二维码）")


@endpoint(
    api_bp,
    "/kiosk/disclosure/<int:document_id>/print",
    method="POST",
    summary="打印党务公开内容摘要（含阅读全文的二维码）",
    auth=Auth.DEVICE,
    response=PrintOut,
    errors=(401, 404),
)
def print_disclosure(ctx: Ctx, document_id: int) -> PrintOut:
    paper = print_summary(
        ctx.session,
        ctx.settings,
        _viewer(ctx),
        document_id,
        hall_today(ctx.settings.dues),
        hall_now(ctx.settings.dues),
    )
    return PrintOut(document=paper.to_dict())


_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ t.title or "党务公开" }} - {{ center }}</title>
<style>
body { font-family: sans-serif; margin: 0; padding: 1.2em; background: #f6f6f6; color: #222; }
main { max-width: 40em; margin: auto; background: #fff; padding: 1.5em; border-radius: 8px; }
h1 { font-size: 1.4em; text-align: center; } .meta, .note { text-align: center; color: #555; }
p { line-height: 1.7; text-indent: 2em; } h2 { font-size: 1.15em; }
</style>
</head>
<body>
<main>
<div class="meta">{{ center }} · 党务公开</div>
{% if t.title %}<h1>{{ t.title }}</h1>
<div class="meta">{{ t.org_name }}　{{ t.publish_on }}</div>{% endif %}
{% for kind, text in t.paragraphs %}{% if kind == "heading" %}<h2>{{ text }}</h2>
{% else %}<p>{{ text }}</p>
{% endif %}{% endfor %}
{% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}
</main>
</body>
</html>
"""


@verify_bp.get("/d/<token>")
def disclosure_page(token: str) -> tuple[str, int] | Response:
    h = hall()
    with unit_of_work(h.session_factory) as session:
        text = public_text(session, h.settings, token, hall_today(h.settings.dues))
        if text is None:
            return render_template_string(
                _PAGE, t={"note": "链接无效", "paragraphs": []}, center=h.settings.center_name
            ), 404
        return render_template_string(_PAGE, t=text, center=h.settings.center_name), 200
