"""What the adults around a student read of their ARIA conversations (nexus.aria.safety)."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.aria.safety import inbox, oversight
from nexus.aria.schemas.safety import (
    FamilyAccessPublic,
    FamilyAccessUpdate,
    FlagInboxPage,
    FlagInboxQuery,
    StudentConversationPath,
    StudentConversationQuery,
    StudentPath,
    WatchedConversationDetail,
    WatchedConversationPage,
)
from nexus.db import db, writes

bp = api_blueprint(
    "aria_safety",
    __name__,
    url_prefix="/api/v1/aria/students",
    description="ARIA's safety: a student's conversations as their parents and teachers see them",
)
WATCHERS = (Role.PARENT, Role.TEACHER, Role.ADMIN)
flags_bp = api_blueprint(
    "aria_flags",
    __name__,
    url_prefix="/api/v1/aria/flags",
    description="ARIA's safety: the flags the adults around the students were told of",
)


@flags_bp.get("", responses={200: FlagInboxPage, **errors(404, 422)})
@allow(*WATCHERS)
def list_flags(query: FlagInboxQuery) -> Response:
    """The flagged messages of the students the caller follows, newest first (no words)."""
    return json_response(inbox.list_flags(db.session, current_principal(), query))


@bp.get(
    "/<int:student_id>/conversations",
    responses={200: WatchedConversationPage, **errors(404, 422)},
)
@allow(*WATCHERS)
@writes  # the reading is recorded in the audit log
def list_student_conversations(path: StudentPath, query: StudentConversationQuery) -> Response:
    """A student's conversations the caller may read (flagged ones; a minor's parent: all)."""
    page = oversight.list_student_conversations(
        db.session, current_principal(), path.student_id, query
    )
    return json_response(page)


@bp.get(
    "/<int:student_id>/conversations/<int:conversation_id>",
    responses={200: WatchedConversationDetail, **errors(404)},
)
@allow(*WATCHERS)
@writes  # the reading is recorded in the audit log
def read_student_conversation(path: StudentConversationPath) -> Response:
    """One of a student's conversations, with its messages and flags (audited)."""
    detail = oversight.read_student_conversation(
        db.session, current_principal(), path.student_id, path.conversation_id
    )
    return json_response(detail)


@bp.put(
    "/<int:student_id>/family-access",
    responses={200: FamilyAccessPublic, **errors(404, 422)},
)
@allow(Role.PARENT)
def set_family_access(path: StudentPath, body: FamilyAccessUpdate) -> Response:
    """Whether this parent reads all of their minor child's conversations (default: yes)."""
    access = oversight.set_family_access(
        db.session, current_principal(), path.student_id, body.reads_aria_conversations
    )
    return json_response(access)
