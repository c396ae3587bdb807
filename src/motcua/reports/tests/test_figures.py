"""The seeds' other figures (figures.py) on hand-built dossiers, one test per figure family."""
import datetime

import pytest
from django.utils import timezone

from motcua.backoffice.tests.scenario import build_world
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep, Outcome
from motcua.feedback import services as feedback_services
from motcua.feedback.models import Rating
from motcua.notifications.models import OutboxMessage
from motcua.reports.figures import dossier_counts, figures_by, late_steps_by_unit, period_figures, procedures_online
from motcua.reports.legacy_import import import_rows

from .conftest import at, row

# March 2024; 2 March is a Saturday.
FROM, TO = datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)
APPLICANT = {"kind": "person", "name": "Lý Thị Số Liệu", "id_number": "038195077777", "phone": "0912777777"}


def load(*rows):
    result = import_rows(list(rows))
    assert result.ok, [str(e) for e in result.errors]


@pytest.mark.django_db
def test_postal_intakes_home_deliveries_and_saturday_receipts_and_returns(world):
    load(
        row("POST-IN", at(2024, 3, 4), channel=3, status=4, due_at=at(2024, 3, 18)),
        row("POST-OUT", at(2024, 2, 20), status=10, due_at=at(2024, 3, 5), finished_at=at(2024, 3, 1),
            returned_at=at(2024, 3, 2, 9), return_channel="post"),  # returned on Saturday 2 March
        row("SAT-IN", at(2024, 3, 9, 8, 30), status=4, due_at=at(2024, 3, 25)),  # Saturday 9 March
        row("COUNTER-OUT", at(2024, 3, 4), status=10, due_at=at(2024, 3, 18), finished_at=at(2024, 3, 6),
            returned_at=at(2024, 3, 7)),
        row("BEFORE", at(2024, 2, 3), channel=3, status=4, due_at=at(2024, 4, 1)),  # a Saturday, but February
    )
    counts = dossier_counts(FROM, TO)[None]
    assert (counts["received"], counts["postal_intakes"]) == (3, 1)
    assert (counts["returned"], counts["home_deliveries"]) == (2, 1)
    assert (counts["saturday_receipts"], counts["saturday_returns"]) == (1, 1)
    # Postal uses = transfers (none: imported dossiers have no hand-over) + intakes + home deliveries.
    assert counts["postal_uses"] == 2


@pytest.mark.django_db
def test_on_the_spot_is_a_flagged_procedure_or_a_same_day_resolution(world):
    load(
        row("SAME-DAY", at(2024, 3, 5, 8), status=9, due_at=at(2024, 3, 19), finished_at=at(2024, 3, 5, 16)),
        row("NEXT-DAY", at(2024, 3, 5, 8), status=9, due_at=at(2024, 3, 19), finished_at=at(2024, 3, 6, 9)),
        row("FLAGGED", at(2024, 3, 5, 8), status=10, due_at=at(2024, 3, 6), finished_at=at(2024, 3, 6, 9),
            returned_at=at(2024, 3, 6, 10), procedure="1.001193.000.00.00.H99", agency="000.21.20.H99"),
        # Withdrawn the same day: finished, but not a resolution.
        row("WITHDRAWN", at(2024, 3, 5, 8), status=7, due_at=at(2024, 3, 19), finished_at=at(2024, 3, 5, 9)),
    )
    ProcedureVersion.objects.filter(pk=world["birth_version"].pk).update(is_on_the_spot=True)
    counts = dossier_counts(FROM, TO)[None]
    assert counts["resolved"] == 3
    assert counts["on_the_spot"] == 2  # SAME-DAY and FLAGGED


@pytest.mark.django_db
def test_digitisation_reuse_and_payment_counts(world):
    load(
        row("D1", at(2024, 3, 4), status=4, due_at=at(2024, 3, 18), digitized=1, paid_online=1, fee_amount=50000),
        row("D2", at(2024, 3, 4), status=4, due_at=at(2024, 3, 18), digitized=1, fee_amount=50000),
        row("D3", at(2024, 3, 4), status=4, due_at=at(2024, 3, 18)),
        row("D4", at(2024, 3, 4), status=4, due_at=at(2024, 3, 18)),
    )
    d1 = Dossier.objects.get(code="D1")
    d1.documents.create(name="Tờ khai", digitization=2)
    d1.documents.create(name="Giấy chứng nhận", digitization=1)
    counts = dossier_counts(FROM, TO)[None]
    assert (counts["digitised"], counts["digitisation_rate"]) == (2, 50.0)
    assert (counts["reused"], counts["reuse_rate"]) == (1, 25.0)
    assert (counts["with_fee"], counts["paid_online"]) == (2, 1)
    figures = period_figures(FROM, TO)
    # The documents app's selector counts the same dossiers (by receiving agency).
    assert figures["digitisation"]["dossiers"] == 4
    assert figures["digitisation"]["digitised"] == 2
    assert figures["digitisation"]["rate"] == 50.0
    assert figures["digitisation"]["reused_documents"] == 1


@pytest.mark.django_db
def test_grouped_by_agency_and_level(world):
    load(
        row("LAND-1", at(2024, 3, 4), channel=2, status=4, due_at=at(2024, 3, 18)),
        row("LAND-2", at(2024, 3, 4), channel=3, status=4, due_at=at(2024, 3, 18)),
        row("BIRTH", at(2024, 3, 4), channel=2, status=4, due_at=at(2024, 3, 5),
            procedure="1.001193.000.00.00.H99", agency="000.21.20.H99", service_point="mot-cua-phuong"),
    )
    by_agency = {r["code"]: r for r in figures_by(FROM, TO, "agency")}
    assert (by_agency["000.00.20.H99"]["received"], by_agency["000.00.20.H99"]["online_share"]) == (2, 50.0)
    assert by_agency["000.00.20.H99"]["postal_intakes"] == 1
    assert (by_agency["000.21.20.H99"]["received"], by_agency["000.21.20.H99"]["online_share"]) == (1, 100.0)
    by_level = {r["code"]: r["received"] for r in figures_by(FROM, TO, "level")}
    assert by_level == {"tinh": 2, "xa": 1}
    by_point = {r["code"]: r["received"] for r in figures_by(FROM, TO, "service_point")}
    assert by_point == {"trung-tam": 2, "mot-cua-phuong": 1}
    # A scope narrows every figure.
    assert period_figures(FROM, TO, level=world["commune"])["dossiers"]["received"] == 1
    assert period_figures(FROM, TO, service_point=world["centre"])["postal"]["intakes"] == 1


@pytest.mark.django_db
def test_procedures_offered_online_and_those_with_online_dossiers(world):
    ProcedureVersion.objects.filter(pk=world["land_version"].pk).update(online_level="full", accepts_online=True)
    load(row("ONLINE-BIRTH", at(2024, 3, 4), channel=2, status=4, due_at=at(2024, 3, 5),
             procedure="1.001193.000.00.00.H99", agency="000.21.20.H99"))
    figures = procedures_online(FROM, TO)
    assert (figures["procedures"], figures["offered_online"], figures["with_online_dossiers"]) == (2, 1, 1)
    assert (figures["offered_online_rate"], figures["used_online_rate"]) == (50.0, 0.0)
    # For one agency only.
    assert procedures_online(FROM, TO, agency_ids=[world["land"].pk])["procedures"] == 1


def engine_dossier(world, received, **kwargs):
    documents = [{"required_document": d.pk, "originals": 1} for d in world.version.documents.filter(is_required=True)]
    return services.receive_at_counter(world.counter_officer, procedure_version=world.version, applicant=APPLICANT,
                                       documents=documents, service_point=world.service_point, received_at=received,
                                       **kwargs)


@pytest.mark.django_db
def test_transfers_apologies_and_late_steps_by_unit():
    world = build_world()
    # Received Monday 4 March, handed to the specialist twice (only the first is a transfer),
    # handed on late, resolved, returned by post; an apology is issued.
    d = engine_dossier(world, at(2024, 3, 4, 8), return_channel="post", delivery_address="1 Lê Lợi")
    d = services.hand_over(world.counter_officer, d, at=at(2024, 3, 4, 9))  # counter step within 2 hours
    d = services.hand_over(world.specialist, d, at=at(2024, 3, 8, 9))  # 12-hour step, taken 4 days: late
    d = services.hand_over(world.leader, d, to_step=2, at=at(2024, 3, 8, 10))  # sent back: not a transfer
    d = services.apologise(world.specialist, d, new_appointment=at(2024, 3, 20, 17), reason="Chờ xác minh",
                           at=at(2024, 3, 11, 9))
    # A dossier received in February and handed over in February: not in the period.
    old = engine_dossier(world, at(2024, 2, 5, 8))
    services.hand_over(world.counter_officer, old, at=at(2024, 2, 5, 9))

    counts = dossier_counts(FROM, TO)[None]
    assert counts["transfers"] == 1
    assert counts["apologies"] == 1
    steps = {(s["unit"], s["late"], s["steps"]) for s in late_steps_by_unit(FROM, TO)}
    assert ("Phòng Hộ tịch", 1, 1) in steps
    assert ("Bộ phận Một cửa", 0, 1) in steps
    late_step = DossierStep.objects.get(dossier=d, unit="Phòng Hộ tịch", finished_at__isnull=False)
    assert late_step.outcome == Outcome.LATE
    assert late_steps_by_unit(FROM, TO)[0]["unit"] == "Phòng Hộ tịch"  # units with late steps first


@pytest.mark.django_db
def test_ratings_feedback_and_notifications_come_from_their_apps():
    world = build_world()
    d1 = engine_dossier(world, at(2024, 3, 4, 8))
    d2 = engine_dossier(world, at(2024, 3, 4, 9))
    for dossier, level in ((d1, "very_satisfied"), (d2, "dissatisfied")):
        Rating.objects.create(dossier=dossier, agency=world.agency, level=level, channel="kiosk",
                              created_at=at(2024, 3, 6), updated_at=at(2024, 3, 6))
    for channel in ("national_portal", "letter", "hotline"):
        feedback_services.log_by_officer(world.counter_officer, channel=channel, subject_kind="procedure",
                                         content="Hồ sơ chậm", procedure_code=world.version.procedure.code,
                                         received_at=at(2024, 3, 7))
    for channel, status in (("sms", "sent"), ("sms", "sent"), ("email", "sent"), ("sms", "failed")):
        OutboxMessage.objects.create(event_kind="received", channel=channel, recipient="0912777777", body="x",
                                     status=status, agency=world.agency, sent_at=at(2024, 3, 8),
                                     last_attempt_at=at(2024, 3, 8))
    figures = period_figures(FROM, TO)
    assert (figures["ratings"]["count"], figures["ratings"]["satisfaction_rate"]) == (2, 50.0)
    assert figures["feedback"]["total"] == 3
    assert figures["feedback"]["by_channel"]["national_portal"] == 1
    assert figures["feedback"]["by_channel"]["letter"] + figures["feedback"]["by_channel"]["hotline"] == 2
    assert figures["notifications"] == {"sms": 2, "email": 1, "failed": 1, "sent": 3}
    assert figures["online_payments"] == {"count": 0, "amount": 0}
    # Scoped to another agency, nothing.
    other = period_figures(FROM, TO, agency_ids=[world.other_agency.pk])
    assert (other["ratings"]["count"], other["notifications"]["sent"]) == (0, 0)
    assert timezone.is_aware(at(2024, 3, 1))
