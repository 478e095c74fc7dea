"""The offline screen's lexicon: what students write when something is wrong, and the ordinary
school questions that share its words."""

from __future__ import annotations

import pytest

from nexus.aria.safety.answers import (
    CHILD_IN_DANGER,
    FIL_SANTE_JEUNES,
    SUICIDE_PREVENTION,
    safety_answer,
)
from nexus.aria.safety.screen import family_involved, lexicon_findings, normalise
from nexus.aria.safety.verdicts import Category, Finding, Screener, Severity, Verdict

ALARMING = [
    ("jveux mourir", Category.SELF_HARM, Severity.HIGH),
    ("Je veux mourir.", Category.SELF_HARM, Severity.HIGH),
    ("j'ai envie de mourir", Category.SELF_HARM, Severity.HIGH),
    ("jpense a me suicider", Category.SELF_HARM, Severity.HIGH),
    ("J’veux plus vivre", Category.SELF_HARM, Severity.HIGH),
    ("je veux en finir", Category.SELF_HARM, Severity.HIGH),
    ("je me scarifie le soir", Category.SELF_HARM, Severity.HIGH),
    ("tout le monde serait mieux sans moi", Category.SELF_HARM, Severity.HIGH),
    ("je veux mourrrrir", Category.SELF_HARM, Severity.HIGH),
    ("je me sens nul et seul", Category.SELF_HARM, Severity.MEDIUM),
    ("personne ne m'aime", Category.SELF_HARM, Severity.MEDIUM),
    ("PERSONNE M AIME", Category.SELF_HARM, Severity.MEDIUM),
    ("chui tellement seule", Category.SELF_HARM, Severity.MEDIUM),
    ("je me sens vraiment inutile", Category.SELF_HARM, Severity.MEDIUM),
    ("je vais le tuer demain", Category.VIOLENCE, Severity.HIGH),
    ("je vais tuer mon prof", Category.VIOLENCE, Severity.HIGH),
    ("mon père me frappe", Category.VIOLENCE, Severity.HIGH),
    ("je me fais frapper à la récré", Category.VIOLENCE, Severity.HIGH),
    ("mon oncle m'a violée", Category.SEXUAL, Severity.HIGH),
    ("envoie moi des nudes", Category.SEXUAL, Severity.MEDIUM),
    ("on me harcèle sur snap", Category.HARASSMENT, Severity.MEDIUM),
    ("je me fais insulter tous les jours", Category.HARASSMENT, Severity.MEDIUM),
    ("mon mail c'est lea.martin@example.fr", Category.PERSONAL_DATA, Severity.LOW),
    ("appelle moi au 06 12 34 56 78", Category.PERSONAL_DATA, Severity.LOW),
    ("j'habite au 12 rue des Lilas", Category.PERSONAL_DATA, Severity.LOW),
]

ORDINARY = [
    "Comment tuer un processus en NSI avec kill ?",
    "Pourquoi faut-il tuer les processus zombies sous Linux ?",
    "La fonction tend vers 0 en +∞, elle s'éteint : comment le prouver ?",
    "Exercice de chute libre : un objet tombe de 20 m, quelle est sa vitesse ?",
    "Quelle est la date de la mort de Louis XIV ?",
    "Combien de morts pendant la Première Guerre mondiale ?",
    "Le suicide de Durkheim en SES, c'est quoi la thèse ?",
    "Je suis nul en maths, tu peux m'expliquer les dérivées ?",
    "je suis seul à faire ce projet de NSI, comment m'organiser ?",
    "Je veux en finir avec cet exercice de probabilités",
    "Comment une cellule meurt-elle par apoptose ?",
    "La reproduction sexuée et le brassage génétique",
    "La Prusse a violé la neutralité belge en 1914 ?",
    "Le personnage meurt à la fin de la pièce, pourquoi ?",
    "Comment mettre fin à une boucle while en Python ?",
    "Frapper une balle : calcul de l'énergie cinétique transmise",
    "Le baiser dans le poème de Ronsard",
    "Comment détruire une liste chaînée proprement ?",
    "Je me sens prêt pour le bac de maths, tu me fais réviser ?",
    "Le harcèlement scolaire, sujet d'EMC : quels arguments ?",
    "Une variable aléatoire suit une loi normale de paramètres mu et sigma",
    "Je n'en peux plus de cette suite géométrique, aide-moi",
]


@pytest.mark.parametrize(("text", "category", "severity"), ALARMING)
def test_what_students_write_when_something_is_wrong_is_found(
    text: str, category: Category, severity: Severity
) -> None:
    assert Finding(category, severity) in lexicon_findings(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_school_questions_are_not_flagged(text: str) -> None:
    assert not lexicon_findings(text)


def test_normalising_reads_students_spelling() -> None:
    assert normalise("J’VEUX mourrrir…") == "je veux mourir"
    assert normalise("Chui perdue, personne ne m'écoute") == "je suis perdue persone ne m ecoute"


def test_the_most_serious_finding_chooses_the_answer() -> None:
    verdict = Verdict(
        (
            Finding(Category.PERSONAL_DATA, Severity.LOW),
            Finding(Category.HARASSMENT, Severity.MEDIUM),
            Finding(Category.SELF_HARM, Severity.MEDIUM),
        ),
        Screener.LEXICON,
    )
    assert verdict.worst == Finding(Category.SELF_HARM, Severity.MEDIUM)
    assert verdict.categories == ["harassment", "personal_data", "self_harm"]


def test_distress_gets_the_national_numbers_and_personal_data_a_reminder() -> None:
    distress = safety_answer(Finding(Category.SELF_HARM, Severity.HIGH))
    for number in (SUICIDE_PREVENTION, CHILD_IN_DANGER, FIL_SANTE_JEUNES, "Fil Santé Jeunes"):
        assert number in distress
    assert "prévenus" in distress
    reminder = safety_answer(Finding(Category.PERSONAL_DATA, Severity.LOW))
    assert "ne partage pas" in reminder and "prévenus" not in reminder


@pytest.mark.parametrize(
    ("text", "involved"),
    [
        ("mon beau-père me frappe", True),
        ("Ma mère m'a frappée hier soir", True),
        ("à la maison on me tape dessus", True),
        ("mon oncle m'a violée", True),
        ("il me frappe à la récré", False),  # nobody of the family named
        ("je vais le tuer ce mec du lycée", False),
        ("jveux mourir, ma mère comprend rien", False),  # distress: the parents are told
        ("mon père m'aide en maths", False),  # nothing alarming at all
    ],
)
def test_a_disclosure_naming_the_family_is_told_apart(text: str, involved: bool) -> None:
    assert family_involved(text, lexicon_findings(text)) is involved
