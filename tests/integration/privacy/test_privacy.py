"""GDPR export and erasure over HTTP, and the admin audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import AccountToken, AuthSession, User
from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.audit.models import AuditEntry
from nexus.notifications.models import Notification, NotificationKind
from nexus.offers.models import Enrollment
from nexus.people.models import ParentLink, StudentProfile
from nexus.scheduling.models import Attendance, Booking
from tests.factories.accounts import UserFactory
from tests.factories.assessments import AssessmentFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory, StudentProfileFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import DEFAULT_PASSWORD, Actor, Api

EXPORT = "/api/v1/privacy/export"
ERASE = "/api/v1/privacy/erasure"
MINOR = date.today() - timedelta(days=15 * 365)
ADULT = date.today() - timedelta(days=19 * 365)


def _family(api: Api, session: Session) -> dict[str, Actor]:
    """A parent, a minor child (signed in), an adult child; history for both children."""
    parent = api.actor(Role.PARENT, first_name="Isabelle", last_name="Moreau")
    minor = api.actor(Role.STUDENT, first_name="Lucas", last_name="Moreau")
    adult = api.actor(Role.STUDENT, first_name="Camille", last_name="Moreau")
    StudentProfileFactory(user_id=minor.id, birth_date=MINOR, goals="Viser la mention très bien")
    StudentProfileFactory(user_id=adult.id, birth_date=ADULT)
    ParentLinkFactory(parent_id=parent.id, student_id=minor.id)
    ParentLinkFactory(parent_id=parent.id, student_id=adult.id)
    teacher = UserFactory(role=Role.TEACHER)
    ts = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=datetime.now(UTC) - timedelta(days=2)
    )
    BookingFactory(session=ts, student_id=minor.id, attendance=Attendance.PRESENT)
    EnrollmentFactory(
        student_id=minor.id, offer__price_cents=45_000, offer__hours=10, minutes_used=90
    )
    EnrollmentFactory(student_id=adult.id, offer__price_cents=30_000)
    AssessmentFactory(student_id=minor.id, teacher_id=teacher.id, comment="Lucas progresse bien.")
    AssessmentFactory(student_id=adult.id, teacher_id=teacher.id, comment="Camille doit réviser.")
    for user in (parent.user, minor.user):
        NotificationFactory(user_id=user.id, kind=NotificationKind.ALERT, title="Alerte", body="…")
    session.commit()
    return {"parent": parent, "minor": minor, "adult": adult}


def test_parent_exports_the_familys_data(api: Api, session: Session) -> None:
    fam = _family(api, session)
    other = _family(api, session)
    response = api.get(EXPORT, fam["parent"])
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="nexus-donnees-{fam["parent"].id}-'
    )
    body = response.get_json()
    assert body["requested_by"] == fam["parent"].id
    people = {p["account"]["id"]: p for p in body["people"]}
    assert list(people) == [fam["parent"].id, fam["minor"].id, fam["adult"].id]
    assert people[fam["parent"].id]["relationship"] == "self"
    assert len(people[fam["parent"].id]["parent_links"]) == 2
    assert len(people[fam["parent"].id]["notifications"]) == 1
    assert len(people[fam["parent"].id]["sign_in_sessions"]) == 1
    lucas = people[fam["minor"].id]
    assert lucas["relationship"] == "child"
    assert lucas["student_profile"]["goals"] == "Viser la mention très bien"
    assert lucas["student_profile"]["birth_date"] == MINOR.isoformat()
    assert lucas["enrollments"][0]["price_paid_cents"] == 45_000
    assert lucas["bookings"][0]["attendance"] == "present"
    assert lucas["assessments"][0]["comment"] == "Lucas progresse bien."
    assert people[fam["parent"].id]["student_profile"] is None
    assert body["other"] == {}
    text = response.get_data(as_text=True)
    assert "password" not in text and "argon2" not in text
    assert str(other["parent"].user.email) not in text
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
    assert entry is not None and entry.actor_id == fam["parent"].id


def test_only_parents_and_adult_students_may_export(api: Api, session: Session) -> None:
    fam = _family(api, session)
    adult = api.get(EXPORT, fam["adult"])
    assert adult.status_code == 200
    assert [p["account"]["id"] for p in adult.get_json()["people"]] == [fam["adult"].id]
    minor = api.get(EXPORT, fam["minor"])
    assert minor.status_code == 403
    assert minor.get_json()["error"]["code"] == "minor_account"
    unknown_age = api.actor(Role.STUDENT)
    assert api.get(EXPORT, unknown_age).status_code == 403
    assert api.get(EXPORT, api.actor(Role.TEACHER)).status_code == 403
    assert api.post(ERASE, fam["minor"], json={"confirm": "SUPPRIMER"}).status_code == 403


def test_erasure_needs_the_confirmation_word(api: Api, session: Session) -> None:
    fam = _family(api, session)
    for payload in ({}, {"confirm": "oui"}, {"confirm": "supprimer"}):
        response = api.post(ERASE, fam["parent"], json=payload)
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"][0]["field"] == "confirm"
    assert api.get("/api/v1/auth/me", fam["parent"]).status_code == 200


def _admin_figures(api: Api, admin: Actor) -> dict[str, object]:
    body = api.get("/api/v1/dashboards/admin", admin).get_json()
    return {
        "revenue": body["revenue_last_12_months_cents"],
        "months": body["revenue_by_month"],
        "by_status": body["enrollments_by_status"],
        "remaining": body["active_minutes_remaining"],
    }


def test_parent_erases_the_family_and_accounting_is_unchanged(api: Api, session: Session) -> None:
    fam = _family(api, session)
    other = _family(api, session)
    admin = api.actor(Role.ADMIN)
    before = _admin_figures(api, admin)
    minor_email = fam["minor"].user.email

    response = api.post(ERASE, fam["parent"], json={"confirm": "SUPPRIMER"})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    parent_id, minor_id, adult_id = fam["parent"].id, fam["minor"].id, fam["adult"].id
    assert result["erased_user_ids"] == [parent_id, minor_id]
    assert result["kept_enrollments"] == 1 and result["kept_bookings"] == 1

    assert _admin_figures(api, admin) == before
    session.expire_all()
    parent, minor = session.get(User, parent_id), session.get(User, minor_id)
    assert (parent.first_name, parent.last_name) == ("Parent", "supprimé")
    assert minor.full_name == "Élève supprimé"
    assert minor.email == f"deleted-{minor_id}@invalid" and not minor.is_active
    assert minor.password_hash == "!erased"
    profile = session.get(StudentProfile, minor_id)
    assert profile.goals == "" and profile.birth_date is None
    assert profile.learning_preferences == {}
    assert session.scalars(select(Notification).where(Notification.user_id == minor_id)).all() == []
    assert session.scalar(select(ParentLink).where(ParentLink.parent_id == parent_id)) is None
    kept = session.scalar(select(Enrollment).where(Enrollment.student_id == minor_id))
    assert kept.price_paid_cents == 45_000 and kept.minutes_used == 90
    assert session.scalar(select(Booking).where(Booking.student_id == minor_id)) is not None
    mark = session.scalar(select(Assessment).where(Assessment.student_id == minor_id))
    assert mark.comment == "" and mark.score == 12
    # Every sign-in of the erased accounts is revoked; their tokens stop working.
    live = session.scalars(
        select(AuthSession).where(
            AuthSession.user_id.in_([parent_id, minor_id]), AuthSession.revoked_at.is_(None)
        )
    ).all()
    assert live == []
    assert api.get("/api/v1/auth/me", fam["parent"]).status_code == 401
    assert api.get("/api/v1/auth/me", fam["minor"]).status_code == 401
    assert api.login(minor_email, fam["minor"].password).status_code == 401
    # The adult child keeps their account (only the link went); the other family is intact.
    adult = session.get(User, adult_id)
    assert adult.first_name == "Camille" and adult.is_active
    assert session.get(StudentProfile, adult_id).birth_date == ADULT
    assert api.get("/api/v1/auth/me", fam["adult"]).status_code == 200
    assert session.get(User, other["minor"].id).first_name == "Lucas"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erasure"))
    assert entry.actor_id == parent_id and entry.target_id == parent_id
    assert entry.details["erased_user_ids"] == [parent_id, minor_id]


def test_an_adult_student_erases_their_own_data(api: Api, session: Session) -> None:
    fam = _family(api, session)
    pending = {"new_email": "nouvelle@example.fr", "current_password": DEFAULT_PASSWORD}
    assert api.post("/api/v1/auth/email", fam["adult"], json=pending).status_code == 202
    assert session.scalar(select(AccountToken.new_email)) == "nouvelle@example.fr"
    response = api.post(ERASE, fam["adult"], json={"confirm": "SUPPRIMER"})
    assert response.status_code == 200
    assert response.get_json()["erased_user_ids"] == [fam["adult"].id]
    session.expire_all()
    assert (
        session.scalar(select(AccountToken).where(AccountToken.user_id == fam["adult"].id)) is None
    )
    assert session.get(User, fam["adult"].id).email == f"deleted-{fam['adult'].id}@invalid"
    assert session.get(User, fam["parent"].id).first_name == "Isabelle"


def test_admin_erases_on_behalf_and_it_is_audited(api: Api, session: Session) -> None:
    fam = _family(api, session)
    admin = api.actor(Role.ADMIN)
    teacher = api.actor(Role.TEACHER)
    url = f"/api/v1/privacy/users/{fam['minor'].id}/erasure"
    assert api.post(url, fam["parent"], json={"confirm": "SUPPRIMER"}).status_code == 403
    response = api.post(url, admin, json={"confirm": "SUPPRIMER"})
    assert response.status_code == 200
    assert response.get_json()["erased_user_ids"] == [fam["minor"].id]
    staff = api.post(
        f"/api/v1/privacy/users/{teacher.id}/erasure", admin, json={"confirm": "SUPPRIMER"}
    )
    assert staff.status_code == 422
    assert staff.get_json()["error"]["fields"][0]["field"] == "user_id"
    missing = api.post("/api/v1/privacy/users/999999/erasure", admin, json={"confirm": "SUPPRIMER"})
    assert missing.status_code == 404

    log = api.get("/api/v1/admin/audit-log?action=admin.privacy_erasure", admin).get_json()
    assert log["total"] == 1
    assert log["items"][0]["actor_id"] == admin.id
    assert log["items"][0]["target_id"] == fam["minor"].id


def test_audit_log_filters_and_access(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    from nexus.audit.services import record

    for i in range(3):
        record(session, admin.id, "account.deactivate", "user", 100 + i, {"n": i})
    record(session, None, "privacy.export", "user", 100, {})
    session.commit()
    url = "/api/v1/admin/audit-log"
    everything = api.get(url, admin).get_json()
    assert everything["total"] == 4
    assert everything["items"][0]["action"] == "privacy.export"  # newest first
    oldest = api.get(f"{url}?sort=created_at&page_size=1", admin).get_json()
    assert oldest["items"][0]["details"] == {"n": 0} and oldest["total"] == 4
    assert api.get(f"{url}?actor_id={admin.id}", admin).get_json()["total"] == 3
    assert api.get(f"{url}?target_type=user&target_id=100", admin).get_json()["total"] == 2
    assert api.get(f"{url}?action=account.deactivate", admin).get_json()["total"] == 3
    bad = api.get(f"{url}?sort=action", admin)
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "sort"
    assert api.get(url, api.actor(Role.TEACHER)).status_code == 403
