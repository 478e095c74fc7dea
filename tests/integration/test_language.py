"""Error messages are French by default and English on request; the machine code never moves."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

ENGLISH = ("en", "en-GB,en;q=0.9", "fr;q=0.1, en;q=0.8")
FRENCH = (None, "fr", "fr-FR,fr;q=0.9,en;q=0.5", "de-DE", "*")


def _error(client: FlaskClient, method: str, path: str, language: str | None, **kw: object):
    headers = {"Accept-Language": language} if language else {}
    response = client.open(path, method=method, headers=headers, **kw)
    assert response.status_code >= 400
    assert "Accept-Language" in response.headers.get("Vary", "")
    return response.status_code, response.headers["Content-Language"], response.get_json()["error"]


@pytest.mark.parametrize("language", FRENCH)
def test_french_is_the_default(client: FlaskClient, language: str | None) -> None:
    status, content_language, error = _error(client, "GET", "/api/v1/nowhere", language)
    assert (status, content_language, error["code"]) == (404, "fr", "not_found")
    assert error["message"] == "Rien n'existe à cette adresse."


@pytest.mark.parametrize("language", ENGLISH)
def test_english_on_request(client: FlaskClient, language: str) -> None:
    status, content_language, error = _error(client, "GET", "/api/v1/nowhere", language)
    assert (status, content_language, error["code"]) == (404, "en", "not_found")
    assert error["message"] == "Nothing exists at this address."


def test_validation_messages_name_the_fields_in_either_language(client: FlaskClient) -> None:
    body = {"email": "pas-une-adresse", "password": 3, "extra": True}
    _s, _l, french = _error(client, "POST", "/api/v1/auth/login", None, json=body)
    _s, _l, english = _error(client, "POST", "/api/v1/auth/login", "en", json=body)
    assert french["code"] == english["code"] == "validation_error"
    by_field = {f["field"]: f for f in french["fields"]}
    assert by_field["email"]["message"] == "adresse e-mail invalide"
    assert by_field["password"]["message"] == "La valeur doit être une chaîne de caractères"
    assert [f["type"] for f in french["fields"]] == [f["type"] for f in english["fields"]]
    assert french["message"].startswith("La requête est invalide : ")
    assert english["message"].startswith("The request is invalid: ")
    assert "Input should be a valid string" in english["message"]


def test_domain_errors_and_refusals_are_translated(client: FlaskClient) -> None:
    wrong = {"email": "personne@example.org", "password": "not-the-password-1"}
    _s, _l, french = _error(client, "POST", "/api/v1/auth/login", None, json=wrong)
    _s, _l, english = _error(client, "POST", "/api/v1/auth/login", "en", json=wrong)
    assert french["code"] == english["code"]
    assert french["message"] == "Adresse e-mail ou mot de passe incorrect."
    assert english["message"] == "Wrong e-mail or password."
    status, _l, refused = _error(client, "GET", "/api/v1/offers", None)
    assert (status, refused["code"]) == (401, "missing_token")
    assert "Envoyez l'en-tête" in refused["message"]
    status, _l, method = _error(client, "DELETE", "/api/v1/auth/login", None)
    assert (status, method["code"]) == (405, "method_not_allowed")
    assert method["message"] == "Cette méthode n'est pas autorisée à cette adresse."
