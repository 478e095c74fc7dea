"""A small corpus whose words exercise the French search (plurals, verbs, accents, fields)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject
from tests.factories.content import ContentItemFactory


@pytest.fixture()
def corpus(session: Session) -> dict[str, ContentItem]:
    maths, nsi = Subject.MATHEMATIQUES, Subject.NSI
    items = {
        "derivee-produit": ContentItemFactory(
            slug="derivee-produit",
            title="Dérivée d'un produit",
            chapter="Dérivation",
            subject=maths,
            level=Level.PREMIERE,
            difficulty=3,
            body="La formule (uv)' = u'v + uv' se démontre avec le taux d'accroissement.",
        ),
        "etude-fonction": ContentItemFactory(
            slug="etude-fonction",
            kind=ContentKind.EXERCISE,
            title="Étudier une fonction rationnelle",
            chapter="Fonctions",
            subject=maths,
            level=Level.PREMIERE,
            difficulty=2,
            body="Calculer la dérivée de f puis dresser son tableau de variations.",
            solution="f'(x) = 7 / (x + 2)².",
        ),
        "fiche-deriver": ContentItemFactory(
            slug="fiche-deriver",
            kind=ContentKind.REVISION_SHEET,
            title="Fiche : dériver sans erreur",
            chapter="Dérivation",
            subject=maths,
            level=Level.TERMINALE,
            difficulty=2,
            body="Les formules à connaître par cœur.",
        ),
        "listes-chainees": ContentItemFactory(
            slug="listes-chainees",
            title="Listes chaînées",
            chapter="Structures de données",
            subject=nsi,
            level=Level.TERMINALE,
            difficulty=3,
            body="Un maillon contient une valeur et une référence vers le suivant.",
        ),
        "listes-tableaux": ContentItemFactory(
            slug="listes-tableaux",
            title="Listes et tableaux en Python",
            chapter="Tableaux",
            subject=nsi,
            level=Level.PREMIERE,
            difficulty=1,
            body="Une liste Python se parcourt avec une boucle for.",
        ),
        "suites-geometriques": ContentItemFactory(
            slug="suites-geometriques",
            title="Les suites géométriques",
            chapter="Suites numériques",
            subject=maths,
            level=Level.PREMIERE,
            difficulty=2,
            body="Chaque terme s'obtient en multipliant le précédent par la raison q.",
        ),
    }
    session.commit()
    return items
