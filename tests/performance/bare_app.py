"""The floor of the saturation test: a bare Flask JSON endpoint, nothing else.

Served by ``bin/perf`` with the very gunicorn settings of the app
(``-c python:nexus.ops.gunicorn_conf "tests.performance.bare_app:create_app()"``): whatever the
app's requests/s fall short of this is the cost of our own code (auth, database, validation,
logging, metrics) rather than of Flask, gunicorn or the machine.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", version="bare")

    return app
