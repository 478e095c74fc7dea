"""The ``nexus`` console script: our commands only, around the application factory.

Flask's own group would add ``run``, ``shell``, ``routes``, the extensions' commands and a
``--version`` printing Python's and Flask's versions; this group holds what we ship, and each
command loads the app (``create_app``) only when it needs it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import click
from flask.cli import ScriptInfo

DISTRIBUTION = "nexus-reussite-backend"


def _version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class NexusGroup(click.Group):
    """A click group whose commands find the app through Flask's ScriptInfo (create_app)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from nexus import create_app

        extra.setdefault(
            "obj",
            ScriptInfo(create_app=create_app, set_debug_flag=False, load_dotenv_defaults=False),
        )
        return super().make_context(info_name, args, parent, **extra)


def build_cli() -> click.Group:
    from nexus.cli.commands import commands

    group = NexusGroup(name="nexus", help="Nexus Réussite backend.")
    group = click.version_option(_version(), "--version", prog_name="nexus")(group)
    for command in commands():
        group.add_command(command)
    return group


def main() -> None:
    build_cli().main(prog_name="nexus")
