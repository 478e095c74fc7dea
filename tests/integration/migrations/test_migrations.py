"""Migrations go up, all the way down and up again, and match the models, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from nexus.migrations import runner
from tests.conftest import make_settings
from tests.support import services


def _round_trip(url: str) -> None:
    settings = make_settings(url)
    runner.upgrade(settings, "head")
    runner.check(settings)
    runner.downgrade(settings, "base")
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    runner.upgrade(settings, "head")
    runner.check(settings)


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'round-trip.db'}")


@pytest.mark.postgres
def test_round_trip_on_postgres() -> None:
    server = services.require_postgres()
    with services.scratch_database(server, prefix="nexus_migrations") as url:
        _round_trip(url)
