"""ARIA's world: a small realistic bank of French items."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject
from tests.factories.content import ContentItemFactory

LINKED_LIST_SOLUTION = (
    "class Maillon:\n    def __init__(self, valeur, suivant=None):\n"
    "        self.valeur = valeur\n        self.suivant = suivant\n\n"
    "def longueur(liste):\n    n = 0\n    while liste is not None:\n"
    "        n = n + 1\n        liste = liste.suivant\n    return n\n"
    "La fonction parcourt chaque maillon en suivant le lien jusqu'à None et renvoie 3 pour "
    "la liste 1 -> 2 -> 3."
)
PRODUCT_SOLUTION = (
    "On pose u(x) = x² + 1 et v(x) = 3x − 2, donc u'(x) = 2x et v'(x) = 3. "
    "Alors f'(x) = 2x(3x − 2) + 3(x² + 1) = 9x² − 4x + 3, donc f'(1) = 8 exactement."
)


@dataclass
class Bank:
    linked_list_lesson: ContentItem
    linked_list_exercise: ContentItem
    stacks_lesson: ContentItem
    product_lesson: ContentItem
    product_exercise: ContentItem
    sequences_lesson: ContentItem
    sequences_exercise: ContentItem
    newton_sheet: ContentItem


def starter_bank(session: Session) -> Bank:
    """Eight French items across NSI, maths and physics, like the real bank's."""
    bank = Bank(
        linked_list_lesson=ContentItemFactory(
            title="Listes chaînées en Python",
            subject=Subject.NSI,
            level=Level.TERMINALE,
            chapter="Structures de données",
            summary="Une liste chaînée relie des maillons : chacun contient une valeur et "
            "une référence vers le maillon suivant.",
            body="Une liste chaînée est une structure de données linéaire formée de maillons. "
            "Chaque maillon contient une valeur et une référence vers le maillon suivant; le "
            "dernier maillon pointe vers None. En Python, on représente un maillon par une "
            "classe Maillon avec deux attributs, valeur et suivant. Insérer en tête coûte un "
            "temps constant, alors qu'accéder au i-ème élément demande de parcourir la liste. "
            "Pour parcourir une liste chaînée, on part de la tête et on suit les références "
            "jusqu'à rencontrer None.",
        ),
        linked_list_exercise=ContentItemFactory(
            kind=ContentKind.EXERCISE,
            title="Longueur d'une liste chaînée",
            subject=Subject.NSI,
            level=Level.TERMINALE,
            chapter="Structures de données",
            difficulty=2,
            summary="Écrire une fonction récursive ou itérative qui compte les maillons.",
            body="On dispose de la classe Maillon vue en cours.\n"
            "1. Construire la liste chaînée 1 -> 2 -> 3.\n"
            "2. Écrire une fonction longueur(liste) qui renvoie le nombre de maillons ?\n"
            "3. Quelle est la complexité de votre fonction ?",
            solution=LINKED_LIST_SOLUTION,
        ),
        stacks_lesson=ContentItemFactory(
            title="Piles et files",
            subject=Subject.NSI,
            level=Level.TERMINALE,
            chapter="Structures de données",
            summary="Piles (LIFO) et files (FIFO) : interface et implémentations.",
            body="Une pile suit le principe dernier entré, premier sorti. Une file suit le "
            "principe premier entré, premier sorti. On peut implémenter une pile avec une "
            "liste Python ou avec une liste chaînée.",
        ),
        product_lesson=ContentItemFactory(
            title="Dérivée d'un produit",
            subject=Subject.MATHEMATIQUES,
            level=Level.PREMIERE,
            chapter="Dérivation",
            summary="La dérivée de u×v est u'v + uv'.",
            body="Si u et v sont deux fonctions dérivables sur un intervalle I, alors le "
            "produit uv est dérivable sur I et (uv)' = u'v + uv'. Attention : la dérivée d'un "
            "produit n'est pas le produit des dérivées. Pour dériver un produit, on identifie "
            "u et v, on calcule u' et v', puis on applique la formule.",
        ),
        product_exercise=ContentItemFactory(
            kind=ContentKind.EXERCISE,
            title="Dériver un produit de fonctions",
            subject=Subject.MATHEMATIQUES,
            level=Level.PREMIERE,
            chapter="Dérivation",
            difficulty=2,
            summary="Appliquer la formule de la dérivée d'un produit.",
            body="Soit f définie sur R par f(x) = (x² + 1)(3x − 2).\n"
            "1. Identifier deux fonctions u et v telles que f = uv.\n"
            "2. Calculer f'(x).\n"
            "3. En déduire f'(1) ?",
            solution=PRODUCT_SOLUTION,
        ),
        sequences_lesson=ContentItemFactory(
            title="Suites arithmétiques et géométriques",
            subject=Subject.MATHEMATIQUES,
            level=Level.PREMIERE,
            chapter="Suites numériques",
            summary="Reconnaître une suite arithmétique ou géométrique et calculer un terme.",
            body="Une suite arithmétique vérifie u(n+1) = u(n) + r. Une suite géométrique "
            "vérifie u(n+1) = q × u(n). Le terme général s'écrit u(n) = u(0) + nr ou "
            "u(n) = u(0) × q^n.",
        ),
        sequences_exercise=ContentItemFactory(
            kind=ContentKind.EXERCISE,
            title="Placement à intérêts composés",
            subject=Subject.MATHEMATIQUES,
            level=Level.PREMIERE,
            chapter="Suites numériques",
            summary="Modéliser un placement par une suite géométrique.",
            body="Un capital de 1000 euros est placé à 3 % par an.\n"
            "1. Exprimer le capital au bout de n années ?",
            solution="C(n) = 1000 × 1,03^n.",
        ),
        newton_sheet=ContentItemFactory(
            kind=ContentKind.REVISION_SHEET,
            title="Fiche : les lois de Newton",
            subject=Subject.PHYSIQUE_CHIMIE,
            level=Level.TERMINALE,
            chapter="Mécanique",
            summary="Les trois lois de Newton en une page.",
            body="Première loi : principe d'inertie. Deuxième loi : la somme des forces est "
            "égale à m fois l'accélération. Troisième loi : actions réciproques.",
        ),
    )
    session.commit()
    return bank
