"""Titles, chapters and names sort the French way (nexus.language.collation), on the suite's backend:
accents and case do not send a word after "z"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.language.collation import sqlite_compare
from tests.factories import insights as f
from tests.support.api import Api

FRENCH_ORDER = ["abaque", "Dérivées", "Donne-moi", "énergie", "Énigme", "Zèbre"]


def test_titles_and_chapters_sort_in_french(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    for title in reversed(FRENCH_ORDER):
        f.content(session, title, chapter=title)
    session.commit()
    for sort, expected in (("title", FRENCH_ORDER), ("-title", FRENCH_ORDER[::-1])):
        body = api.get(f"/api/v1/content?sort={sort}&page_size=50", student).get_json()
        assert [i["title"] for i in body["items"]] == expected
    body = api.get("/api/v1/content?sort=chapter&page_size=50", student).get_json()
    assert [i["chapter"] for i in body["items"]] == FRENCH_ORDER


def test_a_parents_children_sort_in_french(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    for name in ("Zoé", "Élodie", "emma", "Bastien"):
        f.link(session, parent.id, f.student(session, name))
    session.commit()
    body = api.get("/api/v1/dashboards/parent", parent).get_json()
    assert [c["student_name"].split()[0] for c in body["children"]] == [
        "Bastien",
        "Élodie",
        "emma",
        "Zoé",
    ]


def test_the_sqlite_collation_is_total_and_french() -> None:
    assert sqlite_compare("Dérivées", "Donne-moi") < 0
    assert sqlite_compare("éclair", "Zèbre") < 0
    assert sqlite_compare("Élan", "élan") != 0  # equal first, told apart by the exact text
    assert sqlite_compare("élan", "élan") == 0
