"""factory-boy factories: one per model, one module per source domain (``accounts.py`` for
``nexus.accounts.models``…), so each model is built in exactly one place.

Every factory derives from ``ModelFactory``. ``Factory(**fields)`` adds the row to the current
test's session and flushes it (``sqlalchemy_session_persistence = "flush"``): it has its id and
vanishes with the test's rollback. ``Factory.build(**fields)`` makes an unsaved instance and
needs no session (unit tests).

The session is the ``session`` fixture's (tests/conftest.py): the fixture binds it here and
unbinds it at teardown, and ``sqlalchemy_session_factory`` reads it at each ``create``. A test
that builds rows asks for ``session`` (``api`` has it too); without it a factory says so. A
test arranging rows on another app's session binds that one (``with factories.bound(s):``).

A foreign key defaults to the id of a new row made by that model's factory, and only when the
test does not give one (``teacher_id=teacher.id``; the API's actors are ids, not rows). That
is ``new_id(Factory, ...)`` rather than a ``SubFactory``: factory-boy resolves every
declaration, so a ``SubFactory`` would make its row even when the id is given. A relation the
model holds as an object (a booking's session, an enrollment's offer) is a ``SubFactory``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

_bound: list[Session] = []


def bind(session: Session) -> None:
    """Rows made by the factories go to ``session`` until ``unbind``."""
    _bound.append(session)


def unbind(session: Session) -> None:
    _bound.remove(session)


@contextmanager
def bound(session: Session) -> Iterator[Session]:
    """Rows made by the factories inside the block go to ``session``."""
    bind(session)
    try:
        yield session
    finally:
        unbind(session)


def current_session() -> Session:
    if not _bound:
        raise RuntimeError("no test session for the factories: ask for the `session` fixture")
    return _bound[-1]


class ModelFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        # A post-generation hook changes the row (or a related one) after its INSERT.
        if create and results:
            current_session().flush()


def new_id(factory_class: type[ModelFactory], **fields: Any) -> factory.LazyFunction:
    """The id of a new row of ``factory_class``, made only when the test gives none."""
    return factory.LazyFunction(lambda: factory_class(**fields).id)
