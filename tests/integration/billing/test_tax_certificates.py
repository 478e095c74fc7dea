"""The attestation fiscale: eligible sessions and payments of a year, exact to the cent, the
PDF's mentions, who may read it, and the yearly CLI (idempotent, families told)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.attestations import certificate_figures
from nexus.billing.models import BillingDocument, TaxCertificate
from nexus.billing.services import LineInput, issue_invoice
from nexus.clock import paris_today
from nexus.config import BusinessIdentity, TaxCreditRule
from nexus.demo import seed_demo
from nexus.notifications.models import Notification, NotificationKind
from nexus.offers.models import OfferKind
from nexus.scheduling.models import SessionKind, SessionPlace, SessionStatus
from tests.factories.accounts import UserFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api

YEAR = 2025
# 12 345 counted × 30 000 eligible / 32 000 TTC = 11 573.4375 → 11 573 (half-up, once).
EXPECTED_CENTS = 11_573


@dataclass
class Family:
    parent: Actor
    child: User
    teacher: User
    eligible: BillingDocument
    group: BillingDocument


def _invoice(
    session: Session, family_id: int, enrollment_id: int, lines: list[LineInput]
) -> BillingDocument:
    return issue_invoice(
        session,
        buyer_name="Claire Martin",
        buyer_address="8 avenue Foch, 69006 Lyon",
        lines=lines,
        issued_on=date(YEAR, 1, 10),
        family_id=family_id,
        enrollment_id=enrollment_id,
    )


def _pay(api: Api, admin: Actor, document_id: int, cents: int, method: str, on: str) -> int:
    response = api.post(
        f"/api/v1/billing/documents/{document_id}/payments",
        admin,
        json={"amount_cents": cents, "method": method, "received_on": on},
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _session_at(teacher: User, start: datetime, **fields: object) -> object:
    values: dict[str, object] = {"status": SessionStatus.COMPLETED, **fields}
    return TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=start, ends_at=start + timedelta(minutes=90), **values
    )


@pytest.fixture()
def family(api: Api, session: Session) -> Family:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    child = UserFactory(role=Role.STUDENT, first_name="Léa", last_name="Martin")
    teacher = UserFactory(role=Role.TEACHER, first_name="Hélène", last_name="Dubois")
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    individual = EnrollmentFactory(student_id=child.id, offer__kind=OfferKind.INDIVIDUAL)
    group = EnrollmentFactory(student_id=child.id, offer__kind=OfferKind.SMALL_GROUP)
    eligible = _invoice(
        session,
        parent.id,
        individual.id,
        [
            LineInput("Cours particuliers à domicile — 10 h", 1000, 3000, eligible=True),
            LineInput("Frais de dossier", 100, 2000),
        ],
    )
    group_invoice = _invoice(session, parent.id, group.id, [LineInput("Stage", 100, 10_000)])
    home = {"kind": SessionKind.INDIVIDUAL, "place": SessionPlace.AT_HOME, "online_url": None}
    # Listed: individual, at home, in the year (Paris), not cancelled.
    listed = _session_at(teacher, datetime(YEAR, 3, 12, 15, 0, tzinfo=UTC), **home)
    BookingFactory(session=listed, student_id=child.id, enrollment=individual)
    # Not listed: online; a group at home; cancelled; 1 January of the next year in Paris.
    online = _session_at(teacher, datetime(YEAR, 3, 19, 15, 0, tzinfo=UTC))
    BookingFactory(session=online, student_id=child.id, enrollment=individual)
    grouped = _session_at(
        teacher,
        datetime(YEAR, 3, 26, 15, 0, tzinfo=UTC),
        kind=SessionKind.GROUP,
        capacity=3,
        place=SessionPlace.AT_HOME,
        online_url=None,
    )
    BookingFactory(session=grouped, student_id=child.id, enrollment=individual)
    cancelled = _session_at(
        teacher,
        datetime(YEAR, 4, 2, 15, 0, tzinfo=UTC),
        **home | {"status": SessionStatus.CANCELLED},
    )
    BookingFactory(session=cancelled, student_id=child.id, enrollment=individual)
    new_year = _session_at(teacher, datetime(YEAR, 12, 31, 23, 30, tzinfo=UTC), **home)
    BookingFactory(session=new_year, student_id=child.id, enrollment=individual)
    session.commit()

    _pay(api, admin, eligible.id, 12_345, "card", f"{YEAR}-02-01")
    _pay(api, admin, eligible.id, 5_000, "cesu_prefinanced", f"{YEAR}-03-01")
    _pay(api, admin, eligible.id, 3_000, "avance_immediate", f"{YEAR}-05-01")
    mistaken = _pay(api, admin, eligible.id, 1_000, "card", f"{YEAR}-04-01")
    reversal = api.post(
        f"/api/v1/billing/documents/{eligible.id}/payments/{mistaken}/reversal",
        admin,
        json={"received_on": f"{YEAR}-04-02"},
    )
    assert reversal.status_code == 201
    _pay(api, admin, eligible.id, 6_000, "cheque", f"{YEAR + 1}-01-05")  # next year's
    _pay(api, admin, group_invoice.id, 10_000, "card", f"{YEAR}-02-01")  # not eligible
    return Family(parent, child, teacher, eligible, group_invoice)


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    content = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(content.replace("\u00a0", " ").split())


def test_the_figures_count_only_eligible_sessions_and_payments_of_the_year(
    api: Api, family: Family
) -> None:
    url = f"/api/v1/billing/families/{family.parent.id}/tax-certificates/{YEAR}"
    response = api.get(url, family.parent)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["amount_cents"] == EXPECTED_CENTS
    assert body["excluded_cents"] == 8_000  # CESU préfinancé 50 € + avance immédiate 30 €
    assert body["issued"] is False and body["sha256"] is None
    assert [
        (i["number"], i["paid_in_year_cents"], i["eligible_paid_cents"]) for i in body["invoices"]
    ] == [(family.eligible.number, 12_345, EXPECTED_CENTS)]
    assert body["interventions"] == [
        {"on": f"{YEAR}-03-12", "teacher": "Hélène Dubois", "student": "Léa Martin", "minutes": 90}
    ]
    assert body["minutes"] == 90
    assert body["client_name"] == family.parent.user.full_name
    assert body["client_address"] == "8 avenue Foch, 69006 Lyon"


def test_the_pdf_carries_every_mention_of_the_model(api: Api, family: Family) -> None:
    seller = BusinessIdentity()
    url = f"/api/v1/billing/families/{family.parent.id}/tax-certificates/{YEAR}.pdf"
    response = api.get(url, family.parent)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attestation-fiscale-2025" in response.headers["Content-Disposition"]
    content = _text(response.data)
    for mention in [
        f"Attestation fiscale annuelle — année {YEAR}",
        seller.legal_name,
        seller.address,
        f"SIREN : {seller.siren}",
        f"Déclaration de services à la personne n° {seller.sap_declaration_number} du "
        "01/09/2024",
        family.parent.user.full_name,  # the client
        "8 avenue Foch, 69006 Lyon",
        "12/03/2025 Hélène Dubois Léa Martin 1,5 h",  # intervenant, date, duration
        "la somme de 115,73 €",
        f"Montant total payé en {YEAR} ouvrant droit à l'avantage fiscal : 115,73 €",
        "exclues du montant ci-dessus : 80,00 €",
        "crédit d'impôt de 50 %",
        "article 199 sexdecies du code général des impôts",
        "art. D. 7233-1 du code du travail",
        "Fait le",
        "signature",
    ]:
        assert mention in content, mention
    assert "19/03/2025" not in content and "26/03/2025" not in content  # online, group
    assert "02/04/2025" not in content and "01/01/2026" not in content  # cancelled, next year


def test_who_may_read_a_certificate_and_which_years(
    api: Api, family: Family, session: Session
) -> None:
    url = f"/api/v1/billing/families/{family.parent.id}/tax-certificates/{YEAR}"
    assert api.get(url, api.actor(Role.ADMIN)).status_code == 200
    for outsider in (
        api.actor(Role.PARENT),
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
    ):
        for path in (url, f"{url}.pdf"):
            response = api.get(path, outsider)
            assert response.status_code == 404, (outsider.user.role, path)
            assert response.get_json()["error"]["code"] == "not_found"
    assert api.get(url, None).status_code == 401
    unknown = f"/api/v1/billing/families/999999/tax-certificates/{YEAR}"
    assert api.get(unknown, api.actor(Role.ADMIN)).status_code == 404

    current = api.get(url.replace(str(YEAR), "2026"), family.parent)
    assert current.status_code == 409
    error = current.get_json()["error"]
    assert error["code"] == "year_not_ended"
    assert error["message"] == (
        "L'attestation fiscale de 2026 ne peut être établie qu'une fois l'année terminée."
    )
    future = api.get(f"{url.replace(str(YEAR), '2031')}.pdf", family.parent)
    assert future.status_code == 409
    too_old = api.get(url.replace(str(YEAR), "1999"), family.parent)
    assert too_old.status_code == 422
    assert too_old.get_json()["error"]["code"] == "validation_error"
    assert too_old.get_json()["error"]["fields"][0]["field"] == "year"
    nothing = api.get(f"{url.replace(str(YEAR), '2024')}.pdf", family.parent)
    assert nothing.status_code == 404
    assert nothing.get_json()["error"]["code"] == "no_eligible_payment"


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["tax-certificates", *args])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_the_yearly_run_issues_each_certificate_once_and_tells_the_parent(
    app: Flask, api: Api, family: Family, session: Session
) -> None:
    assert "1 tax certificate(s) issued for 2025" in _run(
        app, "--year", str(YEAR), "--today", "2026-01-15"
    )
    assert "0 tax certificate(s) issued for 2025" in _run(app, "--today", "2026-01-16")
    session.expire_all()
    stored = session.scalars(select(TaxCertificate)).all()
    assert [(c.family_id, c.year, c.amount_cents) for c in stored] == [
        (family.parent.id, YEAR, EXPECTED_CENTS)
    ]
    assert stored[0].sha256 == hashlib.sha256(stored[0].pdf).hexdigest()
    notices = session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.TAX_CERTIFICATE)
    ).all()
    assert [(n.user_id, n.title) for n in notices] == [
        (family.parent.id, "Votre attestation fiscale 2025 est disponible")
    ]
    assert "115,73" in notices[0].body and "50 %" in notices[0].body

    url = f"/api/v1/billing/families/{family.parent.id}/tax-certificates/{YEAR}"
    body = api.get(url, family.parent).get_json()
    assert body["issued"] is True and body["issued_on"] == "2026-01-15"
    assert body["amount_cents"] == EXPECTED_CENTS and body["sha256"] == stored[0].sha256
    served = api.get(f"{url}.pdf", family.parent).data
    assert hashlib.sha256(served).hexdigest() == stored[0].sha256

    with pytest.raises(DBAPIError):
        with session.begin_nested():
            session.execute(text("UPDATE billing_tax_certificates SET amount_cents = 1"))


def test_the_run_refuses_a_year_not_ended(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["tax-certificates", "--year", "2026", "--today", "2026-06-01"]
    )
    assert result.exit_code != 0 and "has not ended" in result.output


def test_the_demo_family_has_figures_for_last_year(app: Flask, session: Session) -> None:
    with app.app_context():
        seed_demo(session)
        seed_demo(session)
        session.commit()
        parent = session.scalars(select(User).where(User.email == "parent@nexus-reussite.fr")).one()
        last_year = paris_today().year - 1
        figures = certificate_figures(session, parent, last_year, TaxCreditRule())
    assert figures.amount_cents == 6_000  # 1,5 h at 40 €, paid by transfer in December
    assert [(i.on, i.minutes) for i in figures.interventions] == [(date(last_year, 12, 2), 90)]
