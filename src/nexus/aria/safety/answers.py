"""What ARIA says to a student whose message was flagged, instead of tutoring (French).

From medium severity no model is called and no bank item is cited: distress gets a caring
answer with the national numbers, the other categories a short answer that says what to do,
and the answer says that adults are told, so that the student is never watched without
knowing it. Personal data (low) gets a reminder that opens ARIA's ordinary answer.
"""

from __future__ import annotations

from nexus.aria.safety.verdicts import Category, Finding, Severity

# The national numbers, one owner (France; free calls).
SUICIDE_PREVENTION = "3114"  # numéro national de prévention du suicide, 24 h/24, 7 j/7
CHILD_IN_DANGER = "119"  # Allô Enfance en danger, 24 h/24, 7 j/7
FIL_SANTE_JEUNES = "0 800 235 236"  # Fil Santé Jeunes, anonyme, tous les jours de 9 h à 23 h
HARASSMENT_LINE = "3018"  # harcèlement et cyberharcèlement, 7 j/7
EMERGENCY = "112"

HELPLINES = (
    f"• {SUICIDE_PREVENTION} : numéro national de prévention du suicide, gratuit, 24 h/24 "
    "et 7 j/7 ;\n"
    f"• {CHILD_IN_DANGER} : Allô Enfance en danger, gratuit, 24 h/24 et 7 j/7 ;\n"
    f"• Fil Santé Jeunes : {FIL_SANTE_JEUNES}, gratuit et anonyme, tous les jours de 9 h "
    "à 23 h."
)
ADULTS_TOLD = (
    "Les adultes qui t'accompagnent sur Nexus Réussite (tes parents, tes professeurs) vont "
    "être prévenus, pour pouvoir t'aider."
)
# When the student names their family (``lexicon.FAMILY``), the platform does not tell it.
TEAM_TOLD = (
    "Tes professeurs et l'équipe de Nexus Réussite vont être prévenus, pour pouvoir t'aider. "
    "Tes parents ne recevront pas ce message de notre part."
)

_DISTRESS = (
    "Ce que tu écris me touche, et tu as bien fait de le dire. Tu n'as pas à rester seul·e "
    "avec ça. Je suis une IA et je ne peux pas t'aider comme une personne peut le faire, mais "
    "des gens sont là pour t'écouter, maintenant :\n"
    f"{HELPLINES}\n"
    f"Si tu es en danger tout de suite, appelle le 15 ou le {EMERGENCY}. Parles-en aussi à un "
    "adulte de confiance : un parent, un professeur, l'infirmière ou le CPE de ton "
    "établissement."
)
_VIOLENCE = (
    "Ce que tu décris est grave. Si toi ou quelqu'un d'autre êtes en danger, appelle le 17 "
    f"(police) ou le {EMERGENCY}. Si quelqu'un te fait du mal, appelle le {CHILD_IN_DANGER} "
    "(Allô Enfance en danger, gratuit, 24 h/24) et parles-en à un adulte de confiance. "
    "Je ne peux pas t'aider sur ce sujet : je suis là pour tes cours."
)
_SEXUAL_ABUSE = (
    "Ce que tu racontes est grave, et ce n'est jamais de ta faute. Appelle le "
    f"{CHILD_IN_DANGER} (Allô Enfance en danger, gratuit, 24 h/24 et 7 j/7) et parles-en à "
    "un adulte de confiance : un parent, un professeur, l'infirmière ou le CPE."
)
_SEXUAL = (
    "Je ne réponds pas à ce genre de demande : je suis là pour t'aider dans tes cours. Si "
    "quelqu'un te met mal à l'aise ou te demande des photos, parles-en à un adulte de "
    f"confiance ou appelle le {CHILD_IN_DANGER} (gratuit, 24 h/24)."
)
_HARASSMENT = (
    "Personne n'a le droit de te harceler, de t'insulter ou de t'humilier. Parles-en à un "
    f"adulte de confiance (un parent, un professeur, le CPE). Le {HARASSMENT_LINE} (gratuit, "
    "anonyme, 7 j/7) aide les jeunes victimes de harcèlement, en ligne aussi."
)
_PERSONAL_DATA = (
    "Attention : ne partage pas d'informations personnelles (adresse e-mail, numéro de "
    "téléphone, adresse) avec ARIA, ni en ligne avec des inconnus. Je les ai retirées de ta "
    "question avant de la traiter."
)


def safety_answer(finding: Finding, family_involved: bool = False) -> str:
    """ARIA's answer to a message whose most serious finding is ``finding``."""
    if finding.category is Category.SELF_HARM:
        text = _DISTRESS
    elif finding.category is Category.VIOLENCE:
        text = _VIOLENCE
    elif finding.category is Category.SEXUAL:
        text = _SEXUAL_ABUSE if finding.severity is Severity.HIGH else _SEXUAL
    elif finding.category is Category.HARASSMENT:
        text = _HARASSMENT
    else:
        text = _PERSONAL_DATA
    if not notifies_adults(finding.severity):
        return text
    return f"{text}\n{TEAM_TOLD if family_involved else ADULTS_TOLD}"


def notifies_adults(severity: Severity) -> bool:
    return severity is not Severity.LOW
