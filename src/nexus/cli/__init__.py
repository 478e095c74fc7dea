"""The ``nexus`` console script: Flask's CLI around the application factory."""

from __future__ import annotations

from flask.cli import FlaskGroup

from nexus import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, load_dotenv=False, set_debug_flag=False).main(
        prog_name="nexus"
    )
