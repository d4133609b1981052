"""The PDF report of a scored round (考核结果分析报告): the ranking with grades, a bar chart
comparing the subjects and a table of each leading organization's trend. Set like every PDF
of the hall, with one embedded font cut down to the report's characters
(``pdf_fonts.embedded_font``); docs/appraisal.md."""

from __future__ import annotations

import io
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from backend.models import AppraisalRound
from backend.services.appraisal_analysis import Bar, Trend, comparison, trend
from backend.services.appraisal_publish import ranking, subject_name
from backend.services.pdf_fonts import embedded_font

BAR_COLOR = colors.HexColor("#b22a2a")
MAX_BARS = 30


def _score(cp: int | None) -> str:
    return "—" if cp is None else f"{cp / 100:.2f}"


def _bars(font: str, bars: list[Bar], width: float) -> Drawing:
    shown = bars[:MAX_BARS]
    row, label_w = 14, 62 * mm
    drawing = Drawing(width, row * len(shown) + 4)
    for i, bar in enumerate(shown):
        y = row * (len(shown) - i - 1)
        length = (width - label_w - 40) * bar.score_cp / 10_000
        drawing.add(String(0, y + 3, bar.label[:22], fontName=font, fontSize=8))
        drawing.add(Rect(label_w, y + 2, length, row - 5, fillColor=BAR_COLOR, strokeColor=None))
        drawing.add(
            String(label_w + length + 3, y + 3, _score(bar.score_cp), fontName=font, fontSize=8)
        )
    return drawing


LINE_COLORS = ("#b22a2a", "#d9822b", "#2b7bb9", "#3a9a5b", "#7a4fb0", "#777777")


def _trend_lines(font: str, data: Trend, width: float) -> Drawing:
    """The leading organizations' scores over the periods: one coloured line each, the
    legend beside it, grid lines at 60, 75 and 85 (the grade boundaries' defaults) and 100."""
    height, left, bottom, legend = 150, 24, 18, 44 * mm
    plot_w, plot_h = width - left - legend, height - bottom - 8
    steps = max(1, len(data.periods) - 1)
    drawing = Drawing(width, height)

    def x(i: int) -> float:
        return left + plot_w * (i / steps if len(data.periods) > 1 else 0.5)

    def y(cp: int) -> float:
        return bottom + plot_h * cp / 10_000

    for mark in (0, 60, 75, 85, 100):
        drawing.add(
            Line(left, y(mark * 100), left + plot_w, y(mark * 100), strokeColor=colors.lightgrey)
        )
        drawing.add(String(2, y(mark * 100) - 3, str(mark), fontName=font, fontSize=7))
    for i, label in enumerate(data.periods):
        drawing.add(String(x(i), 2, label, fontName=font, fontSize=7, textAnchor="middle"))
    for n, series in enumerate(data.series):
        color = colors.HexColor(LINE_COLORS[n % len(LINE_COLORS)])
        points = [(x(i), y(p)) for i, p in enumerate(series.points) if p is not None]
        if len(points) > 1:
            flat = [c for point in points for c in point]
            drawing.add(PolyLine(flat, strokeColor=color, strokeWidth=1.5))
        for px, py in points:
            drawing.add(Circle(px, py, 2, fillColor=color, strokeColor=None))
        ly = height - 12 - 12 * n
        drawing.add(Rect(width - legend + 6, ly, 7, 7, fillColor=color, strokeColor=None))
        drawing.add(String(width - legend + 16, ly, series.label[:12], fontName=font, fontSize=7))
    return drawing


def _trend_rows(data: Trend) -> list[list[str]]:
    return [["党组织", *data.periods]] + [
        [s.label, *(_score(p) for p in s.points)] for s in data.series
    ]


def round_report_pdf(session: Session, round_: AppraisalRound, printed_on: date) -> bytes:
    subjects = ranking(session, round_)
    bars = comparison(session, round_)
    history = trend(session, round_)
    rows = [["名次", "考核对象", "指标得分", "综合得分", "等次", "说明"]]
    for s in subjects:
        note = "沿用上期" if not s.sampled else ("重点检查" if s.always_checked else "")
        rows.append(
            [
                str(s.rank or ""),
                subject_name(s),
                _score(s.indicator_cp),
                _score(s.score_cp),
                s.grade or "",
                note,
            ]
        )
    counts = {
        g: sum(1 for s in subjects if s.grade == g) for g in ("优秀", "良好", "合格", "不合格")
    }
    summary = "；".join(f"{g}{n}个" for g, n in counts.items())
    title = f"{round_.title}结果分析报告"
    texts = [
        title,
        round_.org.name,
        summary,
        "名次考核对象指标得分综合得分等次说明沿用上期重点检查",
    ]
    texts += ["一、排名与等次二、得分比较三、得分趋势党组织打印日期：年月日共个"]
    texts += [c for r in rows for c in r] + [c for r in _trend_rows(history) for c in r]
    buffer = io.BytesIO()
    with embedded_font(texts) as font:
        body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
        head = ParagraphStyle("head", parent=body, fontSize=16, leading=24, alignment=TA_CENTER)
        section = ParagraphStyle("section", parent=body, fontSize=12, leading=20)
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title
        )
        width = A4[0] - 36 * mm
        story = [
            Paragraph(title, head),
            Paragraph(f"{round_.org.name}　打印日期：{printed_on:%Y年%m月%d日}", body),
            Paragraph(f"共{len(subjects)}个考核对象：{summary}", body),
            Spacer(1, 4 * mm),
            Paragraph("一、排名与等次", section),
            _table(font, rows, [12 * mm, 62 * mm, 22 * mm, 22 * mm, 16 * mm, 22 * mm]),
            Spacer(1, 4 * mm),
            Paragraph("二、得分比较", section),
            _bars(font, bars, width),
        ]
        if history.periods:
            story += [
                Spacer(1, 4 * mm),
                Paragraph("三、得分趋势", section),
                _trend_lines(font, history, width),
                Spacer(1, 2 * mm),
                _table(font, _trend_rows(history), None),
            ]
        doc.build(story)
    return buffer.getvalue()


def _table(font: str, rows: list[list[str]], widths: list[float] | None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e9e4")),
            ]
        )
    )
    return table
