"""Accounts that never sign in (use ``api.actor`` in tests/support/api.py for one that does)."""

from __future__ import annotations

import factory

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from tests.factories import ModelFactory

UNUSABLE_HASH = "!unusable"


class UserFactory(ModelFactory):
    class Meta:
        model = User

    role = Role.STUDENT
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.role.value}.factory{n}@test.nexus-reussite.fr"
    )
    password_hash = UNUSABLE_HASH
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
