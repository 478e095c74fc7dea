"""The marks-over-time chart of the report: one line per subject, vector graphics (reportlab)."""

from __future__ import annotations

from datetime import date, timedelta

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from nexus.assessments.progress import SubjectStats
from nexus.content.labels import subject_label

CHART_TITLE = "Notes sur 20 par matière"
SUBJECT_COLOURS = {
    "mathematiques": colors.HexColor("#2E86AB"),
    "nsi": colors.HexColor("#E07A5F"),
    "physique_chimie": colors.HexColor("#3D9970"),
    "svt": colors.HexColor("#8E6C8A"),
    "francais": colors.HexColor("#D4A017"),
    "philosophie": colors.HexColor("#5C6B73"),
}
FALLBACK_COLOUR = colors.HexColor("#1F3A5F")
GRID = colors.HexColor("#D9E1EA")
TEXT = colors.HexColor("#33475B")


def marks_chart(subjects: list[SubjectStats], start: date, end: date, width: float) -> Drawing:
    """x: days since ``start`` (labelled dd/mm), y: mark /20; a legend under the plot."""
    height = 210.0
    drawing = Drawing(width, height)
    drawing.add(
        String(0, height - 12, CHART_TITLE, fontName="Helvetica-Bold", fontSize=10, fillColor=TEXT)
    )
    span = max((end - start).days, 1)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 56, width - 52, height - 84
    plot.data = [
        [((m.assessed_on - start).days, round(m.on_20, 2)) for m in stats.marks]
        for stats in subjects
    ]
    for index, stats in enumerate(subjects):
        colour = SUBJECT_COLOURS.get(stats.subject, FALLBACK_COLOUR)
        line = plot.lines[index]
        line.strokeColor = colour
        line.strokeWidth = 1.6
        line.symbol = makeMarker("FilledCircle", size=4.5, fillColor=colour, strokeColor=colour)
    _axes(plot, start, span)
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = plot.x, 18
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.fontName, legend.fontSize = "Helvetica", 8.5
    legend.fillColor = TEXT
    legend.colorNamePairs = [
        (SUBJECT_COLOURS.get(s.subject, FALLBACK_COLOUR), subject_label(s.subject))
        for s in subjects
    ]
    drawing.add(legend)
    return drawing


def _axes(plot: LinePlot, start: date, span: int) -> None:
    y_axis = plot.yValueAxis
    y_axis.valueMin, y_axis.valueMax, y_axis.valueStep = 0, 20, 5
    y_axis.visibleGrid = True
    y_axis.gridStrokeColor = GRID
    y_axis.gridStrokeWidth = 0.5
    y_axis.labels.fontName, y_axis.labels.fontSize = "Helvetica", 8
    y_axis.labels.fillColor = TEXT
    y_axis.strokeColor = GRID

    x_axis = plot.xValueAxis
    step = max(1, round(span / 6))
    x_axis.valueMin, x_axis.valueMax = 0, span
    x_axis.valueSteps = list(range(0, span + 1, step))
    x_axis.labelTextFormat = lambda days: f"{start + timedelta(days=int(days)):%d/%m}"
    x_axis.labels.fontName, x_axis.labels.fontSize = "Helvetica", 8
    x_axis.labels.fillColor = TEXT
    x_axis.strokeColor = GRID
