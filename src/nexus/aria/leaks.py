"""Whether a text gives an exercise's solution away: the check every answer passes through.

Two nets: a run of ``RUN_WORDS`` consecutive words of the solution (all of it when shorter),
and the solution's results — the figures it states after "=", "≈", "vaut", "soit"…, of two
characters or more ("0,9", "3/2", "2688"), less those the statement already gives —
appearing in the text, however spaced ("2 688").
"""

from __future__ import annotations

import re
import unicodedata

RUN_WORDS = 8  # a text sharing this many consecutive words with the solution is a leak
_WORDS = re.compile(r"\w+", re.UNICODE)
_RESULT = re.compile(
    r"(?:[=≈]|\b(?:vaut|valent|obtient|trouve|soit|égale?|egale?)\b)\s*"
    r"([-−]?\s*\d[\d\s.,/]*\d|[-−]?\d[.,]\d+|\d{2,})",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("−", "-").replace("\u202f", " ")
    return re.sub(r"\s+", "", folded).replace(".", ",")


def final_results(solution: str, statement: str = "") -> set[str]:
    """The results a solution states after "=" or "≈", normalised (spaces out, "." → ","),
    less the figures the statement itself gives (restating the data is not a leak)."""
    given = _plain(statement)
    found = {_plain(match) for match in _RESULT.findall(solution)}
    return {result for result in found if len(result) >= 2 and result not in given}


def leaks(text: str, solution: str | None) -> bool:
    """Whether ``text`` repeats the solution (a run of words, or all of a short one)."""
    if not solution:
        return False
    said, secret = words(text), words(solution)
    if not secret:
        return False
    if len(secret) < RUN_WORDS:
        return " ".join(secret) in " ".join(said)
    runs = {tuple(secret[i : i + RUN_WORDS]) for i in range(len(secret) - RUN_WORDS + 1)}
    return any(tuple(said[i : i + RUN_WORDS]) in runs for i in range(len(said) - RUN_WORDS + 1))


def gives_away(text: str, solution: str | None, statement: str = "") -> bool:
    """The solution's text, or one of its final results (not given by the statement)."""
    if not solution:
        return False
    if leaks(text, solution):
        return True
    plain = _plain(text)
    return any(result in plain for result in final_results(solution, statement))
