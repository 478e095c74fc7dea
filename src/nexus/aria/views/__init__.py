"""ARIA's HTTP endpoints: chat, tutoring tools, and the admin usage report."""

from __future__ import annotations

from flask_openapi3.blueprint import APIBlueprint


def blueprints() -> tuple[APIBlueprint, ...]:
    from nexus.aria.views.admin import bp as admin_bp
    from nexus.aria.views.conversations import bp as conversations_bp
    from nexus.aria.views.safety import bp as safety_bp
    from nexus.aria.views.safety import flags_bp
    from nexus.aria.views.tutoring import bp as tutoring_bp

    return conversations_bp, tutoring_bp, safety_bp, flags_bp, admin_bp
