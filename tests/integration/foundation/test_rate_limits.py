from __future__ import annotations

from nexus.accounts.roles import Role
from tests.support.api import Api


def test_ten_wrong_passwords_in_a_row_get_429_with_retry_after(api: Api) -> None:
    user = api.create_user(Role.PARENT)
    statuses = [api.login(user.email, f"Mauvais{n}2026!").status_code for n in range(10)]
    assert statuses[0] == 401
    assert 429 in statuses
    limited = api.login(user.email, "Mauvais2026!")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.get_json()["error"]["code"] == "rate_limited"
    # Even the right password waits: the account is throttled, not the answer.
    assert api.login(user.email).status_code == 429


def test_throttling_is_per_account(api: Api) -> None:
    victim = api.create_user(Role.PARENT)
    other = api.create_user(Role.PARENT)
    for n in range(6):
        api.login(victim.email, f"Mauvais{n}2026!")
    assert api.login(victim.email).status_code == 429
    assert api.login(other.email).status_code == 200


def test_successful_logins_do_not_count_against_the_account(api: Api) -> None:
    user = api.create_user(Role.STUDENT)
    assert all(api.login(user.email).status_code == 200 for _ in range(8))


def test_throttling_per_client_address(api: Api) -> None:
    statuses = [api.login(f"inconnu{n}@example.fr", "Mauvais2026!").status_code for n in range(31)]
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
