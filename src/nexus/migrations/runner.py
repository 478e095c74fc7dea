"""Programmatic Alembic: the CLI, the tests and the deploy job all go through here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from nexus.config import Settings

HERE = Path(__file__).resolve().parent


def alembic_config(
    settings: Settings | None = None, connection: Connection | None = None
) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["settings"] = settings
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(
    settings: Settings | None = None, revision: str = "head", connection: Connection | None = None
) -> None:
    command.upgrade(alembic_config(settings, connection), revision)


def downgrade(
    settings: Settings | None = None, revision: str = "-1", connection: Connection | None = None
) -> None:
    command.downgrade(alembic_config(settings, connection), revision)


def check(settings: Settings | None = None, connection: Connection | None = None) -> None:
    """Raise when the models and the migrations disagree (alembic's autogenerate diff)."""
    command.check(alembic_config(settings, connection))


def current(settings: Settings | None = None, connection: Connection | None = None) -> None:
    command.current(alembic_config(settings, connection), verbose=False)
