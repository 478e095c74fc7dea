"""Session reports (:mod:`.reports`) and parent–teacher threads (:mod:`.threads`)."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page, PageQuery
from nexus.db import db, writes
from nexus.families import reports, threads
from nexus.families.models import Thread, ThreadMessage
from nexus.families.schemas import (
    MessageCreate,
    ReportPath,
    ReportPublic,
    ReportQuery,
    ReportWrite,
    ThreadCreate,
    ThreadDetail,
    ThreadMessagePublic,
    ThreadPage,
    ThreadPath,
    ThreadSummary,
    ThreadUnreadCount,
)
from nexus.people.schemas.students import StudentPath
from nexus.scheduling.schemas import PersonRef

reports_bp = api_blueprint(
    "session_reports",
    __name__,
    url_prefix="/api/v1",
    description="Session reports: what each booked student did, homework, a mark",
)
threads_bp = api_blueprint(
    "threads",
    __name__,
    url_prefix="/api/v1/threads",
    description="Message threads between parents and their children's teachers",
)


@reports_bp.put(
    "/sessions/<int:session_id>/reports/<int:student_id>",
    responses={200: ReportPublic, 201: ReportPublic, **errors(404, 409, 422)},
)
@allow(Role.TEACHER)
def write_report(path: ReportPath, body: ReportWrite) -> Response:
    """Write (201) or replace (200) a booked student's report, once the session has started."""
    report, created = reports.write_report(
        db.session, current_principal(), path.session_id, path.student_id, body
    )
    return json_response(reports.public(report), 201 if created else 200)


@reports_bp.get(
    "/sessions/<int:session_id>/reports/<int:student_id>",
    responses={200: ReportPublic, **errors(404)},
)
@allow()
def get_report(path: ReportPath) -> Response:
    """One report (the session's teacher, the student, their parents, an admin)."""
    report = reports.get_report(db.session, current_principal(), path.session_id, path.student_id)
    return json_response(reports.public(report))


@reports_bp.get(
    "/students/<int:student_id>/session-reports",
    responses={200: Page[ReportPublic], **errors(404, 422)},
)
@allow()
def student_reports(path: StudentPath, query: ReportQuery) -> Response:
    """A student's reports, latest session first (a teacher: the ones they wrote)."""
    items, total = reports.student_reports(db.session, current_principal(), path.student_id, query)
    return json_response(Page[ReportPublic].of([reports.public(r) for r in items], query, total))


def _summary(thread: Thread, unread: int) -> ThreadSummary:
    return ThreadSummary(
        id=thread.id,
        subject=thread.subject,
        parent=PersonRef.model_validate(thread.parent),
        teacher=PersonRef.model_validate(thread.teacher),
        student=PersonRef.model_validate(thread.student),
        created_at=thread.created_at,
        last_message_at=thread.last_message_at,
        unread=unread,
    )


def _detail(thread: Thread, messages: list[ThreadMessage]) -> ThreadDetail:
    """A thread just read: nothing in it is unread for the reader any more."""
    return ThreadDetail(
        **_summary(thread, 0).model_dump(),
        messages=[
            ThreadMessagePublic(
                id=m.id, author_id=m.author_id, body=m.body, created_at=m.created_at
            )
            for m in messages
        ],
    )


@threads_bp.post("", responses={201: ThreadDetail, **errors(404, 422)})
@allow(Role.PARENT)
def open_thread(body: ThreadCreate) -> Response:
    """Open a thread with a teacher of one of the caller's children, with its first message."""
    principal = current_principal()
    thread = threads.open_thread(db.session, principal, body)
    thread, messages = threads.read_thread(db.session, principal, thread.id)
    return json_response(_detail(thread, messages), 201)


@threads_bp.get("", responses={200: ThreadPage, **errors(422)})
@allow(Role.PARENT, Role.TEACHER)
def list_threads(query: PageQuery) -> Response:
    """The caller's threads, latest message first, with unread counts."""
    principal = current_principal()
    rows, total = threads.list_threads(db.session, principal, query)
    return json_response(
        ThreadPage(
            items=[_summary(thread, unread) for thread, unread in rows],
            page=query.page,
            page_size=query.page_size,
            total=total,
            unread=threads.unread_count(db.session, principal),
        )
    )


@threads_bp.get("/unread-count", responses={200: ThreadUnreadCount})
@allow(Role.PARENT, Role.TEACHER)
def unread_count() -> Response:
    """How many messages the caller has not read, across their threads."""
    return json_response(
        ThreadUnreadCount(unread=threads.unread_count(db.session, current_principal()))
    )


@threads_bp.get("/<int:thread_id>", responses={200: ThreadDetail, **errors(404)})
@allow(Role.PARENT, Role.TEACHER)
@writes  # reading marks the messages read
def get_thread(path: ThreadPath) -> Response:
    """A thread's messages, oldest first; reading it marks them read for the caller."""
    principal = current_principal()
    thread, messages = threads.read_thread(db.session, principal, path.thread_id)
    return json_response(_detail(thread, messages))


@threads_bp.post(
    "/<int:thread_id>/messages", responses={201: ThreadMessagePublic, **errors(404, 422)}
)
@allow(Role.PARENT, Role.TEACHER)
def post_message(path: ThreadPath, body: MessageCreate) -> Response:
    """Post a message in one of the caller's threads; the other participant is notified."""
    message = threads.post_message(db.session, current_principal(), path.thread_id, body)
    return json_response(
        ThreadMessagePublic(
            id=message.id,
            author_id=message.author_id,
            body=message.body,
            created_at=message.created_at,
        ),
        201,
    )
