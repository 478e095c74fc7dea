"""register → login → me → refresh → logout, token rotation and reuse detection, over HTTP."""

from __future__ import annotations

from tests.support.api import DEFAULT_PASSWORD, Api


def _register(api: Api, email: str = "camille.martin@example.fr", **overrides: object) -> dict:
    payload = {
        "email": email,
        "password": DEFAULT_PASSWORD,
        "role": "parent",
        "first_name": "Camille",
        "last_name": "Martin",
        **overrides,
    }
    response = api.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def test_full_session_lifecycle(api: Api) -> None:
    answer = _register(api, email="Camille.Martin@Example.fr")
    assert set(answer) == {"message"}

    tokens = api.login("camille.martin@example.fr").get_json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = api.get("/api/v1/auth/me", headers=auth)
    assert me.status_code == 200
    user = me.get_json()
    assert user["email"] == "camille.martin@example.fr"
    assert user["role"] == "parent"
    assert "password" not in str(user)

    rotated = api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.get_json()
    assert new["refresh_token"] != tokens["refresh_token"]
    new_auth = {"Authorization": f"Bearer {new['access_token']}"}
    assert api.get("/api/v1/auth/me", headers=new_auth).status_code == 200

    logout = api.post("/api/v1/auth/logout", headers=new_auth)
    assert logout.status_code == 200
    for headers in (auth, new_auth):
        after = api.get("/api/v1/auth/me", headers=headers)
        assert after.status_code == 401
        assert after.get_json()["error"]["code"] == "token_revoked"
    again = api.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 401


def test_replayed_refresh_token_revokes_the_family(api: Api) -> None:
    _register(api)
    first = api.login("camille.martin@example.fr").get_json()
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    newer = second.get_json()

    replay = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "token_reused"

    # The newer refresh token and the newer access token die with the family.
    assert (
        api.post("/api/v1/auth/refresh", json={"refresh_token": newer["refresh_token"]}).status_code
        == 401
    )
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {newer['access_token']}"})
    assert me.status_code == 401


def test_other_sessions_survive_a_logout(api: Api) -> None:
    _register(api)
    phone = api.login("camille.martin@example.fr").get_json()
    laptop = api.login("camille.martin@example.fr").get_json()
    api.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {phone['access_token']}"})
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {laptop['access_token']}"})
    assert me.status_code == 200


def test_duplicate_email_gets_the_answer_of_a_new_one(api: Api) -> None:
    """Registration does not tell whether an e-mail has an account (docs/rate-limits.md)."""
    first = _register(api)
    again = _register(api, email="CAMILLE.martin@example.fr", role="student", first_name="C")
    assert again == first
    me = api.get(
        "/api/v1/auth/me",
        headers={
            "Authorization": "Bearer "
            + api.login("camille.martin@example.fr").get_json()["access_token"]
        },
    )
    assert (me.get_json()["role"], me.get_json()["first_name"]) == ("parent", "Camille")


def test_self_registration_cannot_create_staff(api: Api) -> None:
    response = api.post(
        "/api/v1/auth/register",
        json={
            "email": "intrus@example.fr",
            "password": DEFAULT_PASSWORD,
            "role": "admin",
            "first_name": "I",
            "last_name": "N",
        },
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "role"


def test_weak_passwords_are_refused_with_the_reason(api: Api) -> None:
    cases = {
        "court1": "au moins 10 caractère",
        "seulementdeslettres": "une lettre et un chiffre",
        "password123": "trop courant",
        "camille.martin2026": "adresse e-mail",
    }
    for password, reason in cases.items():
        response = api.post(
            "/api/v1/auth/register",
            json={
                "email": "camille.martin@example.fr",
                "password": password,
                "role": "parent",
                "first_name": "Camille",
                "last_name": "Martin",
            },
        )
        assert response.status_code == 422, password
        error = response.get_json()["error"]
        assert error["fields"][0]["field"] == "password"
        assert reason in error["message"]


def test_wrong_password_and_unknown_account_look_the_same(api: Api) -> None:
    _register(api)
    wrong = api.login("camille.martin@example.fr", "Mauvais2026!x")
    unknown = api.login("personne@example.fr", "Mauvais2026!x")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["error"]["message"] == unknown.get_json()["error"]["message"]


def test_bad_tokens_are_rejected(api: Api) -> None:
    cases = [
        ({}, "missing_token"),
        ({"Authorization": "Basic abc"}, "missing_token"),
        ({"Authorization": "Bearer not-a-jwt"}, "invalid_token"),
    ]
    for headers, code in cases:
        response = api.get("/api/v1/auth/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == code
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad_refresh = api.post("/api/v1/auth/refresh", json={"refresh_token": "x" * 40})
    assert bad_refresh.status_code == 401
