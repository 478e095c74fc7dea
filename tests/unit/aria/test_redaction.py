from __future__ import annotations

import pytest

from nexus.aria.redaction import redact


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "01 23 45 67 89",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "+33 1 23 45 67 89",
    ],
)
def test_french_phone_formats_are_redacted(phone: str) -> None:
    assert redact(f"Appelle-moi au {phone} ce soir.") == "Appelle-moi au [téléphone] ce soir."


@pytest.mark.parametrize(
    "email", ["lucas@nexus-reussite.fr", "jean.dupont+bac@lycee.ac-paris.fr", "x_y@gmail.com"]
)
def test_emails_are_redacted(email: str) -> None:
    assert redact(f"Écris à {email}, merci") == "Écris à [email], merci"


@pytest.mark.parametrize(
    "text",
    [
        "La suite u(n) = 2n + 1 pour n = 1234567890 ?",
        "Calcule 3,14 × 12 et 2 + 2 = 4.",
        "En 2026, le bac a lieu le 15/06.",
        "Le code 00 11 22 est faux.",
        "f(x) = 06x + 12",
    ],
)
def test_maths_and_dates_are_left_alone(text: str) -> None:
    assert redact(text) == text
