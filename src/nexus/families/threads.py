"""Parent–teacher threads: a parent writes to one of their child's teachers about that child.

Rules:
- Only a parent opens a thread, about one of their children (else 404 ``Student not found``),
  with a teacher who teaches that child by the shared rule of :mod:`nexus.people.access`
  (else 404 ``not_their_teacher``).
- Its two participants, the parent and the teacher, read it and post in it; anyone else gets a
  404. The teacher answers in threads opened with them and opens none.
- Each side's reading is the id of the last message it saw: opening a thread marks every
  message read for the reader; posting marks the thread read for the author.
- Each message notifies the other participant in the app and sends ``message_posted``
  (:mod:`nexus.families.signals`) for the e-mail notice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.schemas import PageQuery
from nexus.errors import NotFound
from nexus.families.models import Thread, ThreadMessage
from nexus.families.schemas import MessageCreate, ThreadCreate
from nexus.families.signals import message_posted
from nexus.language import _, force_locale
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from nexus.people import access

EXCERPT = 300


def _mine(principal: Principal) -> ColumnElement[bool]:
    """The caller's threads: a parent's or a teacher's side (any other role has none)."""
    if principal.role is Role.PARENT:
        return Thread.parent_id == principal.user_id
    return Thread.teacher_id == principal.user_id


def _read_up_to(principal: Principal) -> Any:
    """The column holding how far the caller has read (they are the parent or the teacher)."""
    return Thread.parent_read_id if principal.role is Role.PARENT else Thread.teacher_read_id


def _unread(principal: Principal) -> Any:
    """The caller's unread messages of ``Thread`` (a correlated count)."""
    return (
        select(func.count(ThreadMessage.id))
        .where(
            ThreadMessage.thread_id == Thread.id,
            ThreadMessage.author_id != principal.user_id,
            ThreadMessage.id > _read_up_to(principal),
        )
        .correlate(Thread)
        .scalar_subquery()
    )


def open_thread(session: Session, principal: Principal, data: ThreadCreate) -> Thread:
    if not access.is_parent_of(session, principal.user_id, data.student_id):
        raise NotFound(_("Student not found."))
    teacher = session.get(User, data.teacher_id)
    if (
        teacher is None
        or teacher.role is not Role.TEACHER
        or not teacher.is_active
        or not access.teacher_has_student(session, teacher.id, data.student_id)
    ):
        raise NotFound(_("This teacher does not teach this student."), code="not_their_teacher")
    thread = Thread(
        parent_id=principal.user_id,
        teacher_id=teacher.id,
        student_id=data.student_id,
        subject=data.subject,
    )
    session.add(thread)
    session.flush()
    _post(session, principal, thread, data.body)
    return thread


def post_message(
    session: Session, principal: Principal, thread_id: int, data: MessageCreate
) -> ThreadMessage:
    return _post(session, principal, participant_thread(session, principal, thread_id), data.body)


def _post(session: Session, principal: Principal, thread: Thread, body: str) -> ThreadMessage:
    message = ThreadMessage(thread_id=thread.id, author_id=principal.user_id, body=body)
    session.add(message)
    session.flush()
    thread.last_message_at = message.created_at
    if principal.user_id == thread.parent_id:
        thread.parent_read_id, recipient, author = message.id, thread.teacher_id, thread.parent
    else:
        thread.teacher_read_id, recipient, author = message.id, thread.parent_id, thread.teacher
    # The reader of the notice may read another language than the author: French, as every
    # notice.
    with force_locale("fr"):
        title = _("New message: %(subject)s", subject=thread.subject)
        text = _(
            "%(author)s wrote about %(student)s: %(body)s",
            author=author.full_name,
            student=thread.student.first_name,
            body=body if len(body) <= EXCERPT else body[: EXCERPT - 1].rstrip() + "…",
        )
    data = {"thread_id": thread.id, "message_id": message.id, "student_id": thread.student_id}
    notify(session, [recipient], NotificationKind.THREAD_MESSAGE, title, text, data)
    message_posted.send(session, thread=thread, message=message, recipient_id=recipient)
    return message


def participant_thread(session: Session, principal: Principal, thread_id: int) -> Thread:
    thread = session.get(Thread, thread_id)
    if thread is None or principal.user_id not in (thread.parent_id, thread.teacher_id):
        raise NotFound(_("Thread not found."))
    return thread


def read_thread(
    session: Session, principal: Principal, thread_id: int
) -> tuple[Thread, list[ThreadMessage]]:
    """The thread and its messages, oldest first; all of them are read by the caller now."""
    thread = participant_thread(session, principal, thread_id)
    messages = list(
        session.scalars(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread.id)
            .order_by(ThreadMessage.id)
        )
    )
    if messages:
        # A conditional UPDATE: a concurrent read or post of the same reader never moves the
        # mark back.
        column = (
            Thread.parent_read_id
            if principal.user_id == thread.parent_id
            else (Thread.teacher_read_id)
        )
        last = messages[-1].id
        session.execute(
            update(Thread)
            .where(Thread.id == thread.id, column < last)
            .values({column: last})
            .execution_options(synchronize_session=False)
        )
    return thread, messages


def list_threads(
    session: Session, principal: Principal, query: PageQuery
) -> tuple[list[tuple[Thread, int]], int]:
    """The caller's threads, latest message first, each with its unread count; and the total."""
    total = session.scalar(select(func.count()).select_from(Thread).where(_mine(principal))) or 0
    rows = session.execute(
        select(Thread, _unread(principal))
        .where(_mine(principal))
        .order_by(Thread.last_message_at.desc(), Thread.id.desc())
        .offset(query.offset)
        .limit(query.page_size)
    ).all()
    return [(thread, int(unread)) for thread, unread in rows], total


def unread_count(session: Session, principal: Principal) -> int:
    """The other participants' messages the caller has not read, across their threads."""
    count = session.scalar(
        select(func.count(ThreadMessage.id))
        .join(Thread, Thread.id == ThreadMessage.thread_id)
        .where(
            _mine(principal),
            ThreadMessage.author_id != principal.user_id,
            ThreadMessage.id > _read_up_to(principal),
        )
    )
    return count or 0
