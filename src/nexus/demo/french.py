"""French vocabulary for generated demo data: names, chapters, teachers' comments."""

from __future__ import annotations

FIRST_NAMES = tuple(
    (
        "Lucas Emma Inès Hugo Léa Louis Chloé Gabriel Manon Arthur Camille Jules Sarah "
        "Adam Zoé Raphaël Jade Nathan Louise Tom Alice Mathis Lina Noah Clara Ethan "
        "Juliette Sacha Anna Yanis Romane Théo Eva Maël Lola Nolan Maëlys Paul Agathe "
        "Karim"
    ).split()
)
LAST_NAMES = tuple(
    (
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
        "Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard "
        "André Mercier Dupont Lambert Bonnet François Martinez Benali Haddad Nguyen "
        "Rousseau Blanc Guerin Muller"
    ).split()
)
CHAPTERS = {
    "mathematiques": (
        "Suites numériques",
        "Limites de fonctions",
        "Dérivation",
        "Fonction exponentielle",
        "Probabilités conditionnelles",
        "Géométrie dans l'espace",
        "Logarithme népérien",
        "Intégration",
    ),
    "nsi": (
        "Récursivité",
        "Programmation orientée objet",
        "Listes, piles et files",
        "Arbres",
        "Graphes",
        "Bases de données et SQL",
        "Algorithmes de tri",
        "Réseaux et protocoles",
    ),
    "physique_chimie": (
        "Mécanique : lois de Newton",
        "Ondes et signaux",
        "Réactions acido-basiques",
        "Cinétique chimique",
        "Électricité",
        "Thermodynamique",
        "Optique",
    ),
    "svt": ("Génétique et évolution", "Immunologie", "Géologie", "Écosystèmes", "Neurologie"),
    "francais": ("Le roman", "La poésie", "Le théâtre", "L'argumentation", "Le commentaire"),
    "philosophie": ("La conscience", "La liberté", "Le devoir", "La vérité", "L'art"),
}
COMMENTS_GOOD = (
    "Très bon travail, raisonnement clair et bien rédigé.",
    "Excellente maîtrise du chapitre, continuez ainsi.",
    "Bonne copie : méthode solide et résultats justes.",
    "Progrès nets depuis la dernière évaluation, bravo.",
)
COMMENTS_FAIR = (
    "Des bases correctes ; soigner la rédaction des justifications.",
    "Travail sérieux, quelques erreurs de calcul à éviter.",
    "La méthode est comprise, il faut gagner en rigueur.",
    "Ensemble satisfaisant, approfondir les exercices de synthèse.",
)
COMMENTS_WEAK = (
    "Notions à revoir : reprendre le cours et refaire les exercices types.",
    "Difficultés sur les définitions ; prévoir une séance de remédiation.",
    "Copie trop rapide, il manque les étapes du raisonnement.",
    "Chapitre non maîtrisé pour l'instant : ne pas se décourager.",
)


def comment_for(score_on_20: float, pick: int) -> str:
    """A teacher's comment suited to the mark (``pick`` chooses among the variants)."""
    if score_on_20 >= 14:
        pool = COMMENTS_GOOD
    elif score_on_20 >= 10:
        pool = COMMENTS_FAIR
    else:
        pool = COMMENTS_WEAK
    return pool[pick % len(pool)]
