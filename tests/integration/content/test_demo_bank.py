"""The French starter bank loaded by ``nexus seed-demo``: size, coverage, quality, idempotence."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts import services as accounts
from nexus.content.models import ContentItem
from nexus.content.search import search_content
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.demo import content, seed_demo

FRENCH_WORDS = frozenset("le la les de des du un une et est en dans pour que qui sur par".split())
SUBJECTS = (Subject.NSI, Subject.MATHEMATIQUES, Subject.PHYSIQUE_CHIMIE)
LEVELS = (Level.PREMIERE, Level.TERMINALE)


def _seed(app: Flask, session: Session) -> None:
    with app.app_context():
        seed_demo(session)
    session.commit()


def _items(session: Session) -> list[ContentItem]:
    return list(session.scalars(select(ContentItem).order_by(ContentItem.slug)))


def _snapshot(session: Session) -> list[dict[str, Any]]:
    session.expire_all()
    columns = [c.key for c in ContentItem.__table__.columns]
    return [{name: getattr(item, name) for name in columns} for item in _items(session)]


def _looks_french(text: str) -> bool:
    """Enough French function words once formulas and code are set aside."""
    prose = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", " ", text, flags=re.S)
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]{2,}", prose.lower())
    return len([w for w in words if w in FRENCH_WORDS]) >= 0.08 * len(words)


def test_the_bank_is_large_covers_every_class_and_is_french(app: Flask, session: Session) -> None:
    _seed(app, session)
    items = _items(session)
    assert len(items) >= 60
    cells = Counter((i.subject, i.level, i.kind) for i in items)
    for subject in SUBJECTS:
        for level in LEVELS:
            for kind in ContentKind:
                assert cells[(subject, level, kind)] >= 1, (subject, level, kind)
    for item in items:
        assert 1 <= item.difficulty <= 5
        assert item.summary and _looks_french(item.summary), item.slug
        assert _looks_french(item.body), item.slug
        assert 40 <= len(item.body.split()) <= 300, item.slug
        assert item.search_terms and item.title_terms and item.chapter_terms
        if item.kind == ContentKind.EXERCISE:
            assert item.solution and _looks_french(item.solution), item.slug
        else:
            assert item.solution is None and not item.solution_published
    assert any(i.solution_published for i in items) and any(
        i.kind == ContentKind.EXERCISE and not i.solution_published for i in items
    )


def test_items_are_authored_by_the_subject_teacher(app: Flask, session: Session) -> None:
    _seed(app, session)
    for subject, email in content.AUTHOR_EMAILS.items():
        teacher = accounts.find_by_email(session, email)
        assert teacher is not None
        authors = set(
            session.scalars(select(ContentItem.author_id).where(ContentItem.subject == subject))
        )
        assert authors == {teacher.id}


def test_seeding_twice_changes_nothing(app: Flask, session: Session) -> None:
    _seed(app, session)
    before = _snapshot(session)
    _seed(app, session)
    assert _snapshot(session) == before


def test_a_reseed_restores_changed_texts_but_keeps_the_teachers_choices(
    app: Flask, session: Session
) -> None:
    _seed(app, session)
    count = session.scalar(select(func.count()).select_from(ContentItem))
    lesson = session.scalars(select(ContentItem).where(ContentItem.slug == "recursivite")).one()
    exercise = session.scalars(
        select(ContentItem).where(ContentItem.slug == "implementer-une-liste-chainee")
    ).one()
    original_title, stamp = lesson.title, lesson.updated_at
    lesson.title = "Titre modifié à la main"
    lesson.kind = ContentKind.EXERCISE
    lesson.solution, lesson.solution_published = "Une solution", True
    exercise.solution_published = False  # a teacher withdrew the solution
    session.commit()

    _seed(app, session)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ContentItem)) == count
    assert (lesson.title, lesson.kind, lesson.solution) == (
        original_title,
        ContentKind.LESSON,
        None,
    )
    assert lesson.solution_published is False
    assert lesson.updated_at >= stamp and " recurs " in lesson.title_terms
    assert exercise.solution_published is False


def test_without_demo_teachers_items_have_no_author_until_they_exist(
    app: Flask, session: Session
) -> None:
    with app.app_context():
        content.seed(session)
    session.commit()
    assert set(session.scalars(select(ContentItem.author_id))) == {None}
    _seed(app, session)
    assert None not in set(session.scalars(select(ContentItem.author_id)))


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("les listes chaînées en Python", "listes-chainees-python"),
        ("la dérivée d'un produit", "derivee-d-un-produit-et-d-un-quotient"),
        ("dériver un quotient", "derivee-d-un-produit-et-d-un-quotient"),
        ("Comment calculer un pH ?", "calculer-un-ph-acide-fort-acide-faible"),
        ("loi binomiale", "loi-binomiale"),
        ("récursivité", "recursivite"),
        ("théorème des valeurs intermédiaires", "continuite-theoreme-des-valeurs-intermediaires"),
        ("relation de conjugaison", "lentilles-minces-convergentes"),
        ("requêtes SQL jointure", "requetes-sql-bibliotheque"),
        ("charge d'un condensateur", "circuit-rc-charge-decharge"),
    ],
)
def test_the_bank_answers_typical_student_questions(
    app: Flask, session: Session, query: str, slug: str
) -> None:
    _seed(app, session)
    hits = search_content(session, query, limit=3)
    assert hits and hits[0].item.slug == slug, [(h.item.slug, h.score) for h in hits]


def test_every_form_of_derivee_finds_the_derivation_chapter(app: Flask, session: Session) -> None:
    _seed(app, session)
    for query in ("dérivées", "derivee", "dériver", "dérivons"):
        hits = search_content(session, query, limit=5)
        assert {h.item.chapter for h in hits} == {"Dérivation"}, query


def test_the_seed_command_loads_the_bank(app: Flask, session: Session) -> None:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(ContentItem)) >= 60


def test_bank_files_are_validated_like_api_input(tmp_path: Path) -> None:
    entry = {
        "kind": "lesson",
        "title": "Sans clé",
        "subject": "nsi",
        "level": "premiere",
        "chapter": "Test",
        "body": "Un texte.",
    }
    (tmp_path / "a.json").write_text(json.dumps([entry]), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    with pytest.raises(ValueError, match="without a slug"):
        content.load_bank(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps([{**entry, "difficulty": 9}]), encoding="utf-8")
    with pytest.raises(ValidationError):
        content.load_bank(tmp_path)
