"""Charts as inline SVG drawn on the server: no script, no network, printable as they are.

Text inherits the page's font (a CJK font from the stylesheet); every chart also has a
``<title>`` so screen readers and tooltips say what it shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from backend.services.percent import percent_text

BAR_COLOR = "#b22a2a"
TRACK_COLOR = "#eee6e0"
TEXT_COLOR = "#333"


def column_chart(title: str, items: Sequence[tuple[str, int]], *, width: int = 360) -> Markup:
    """Vertical bars with their values on top, labels below."""
    height, top, bottom = 180, 24, 30
    plot = height - top - bottom
    peak = max((v for _l, v in items), default=0) or 1
    slot = width / max(1, len(items))
    bar = min(56.0, slot * 0.55)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#bbb"/>',
    ]
    for i, (label, value) in enumerate(items):
        h = plot * value / peak
        x = slot * i + (slot - bar) / 2
        cx = slot * i + slot / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{cx:.1f}" y="{top + plot - h - 6:.1f}" text-anchor="middle" '
            f'font-size="13" fill="{TEXT_COLOR}">{value}</text>'
            f'<text x="{cx:.1f}" y="{height - 10}" text-anchor="middle" font-size="13" '
            f'fill="{TEXT_COLOR}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_chart(
    title: str, items: Sequence[tuple[str, int]], total: int, *, width: int = 420
) -> Markup:
    """Horizontal bars of shares of ``total``: label, a 0–100 % track, "count（x.x%）"."""
    row, label_w, value_w = 28, 110, 110
    track = width - label_w - value_w
    height = row * len(items) + 8
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, count) in enumerate(items):
        share = count / total if total else 0.0
        y = 4 + row * i
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOR}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{track}" height="16" fill="{TRACK_COLOR}"/>'
            f'<rect x="{label_w}" y="{y + 5}" width="{track * share:.1f}" height="16" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{label_w + track + 8}" y="{y + 18}" font-size="13" '
            f'fill="{TEXT_COLOR}">{count}（{percent_text(count, total)}）</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


PIE_COLORS = (
    "#b22a2a",
    "#e0a030",
    "#4a7fb5",
    "#5a9e6f",
    "#8c6bb1",
    "#d9704a",
    "#7f7f7f",
    "#c9b28f",
)


def pie_chart(title: str, items: Sequence[tuple[str, int]], *, size: int = 150) -> Markup:
    """A pie with a legend of "label count（x.x%）" beside it; an empty pie is a grey ring.

    Slices are SVG arcs; a slice of the whole is a full circle (an arc cannot close on itself).
    """
    total = sum(v for _l, v in items)
    radius, legend_w, row = size / 2 - 4, 260, 20
    cx = cy = size / 2
    height = max(size, row * len(items) + 8)
    parts = [
        f'<svg class="chart pie" role="img" viewBox="0 0 {size + legend_w} {height}" '
        f'width="{size + legend_w}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    if total == 0:
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="none" stroke="{TRACK_COLOR}" '
            'stroke-width="8"/>'
        )
    start = 0.0
    for i, (label, value) in enumerate(items):
        color = PIE_COLORS[i % len(PIE_COLORS)]
        share = value / total if total else 0.0
        if value and share >= 1.0:
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{color}" data-slice="{i}"/>'
            )
        elif value:
            end = start + share
            x1, y1 = _point(cx, cy, radius, start)
            x2, y2 = _point(cx, cy, radius, end)
            large = 1 if share > 0.5 else 0
            parts.append(
                f'<path d="M{cx:.1f},{cy:.1f} L{x1:.2f},{y1:.2f} A{radius:.1f},{radius:.1f} 0 '
                f'{large} 1 {x2:.2f},{y2:.2f} Z" fill="{color}" stroke="#fff" '
                f'stroke-width="1" data-slice="{i}"/>'
            )
            start = end
        y = 4 + row * i
        parts.append(
            f'<rect x="{size + 8}" y="{y + 4}" width="12" height="12" fill="{color}"/>'
            f'<text x="{size + 26}" y="{y + 15}" font-size="13" fill="{TEXT_COLOR}">'
            f"{escape(label)} {value}（{100 * share:.1f}%）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _point(cx: float, cy: float, radius: float, turn: float) -> tuple[float, float]:
    """The point ``turn`` (0–1) of the way round the circle, clockwise from twelve o'clock."""
    angle = 2 * math.pi * turn
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)
