"""The progress report ("bilan de progression") as an A4 PDF, in French, built with reportlab.

Standard PDF fonts (Helvetica, WinAnsi encoding) cover French text; no font file is needed.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from nexus.clock import to_paris
from nexus.content.labels import level_label, subject_label
from nexus.language import formats
from nexus.reports.chart import marks_chart
from nexus.reports.services import ReportData

NAVY = colors.HexColor("#1F3A5F")
ACCENT = colors.HexColor("#2E86AB")
PALE = colors.HexColor("#F2F5F9")
LINE = colors.HexColor("#D9E1EA")
MUTED = colors.HexColor("#6B7C8F")
MARGIN = 18 * mm
TRENDS = {
    "up": "En hausse",
    "down": "En baisse",
    "stable": "Stable",
    "insufficient_data": "—",
}
_BASE = getSampleStyleSheet()
STYLES = {
    "name": ParagraphStyle(
        "name", _BASE["Title"], fontSize=20, leading=24, textColor=NAVY, alignment=0, spaceAfter=2
    ),
    "sub": ParagraphStyle("sub", _BASE["Normal"], fontSize=10.5, textColor=MUTED, spaceAfter=8),
    "h2": ParagraphStyle(
        "h2",
        _BASE["Heading2"],
        fontSize=13,
        textColor=NAVY,
        spaceBefore=12,
        spaceAfter=6,
        keepWithNext=1,
    ),
    "body": ParagraphStyle("body", _BASE["Normal"], fontSize=9.5, leading=13),
    "cell": ParagraphStyle("cell", _BASE["Normal"], fontSize=8.5, leading=11),
    "muted": ParagraphStyle("muted", _BASE["Normal"], fontSize=9, textColor=MUTED),
    "figure": ParagraphStyle(
        "figure",
        _BASE["Normal"],
        fontSize=17,
        leading=20,
        textColor=NAVY,
        alignment=TA_CENTER,
        fontName="Helvetica-Bold",
    ),
    "caption": ParagraphStyle(
        "caption", _BASE["Normal"], fontSize=8, textColor=MUTED, alignment=TA_CENTER
    ),
}


def _num(value: float, digits: int) -> str:
    """A French figure: ``12,5``."""
    return formats.number(value, digits, "fr")


def _date(value: date) -> str:
    """A French date: ``05/06/2027``."""
    return formats.short_date(value, "fr")


def render(data: ReportData) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=30 * mm,
        bottomMargin=20 * mm,
        title=f"Bilan de progression — {data.student_name}",
        author="Nexus Réussite",
        subject=f"Période du {_date(data.start)} au {_date(data.end)}",
    )

    def decorate(canvas: Canvas, doc: Any) -> None:
        _page_frame(canvas, doc, data)

    document.build(_story(data, document.width), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _page_frame(canvas: Canvas, doc: Any, data: ReportData) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(NAVY)
    canvas.rect(0, height - 20 * mm, width, 20 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(MARGIN, height - 12.5 * mm, "Nexus Réussite")
    canvas.setFont("Helvetica", 10)
    canvas.drawRightString(width - MARGIN, height - 12.5 * mm, "Bilan de progression")
    canvas.setStrokeColor(LINE)
    canvas.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont("Helvetica", 7.5)
    generated = to_paris(data.generated_at)
    canvas.drawString(
        MARGIN,
        9 * mm,
        f"Document confidentiel — {data.student_name} — généré le {_date(generated.date())} "
        f"à {formats.clock(generated, 'fr')}",
    )
    canvas.drawRightString(width - MARGIN, 9 * mm, f"Page {doc.page}")
    canvas.restoreState()


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text), STYLES[style])


def _table(rows: list[list[Any]], widths: list[float], numeric_from: int = 99) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _story(data: ReportData, width: float) -> list[Any]:
    period = f"du {_date(data.start)} au {_date(data.end)}"
    story: list[Any] = [
        _p(data.student_name, "name"),
        _p(f"Niveau : {level_label(data.level)} · Période {period}", "sub"),
        _key_figures(data, width),
        _p("Assiduité", "h2"),
        *_attendance(data, width),
        _p("Résultats par matière", "h2"),
    ]
    if not data.subjects:
        story.append(_p("Aucune évaluation sur la période.", "muted"))
        return story + _comments(data)
    story += [
        _subjects_table(data, width),
        Spacer(1, 10),
        KeepTogether(
            [
                _p("Évolution des notes", "h2"),
                marks_chart(data.subjects, data.start, data.end, width),
            ]
        ),
        KeepTogether([_p("Points forts et points à travailler", "h2"), _chapters(data, width)]),
        _p("Détail des évaluations", "h2"),
        _assessments_table(data, width),
    ]
    return story + _comments(data)


def _key_figures(data: ReportData, width: float) -> Table:
    average = data.overall_average
    attended = data.attendance.get("present", 0) + data.attendance.get("late", 0)
    figures = [
        (
            f"{_num(average, 2)}/20" if average is not None else "—",
            "Moyenne générale",
        ),
        (str(len(data.assessments)), "Évaluations"),
        (f"{attended}/{data.sessions_total}", "Séances suivies"),
        (str(data.attendance.get("absent", 0)), "Absences"),
    ]
    cells = [
        [Paragraph(escape(value), STYLES["figure"]) for value, _ in figures],
        [Paragraph(escape(label), STYLES["caption"]) for _, label in figures],
    ]
    table = Table(cells, colWidths=[width / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT),
                ("TOPPADDING", (0, 0), (-1, 0), 9),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
                ("LINEAFTER", (0, 0), (-2, -1), 0.6, colors.white),
            ]
        )
    )
    return table


def _attendance(data: ReportData, width: float) -> list[Any]:
    counts = data.attendance
    header = ["Séances passées", "Présent", "En retard", "Absent", "Non renseigné"]
    values = [
        data.sessions_total,
        counts["present"],
        counts["late"],
        counts["absent"],
        counts["unmarked"],
    ]
    table = _table([header, [str(v) for v in values]], [width / 5] * 5)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    flowables: list[Any] = [table]
    marked = data.sessions_total - counts["unmarked"]
    if marked:
        rate = round(100 * (counts["present"] + counts["late"]) / marked)
        flowables += [
            Spacer(1, 4),
            _p(f"Taux de présence : {rate} % des séances pointées.", "muted"),
        ]
    return flowables


def _subjects_table(data: ReportData, width: float) -> Table:
    rows: list[list[Any]] = [["Matière", "Moyenne /20", "Notes", "Tendance", "Dernière note"]]
    for stats in data.subjects:
        last = stats.marks[-1]
        rows.append(
            [
                subject_label(stats.subject),
                _num(stats.average, 2),
                str(stats.count),
                TRENDS[stats.trend.direction],
                f"{_num(last.on_20, 1)}/20 le {_date(last.assessed_on)}",
            ]
        )
    return _table(rows, [0.26 * width, 0.16 * width, 0.12 * width, 0.18 * width, 0.28 * width], 1)


def _chapters(data: ReportData, width: float) -> Table:
    strong = [c for c in reversed(data.chapters) if c.status == "strength"]
    weak = [c for c in data.chapters if c.status == "weakness"]

    def lines(items: list[Any], empty: str) -> list[Paragraph]:
        if not items:
            return [_p(empty, "muted")]
        return [
            _p(
                f"{subject_label(c.subject)} — {c.chapter} : {_num(c.average, 1)}/20",
                "body",
            )
            for c in items
        ]

    rows: list[list[Any]] = [
        ["Points forts (14/20 et plus)", "À retravailler (moins de 10/20)"],
        [
            lines(strong, "Pas encore de chapitre à 14/20."),
            lines(weak, "Aucun chapitre sous 10/20."),
        ],
    ]
    table = _table(rows, [width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 1), (-1, -1), "TOP"), ("BACKGROUND", (0, 1), (-1, -1), colors.white)]
        )
    )
    return table


def _assessments_table(data: ReportData, width: float) -> Table:
    rows: list[list[Any]] = [["Date", "Matière", "Chapitre", "Note", "Sur 20", "Enseignant"]]
    for line in data.assessments:
        rows.append(
            [
                _date(line.assessed_on),
                subject_label(line.subject),
                _p(line.chapter),
                f"{_num(line.score, 2)}/{_num(line.max_score, 2)}",
                _num(line.on_20, 2),
                _p(line.teacher_name or "—"),
            ]
        )
    widths = [0.13, 0.17, 0.30, 0.11, 0.09, 0.20]
    return _table(rows, [w * width for w in widths], 3)


def _comments(data: ReportData) -> list[Any]:
    flowables: list[Any] = [_p("Commentaires des enseignants", "h2")]
    if not data.comments:
        return flowables + [_p("Aucun commentaire sur la période.", "muted")]
    for line in data.comments:
        author = line.teacher_name or "Équipe pédagogique"
        heading = (
            f"<b>{escape(_date(line.assessed_on))} — {escape(subject_label(line.subject))}"
            f"</b> · {escape(line.chapter)} · <i>{escape(author)}</i>"
        )
        flowables.append(
            KeepTogether(
                [
                    Paragraph(heading, STYLES["body"]),
                    Paragraph(f"« {escape(line.comment.strip())} »", STYLES["body"]),
                    Spacer(1, 5),
                ]
            )
        )
    return flowables
