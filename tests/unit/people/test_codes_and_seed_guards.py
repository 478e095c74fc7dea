"""Invitation codes never collide; demo seeders refuse to run without their accounts."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.demo import people as demo_people
from nexus.people import services
from tests.factories.accounts import UserFactory
from tests.factories.people import StudentProfileFactory


def test_a_taken_code_is_drawn_again(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    student = UserFactory(role=Role.STUDENT)
    StudentProfileFactory(user_id=student.id, invitation_code="AAAA-AAAA")
    draws = iter(["AAAA-AAAA", "AAAA-AAAA", "BBBB-BBBB"])
    monkeypatch.setattr(services, "new_invitation_code", lambda: next(draws))
    assert services.unused_code(session) == "BBBB-BBBB"


def test_demo_profiles_need_the_demo_accounts(session: Session) -> None:
    with pytest.raises(RuntimeError, match="seed the accounts first"):
        demo_people.seed(session)
