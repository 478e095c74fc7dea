"""The French lexicon of the offline screen: data only, read by :mod:`nexus.aria.safety.screen`.

Method. A message is normalised before it is matched (``screen.normalise``): lower case, no
accents, punctuation and apostrophes as spaces, the usual SMS contractions spelled out
(``jveux`` → ``je veux``, ``chui`` → ``je suis``, ``j'`` → ``je``), and every run of a
repeated letter squeezed to one (``mourrrir`` → ``mourir``, ``personne`` → ``persone``).
The patterns below are written in plain unaccented French and squeezed the same way when
compiled, so they read naturally here. Each pattern is a first-person or directed phrase,
never a bare word: « mort », « tuer », « chute », « suicide » alone are school vocabulary
(history, NSI's ``kill``, physics, Durkheim in SES); « je veux mourir », « tuer mon prof »,
« on me harcèle » are not.
``tests/unit/aria/test_safety_lexicon.py`` holds the messages that must and must not match.
"""

from __future__ import annotations

from nexus.aria.safety.verdicts import Category, Severity

# A few words that may sit between the parts of a phrase (« je veux vraiment plus vivre »).
_ADVERBS = r"(?:(?:tellement|trop|si|vraiment|tout|toute|juste|grave|tres|un peu|plus|pas|ne|n) )*"
_PERSON = r"(?:mon|ma|mes|le|la|les|ce|cette|ces|tous les|toute la|un|une) "
_PEOPLE = (
    r"(?:prof|profs|professeur|professeure|pere|mere|parents|frere|soeur|copain|copine|"
    r"camarade|camarades|classe|eleves|voisin|voisine|beau pere|belle mere|famille|pote|potes)"
)
_ABUSER = (
    r"(?:mon pere|ma mere|mes parents|mon beau pere|ma belle mere|mon frere|ma soeur|"
    r"mon oncle|il|elle|ils|on|quelqu un)"
)

# A disclosure of violence or sexual abuse that names someone of the family, or home, as where
# it happens (« mon beau-père me frappe », « à la maison on me tape »): the parents are not told
# by the platform (``nexus.aria.safety.flags``), the teachers and the administrators are.
FAMILY = (
    r"\b(?:mon pere|ma mere|mes parents|papa|maman|mon beau pere|ma belle mere|mon frere|"
    r"ma soeur|mon demi frere|ma demi soeur|mon oncle|ma tante|mon grand pere|ma grand mere|"
    r"mon cousin|ma cousine|a la maison|chez moi)\b"
)

# SMS spellings, one token → its words (applied token by token after normalising).
CONTRACTIONS: dict[str, str] = {
    "j": "je",
    "jveux": "je veux",
    "jvx": "je veux",
    "jvais": "je vais",
    "jvai": "je vais",
    "jsuis": "je suis",
    "jsui": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "jme": "je me",
    "jpeux": "je peux",
    "jpense": "je pense",
    "jai": "j ai",
    "mtn": "maintenant",
    "tlm": "tout le monde",
    "pr": "pour",
    "ya": "il y a",
    "veu": "veux",
    "veut": "veux",
    "ve": "veux",
    "mourrir": "mourir",
    "mourire": "mourir",
    "suicid": "suicide",
}

# (category, severity, pattern) — matched with ``re.search`` on the normalised text.
PATTERNS: tuple[tuple[Category, Severity, str], ...] = (
    # Self-harm intent: the caring answer, parents, teachers and admins.
    (
        Category.SELF_HARM,
        Severity.HIGH,
        r"\b(?:veux|vais|voudrais|pense a|compte|prefere|envie de|besoin de|ai envie de)"
        rf" {_ADVERBS}(?:mourir|crever|me tuer|me suicider|me pendre|sauter par la fenetre|"
        r"me foutre en l air|mettre fin a (?:mes jours|ma vie)|disparaitre pour toujours)\b",
    ),
    (
        Category.SELF_HARM,
        Severity.HIGH,
        r"\b(?:veux|vais|voudrais|envie d) en finir\b"
        r"(?! avec (?:ce|cet|cette|ces|les|l|mon|ma|mes|le|la|un|une)\b)",
    ),
    (Category.SELF_HARM, Severity.HIGH, r"\b(?:me|te) suicider\b|\bsuicidaire\b"),
    (
        Category.SELF_HARM,
        Severity.HIGH,
        r"\b(?:je me|me) (?:scarifie|scarifier|mutile|mutiler|coupe les veines|taillade|"
        r"fais du mal|faire du mal)\b|\bscarification",
    ),
    (
        Category.SELF_HARM,
        Severity.HIGH,
        rf"\b(?:je )?(?:ne )?(?:veux|ai|vois) {_ADVERBS}(?:plus )?(?:envie de vivre|vivre|"
        r"aucune raison de vivre)\b(?! (?:en|a|dans|avec)\b)",
    ),
    (
        Category.SELF_HARM,
        Severity.HIGH,
        r"\b(?:tout le monde|ils|mes parents) ser(?:ait|aient|a|ont) mieux sans moi\b",
    ),
    # Distress: the caring answer, parents and teachers.
    (Category.SELF_HARM, Severity.MEDIUM, r"\bpersonne (?:ne )?(?:m aime|m ecoute|me comprend)\b"),
    (Category.SELF_HARM, Severity.MEDIUM, r"\btout le monde me deteste\b"),
    (
        Category.SELF_HARM,
        Severity.MEDIUM,
        rf"\bje me sens {_ADVERBS}(?:nul|nule|seul|seule|inutile|vide|de trop|abandone|"
        r"abandonee|deprime|deprimee|mal dans ma peau|a bout)\b",
    ),
    (
        Category.SELF_HARM,
        Severity.MEDIUM,
        rf"\bje suis {_ADVERBS}(?:seul|seule|deprime|deprimee|en depresion|a bout|de trop)\b"
        r"(?! (?:a|au|en|sur|pour|dans|avec|chez|contre|devant)\b)",
    ),
    (
        Category.SELF_HARM,
        Severity.MEDIUM,
        r"\bje (?:me deteste|me hais|sers a rien|ne sers a rien|pleure tout le temps)\b"
        r"|\bmal dans ma peau\b|\bj en peux plus de (?:la )?vie\b|\bmarre de (?:la )?vie\b",
    ),
    # Violence: a threat against someone, or the student being hurt.
    (
        Category.VIOLENCE,
        Severity.HIGH,
        r"\bje vais (?:le|la|les|te|vous|l|tous les|toutes les) "
        r"(?:tuer|buter|frapper|defoncer|planter|egorger|flinguer|massacrer)\b",
    ),
    (
        Category.VIOLENCE,
        Severity.HIGH,
        rf"\b(?:tuer|buter|flinguer|poignarder|planter|egorger) {_PERSON}{_PEOPLE}\b",
    ),
    (
        Category.VIOLENCE,
        Severity.HIGH,
        r"\b(?:ramener|apporter|amener) (?:une arme|un couteau|un flingue|un pistolet)"
        r" (?:au|a l|en) (?:lycee|college|ecole|cours|classe)\b",
    ),
    (
        Category.VIOLENCE,
        Severity.HIGH,
        rf"\b{_ABUSER} (?:me|m) (?:frappe|frapent|bat|batent|tape|tapent|a frape|ont frape|"
        r"a batu|menace de mort|enferme)\b"
        r"|\bje (?:me fais|suis) (?:frape|frapee|fraper|batu|batue|bate|taper)\b",
    ),
    # Sexual: abuse is serious; explicit requests are refused.
    (
        Category.SEXUAL,
        Severity.HIGH,
        rf"\b{_ABUSER} (?:m a|ma|me) (?:viole|violee|agresee sexuelement|force a)\b"
        r"|\bagresion sexuele\b|\battouchements?\b|\babus sexuels?\b",
    ),
    (
        Category.SEXUAL,
        Severity.MEDIUM,
        r"\b(?:porno|pornographique|porn|nudes?|sexto|plan cul)\b"
        r"|\bphotos? (?:de moi )?(?:toute? )?nues?\b",
    ),
    # Harassment: the student is the target.
    (
        Category.HARASSMENT,
        Severity.MEDIUM,
        r"\b(?:on|ils|elles|il|elle|tout le monde|des eleves|ma classe) (?:me|m) "
        r"(?:harcel\w*|insult\w*|rackett?\w*|humili\w*|menac\w*)\b",
    ),
    (
        Category.HARASSMENT,
        Severity.MEDIUM,
        r"\bje (?:suis|me fais) (?:harcel\w*|insult\w*|rackett?\w*|humili\w*|menac\w*)\b",
    ),
    # Personal data (e-mails and phone numbers are found by nexus.aria.redaction).
    (
        Category.PERSONAL_DATA,
        Severity.LOW,
        r"\bje habite (?:au |a |en )?\d+ (?:bis |ter )?(?:rue|avenue|av|boulevard|bd|chemin|"
        r"allee|impasse|place|route)\b",
    ),
)
