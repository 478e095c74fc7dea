"""Study plans: generate (deterministic; phrased by the model when online), list, read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.schemas import PageQuery
from nexus.aria import costs, quotas
from nexus.aria.access import resolve_student
from nexus.aria.models import StudyPlan, UsageKind
from nexus.aria.plan_builder import (
    BookedSession,
    Focus,
    build_weeks,
    offline_summary,
    outline,
    week_count,
)
from nexus.aria.progress import chapter_scores
from nexus.aria.prompts import CONTEXT_CLOSE, CONTEXT_OPEN, PLAN_RULES, as_data, system_prompt
from nexus.aria.providers.base import ChatTurn, Completion, Usage, estimate_tokens
from nexus.aria.retrieval import Learner, known_subjects
from nexus.aria.runtime import AriaRuntime
from nexus.aria.schemas.tutoring import StudyPlanCreate, StudyPlanPage, StudyPlanPublic
from nexus.aria.usage import record_usage
from nexus.assessments.recommendations import items_for_chapters
from nexus.clock import PARIS, paris_today
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind
from nexus.errors import NotFound
from nexus.language import _
from nexus.people.models import StudentProfile
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

MAX_FOCUS = 6
# A plan works on lessons and exercises (revision sheets come with the dashboard and ARIA).
PLAN_KINDS = (ContentKind.LESSON, ContentKind.EXERCISE)
PLAN_REQUEST = "Présente-moi ce planning de révision."


def _focuses(session: Session, student_id: int, profile: StudentProfile | None) -> list[Focus]:
    level = profile.level if profile else None
    scores = chapter_scores(session, student_id)[:MAX_FOCUS]
    if scores:
        picked = items_for_chapters(
            session, [(s.subject, s.chapter) for s in scores], level, kinds=PLAN_KINDS
        )
        return [
            Focus(s.subject, s.chapter, s.average_on_20, tuple(chapter.items))
            for s, chapter in zip(scores, picked, strict=True)
        ]
    # No marks yet: the chapters of the student's specialties at their level, in bank order.
    subjects = known_subjects(profile.specialties if profile else [])
    if not subjects or level is None:
        return []
    rows = session.execute(
        select(ContentItem.subject, ContentItem.chapter, func.min(ContentItem.id))
        .where(ContentItem.subject.in_(subjects), ContentItem.level == level)
        .group_by(ContentItem.subject, ContentItem.chapter)
        .order_by(func.min(ContentItem.id))
        .limit(MAX_FOCUS)
    ).all()
    picked = items_for_chapters(
        session, [(subject, chapter) for subject, chapter, _ in rows], level, kinds=PLAN_KINDS
    )
    return [
        Focus(subject, chapter.chapter, None, tuple(chapter.items))
        for (subject, _chapter, _), chapter in zip(rows, picked, strict=True)
    ]


def _sessions(session: Session, student_id: int, start: date, end: date) -> list[BookedSession]:
    begin = datetime.combine(start, time.min, PARIS)
    finish = datetime.combine(end + timedelta(days=1), time.min, PARIS)
    rows = session.scalars(
        select(TutoringSession)
        .join(Booking, Booking.session_id == TutoringSession.id)
        .where(
            Booking.student_id == student_id,
            Booking.status == BookingStatus.BOOKED,
            TutoringSession.status == SessionStatus.SCHEDULED,
            TutoringSession.starts_at >= begin,
            TutoringSession.starts_at < finish,
        )
        .order_by(TutoringSession.starts_at)
    ).all()
    return [
        BookedSession(
            s.id,
            s.title or "Séance",
            s.subject,
            s.starts_at.astimezone(PARIS).date(),
            s.starts_at.isoformat(),
        )
        for s in rows
    ]


def generate_plan(
    session: Session, runtime: AriaRuntime, principal: Principal, body: StudyPlanCreate
) -> StudyPlanPublic:
    student_id = resolve_student(session, principal, body.student_id)
    quotas.reserve(session, runtime, principal.user_id)
    profile = session.get(StudentProfile, student_id)
    today = paris_today()
    exam = body.exam_date or (profile.exam_date if profile else None)
    exam = exam if exam is not None and exam > today else None
    count = week_count(today, exam, body.weeks)
    focuses = _focuses(session, student_id, profile)
    sessions = _sessions(session, student_id, today, today + timedelta(days=7 * count - 1))
    weeks = build_weeks(today, count, focuses, sessions, exam)
    summary = offline_summary(count, exam, focuses)
    learner = Learner(student_id, Role.STUDENT, profile.level if profile else None, (), exam)
    reference = as_data(f"{summary}\n{outline(weeks)}")
    turns = [
        ChatTurn("system", system_prompt(learner, PLAN_RULES)),
        ChatTurn("system", f"{CONTEXT_OPEN}\n{reference}\n{CONTEXT_CLOSE}"),
        ChatTurn("user", PLAN_REQUEST),
    ]

    def fallback() -> Completion:
        return Completion(summary, Usage(0, estimate_tokens(summary), True))

    allowed = costs.budget_allows(session, runtime.settings)
    result = runtime.complete(
        turns, fallback if allowed else costs.with_budget_notice(fallback), allow_model=allowed
    )
    plan = StudyPlan(
        student_id=student_id,
        created_by_id=principal.user_id,
        starts_on=today,
        exam_date=exam,
        weeks=weeks,
        summary=result.completion.text,
        provider=result.provider,
        offline=result.offline,
        prompt_tokens=result.completion.usage.prompt_tokens,
        completion_tokens=result.completion.usage.completion_tokens,
    )
    session.add(plan)
    session.flush()
    record_usage(
        session,
        runtime,
        principal.user_id,
        UsageKind.STUDY_PLAN,
        result.provider,
        result.completion.usage,
    )
    return StudyPlanPublic.model_validate(plan)


def _visible(principal: Principal) -> ColumnElement[bool]:
    """A student sees the plans made for them; a teacher the plans they made."""
    if principal.role is Role.STUDENT:
        return StudyPlan.student_id == principal.user_id
    return StudyPlan.created_by_id == principal.user_id


def list_plans(
    session: Session, principal: Principal, page: PageQuery, student_id: int | None
) -> StudyPlanPage:
    conditions = [_visible(principal)]
    if student_id is not None:
        conditions.append(StudyPlan.student_id == student_id)
    total = session.scalar(select(func.count(StudyPlan.id)).where(*conditions)) or 0
    plans = session.scalars(
        select(StudyPlan)
        .where(*conditions)
        .order_by(StudyPlan.created_at.desc(), StudyPlan.id.desc())
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    return StudyPlanPage.of((StudyPlanPublic.model_validate(p) for p in plans), page, total)


def get_plan(session: Session, principal: Principal, plan_id: int) -> StudyPlanPublic:
    plan = session.scalars(
        select(StudyPlan).where(StudyPlan.id == plan_id, _visible(principal))
    ).one_or_none()
    if plan is None:
        raise NotFound(_("Study plan not found."))
    return StudyPlanPublic.model_validate(plan)
