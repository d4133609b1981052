"""Assessment charts as inline SVG, in the manner of ``charts``: the comparison of a round's
subjects (horizontal bars, since names are long) and the trend of the leading organizations
over the periods (lines). Scores are drawn out of 100 and labelled with two decimals."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from backend.console.charts import BAR_COLOR, TEXT_COLOR
from backend.services.appraisal_analysis import Bar, Trend

LINE_COLORS = ("#b22a2a", "#d9822b", "#2b7bb9", "#3a9a5b", "#7a4fb0", "#777777")


def comparison_chart(title: str, bars: Sequence[Bar], *, width: int = 640) -> Markup:
    row, label_w, top = 20, 220, 6
    height = top + row * len(bars) + 6
    plot = width - label_w - 60
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = top + row * i
        length = plot * bar.score_cp / 10_000
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOR}">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" font-size="12" '
            f'fill="{TEXT_COLOR}">{bar.score_cp / 100:.2f} {escape(bar.grade)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(title: str, data: Trend, *, width: int = 640) -> Markup:
    height, left, top, bottom, legend = 220, 36, 12, 28, 150
    plot_w, plot_h = width - left - legend - 10, height - top - bottom
    steps = max(1, len(data.periods) - 1)

    def x(i: int) -> float:
        return left + plot_w * (i / steps if len(data.periods) > 1 else 0.5)

    def y(cp: int) -> float:
        return top + plot_h * (1 - cp / 10_000)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for mark in (0, 60, 75, 85, 100):
        parts.append(
            f'<line x1="{left}" y1="{y(mark * 100):.1f}" x2="{left + plot_w}" '
            f'y2="{y(mark * 100):.1f}" stroke="#e4dcd6"/><text x="{left - 4}" '
            f'y="{y(mark * 100) + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="{TEXT_COLOR}">{mark}</text>'
        )
    for i, label in enumerate(data.periods):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" font-size="10" '
            f'fill="{TEXT_COLOR}">{escape(label)}</text>'
        )
    for n, series in enumerate(data.series):
        color = LINE_COLORS[n % len(LINE_COLORS)]
        points = [(x(i), y(p)) for i, p in enumerate(series.points) if p is not None]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>' for px, py in points
        ]
        ly = top + 16 * n + 8
        parts.append(
            f'<rect x="{width - legend}" y="{ly - 8}" width="10" height="10" fill="{color}"/>'
            f'<text x="{width - legend + 14}" y="{ly + 1}" font-size="11" '
            f'fill="{TEXT_COLOR}">{escape(series.label[:12])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
