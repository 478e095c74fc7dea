"""The progress arithmetic: trends, falling-average alerts, strengths and weaknesses."""

from __future__ import annotations

from datetime import date

from nexus.assessments import progress
from nexus.assessments.progress import ChapterStats, Mark
from nexus.content.labels import level_label, subject_label
from nexus.language import formats


def test_trend_compares_the_last_three_marks_with_the_three_before() -> None:
    assert progress.trend_of([10, 12, 14]).direction == "insufficient_data"
    assert progress.trend_of([9, 10, 10, 10]) == progress.Trend("up", 1.0)
    assert progress.trend_of([12, 12, 12, 11.5, 11.5, 11.5]) == progress.Trend("stable", -0.5)
    # Only the last six marks matter.
    assert progress.trend_of([0, 0, 15, 15, 15, 12, 12, 12]) == progress.Trend("down", -3.0)


def test_falling_alert_needs_a_two_point_drop() -> None:
    assert progress.falling([14, 14, 14, 12.5, 12.5, 12.5]) is None
    assert progress.falling([14, 14, 14, 12, 12, 12]) == (12, 14)
    assert progress.falling([14, 12]) is None


def test_chapter_status_thresholds() -> None:
    assert ChapterStats("nsi", "Graphes", 14.0, 1).status == "strength"
    assert ChapterStats("nsi", "Graphes", 13.99, 1).status == "neutral"
    assert ChapterStats("nsi", "Graphes", 10.0, 1).status == "neutral"
    assert ChapterStats("nsi", "Graphes", 9.99, 1).status == "weakness"


def test_weakest_chapters_fall_back_to_the_lowest_non_strengths() -> None:
    good = ChapterStats("nsi", "Graphes", 16, 2)
    fair = ChapterStats("mathematiques", "Suites", 12, 2)
    fairer = ChapterStats("mathematiques", "Limites", 13, 2)
    weak = ChapterStats("mathematiques", "Probabilités", 7, 1)
    assert progress.weakest_chapters([good, fair, weak, fairer]) == [weak]
    assert progress.weakest_chapters([good, fairer, fair]) == [fair, fairer]
    assert progress.weakest_chapters([good]) == []


def test_chapters_are_grouped_whatever_their_case() -> None:
    day = date(2026, 10, 1)
    marks = [
        Mark(1, 7, "mathematiques", "Suites ", day, 8.0),
        Mark(2, 7, "mathematiques", "suites", day, 12.0),
        Mark(3, 7, "nsi", "Suites", day, 18.0),
    ]
    chapters = progress.by_chapter(marks)
    assert [(c.subject, c.chapter, c.average, c.count) for c in chapters] == [
        ("mathematiques", "Suites", 10.0, 2),
        ("nsi", "Suites", 18.0, 1),
    ]
    # Labelled by the least spelling, whatever the order of the marks.
    assert progress.by_chapter(reversed(marks)) == chapters


def test_the_general_average_is_the_mean_of_the_subject_averages() -> None:
    day = date(2026, 10, 1)
    marks = [
        Mark(1, 7, "mathematiques", "Suites", day, 8.0),
        Mark(2, 7, "mathematiques", "Suites", day, 12.0),
        Mark(3, 7, "mathematiques", "Limites", day, 10.0),
        Mark(4, 7, "nsi", "Graphes", day, 18.0),
    ]
    subjects = progress.by_subject(marks)
    assert [s.average for s in subjects] == [10.0, 18.0]
    # Each subject counts the same: (10 + 18) / 2, not the mean of the 4 marks (12).
    assert progress.general_average(s.average for s in subjects) == 14.0
    assert progress.general_average([]) is None


def test_french_labels_and_numbers() -> None:
    assert formats.number(12.5, 1, lang="fr") == "12,5"
    assert formats.number(14.0, 1, lang="fr") == "14"
    assert formats.number(13.333, 2, lang="fr") == "13,33"
    assert subject_label("physique_chimie") == "Physique-chimie"
    assert subject_label("latin") == "latin"
    assert level_label("premiere") == "Première"
    assert level_label(None) == "—"
