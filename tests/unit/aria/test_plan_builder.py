from __future__ import annotations

from datetime import date

from nexus.aria.plan_builder import BookedSession, Focus, build_weeks, offline_summary, week_count
from nexus.content.vocabulary import Subject

TODAY = date(2026, 11, 26)


def _focus(chapter: str, mark: float | None = 8.0) -> Focus:
    return Focus(Subject.MATHEMATIQUES, chapter, mark, ())


def test_week_count_follows_the_exam_date_within_bounds() -> None:
    assert week_count(TODAY, date(2026, 12, 10), None) == 2
    assert week_count(TODAY, date(2028, 6, 1), None) == 26
    assert week_count(TODAY, None, None) == 8
    assert week_count(TODAY, date(2026, 1, 1), None) == 8  # a past exam is ignored
    assert week_count(TODAY, date(2026, 12, 10), 5) == 5


def test_more_chapters_than_weeks_share_the_weeks() -> None:
    focuses = [_focus(c) for c in ("A", "B", "C", "D", "E")]
    weeks = build_weeks(TODAY, 3, focuses, [], date(2026, 12, 17))
    assert [[f["chapter"] for f in w["focus"]] for w in weeks] == [
        ["A", "B", "C"],
        ["D", "E", "A"],
        ["A", "B", "C"],
    ]
    assert weeks[-1]["theme"] == "Révisions générales avant l'examen"
    assert weeks[0]["starts_on"] == "2026-11-26" and weeks[0]["ends_on"] == "2026-12-02"
    assert weeks[0]["tasks"][0] == "Revoir le chapitre « A » et noter les points difficiles."


def test_without_chapters_the_weeks_are_regular_work_and_sessions_still_show() -> None:
    session = BookedSession(
        7, "Maths", Subject.MATHEMATIQUES, date(2026, 12, 4), "2026-12-04T16:00:00+00:00"
    )
    weeks = build_weeks(TODAY, 2, [], [session], None)
    assert [w["theme"] for w in weeks] == ["Travail régulier", "Travail régulier"]
    assert weeks[1]["sessions"][0]["id"] == 7
    assert (
        weeks[1]["tasks"][-1]
        == "Préparer tes questions pour la séance « Maths » du 4 décembre 2026."
    )
    assert offline_summary(2, None, []).endswith("un planning de travail régulier.")
    assert offline_summary(1, None, []).startswith("Planning de 1 semaine pour")
