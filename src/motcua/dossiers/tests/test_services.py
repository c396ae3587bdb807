"""The commands, through a real database: receipt, every transition allowed and refused, the
pause arithmetic, step blame, staleness and agency scoping."""
import datetime
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from motcua.calendar.services import legal_calendar
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, DossierSequence, Outcome, Pause, Status
from motcua.dossiers.services import DossierActionError
from motcua.dossiers.signals import dossier_event_committed

from motcua.testing.world import APPLICANT, MONDAY, at, documents_for
from motcua.testing import world as testing_world


refused = partial(testing_world.refused, error=DossierActionError)


# --- receipt ----------------------------------------------------------------------------------


def test_code_format_and_daily_restart(receive, world):
    first, second = receive(), receive(when=at(2026, 3, 2, 9))
    tuesday = receive(when=at(2026, 3, 3, 9))
    assert [first.code, second.code, tuesday.code] == [
        "000.00.20.H99-260302-0001", "000.00.20.H99-260302-0002", "000.00.20.H99-260303-0001",
    ]
    other = s.receive_at_counter(
        world["justice_counter"], procedure_version=world["birth"], applicant=APPLICANT,
        documents=[{"required_document": world["birth"].documents.get().pk, "originals": 1}], received_at=MONDAY,
    )
    assert other.code == "000.00.10.H99-260302-0001"  # each agency has its own sequence
    assert DossierSequence.objects.get(agency=world["land"], day=datetime.date(2026, 3, 2)).last == 2


def test_receipt_sets_due_step_fee_and_event(receive, world):
    d = receive()
    assert (d.status, d.channel_in, d.received_by, d.fee_due) == (Status.RECEIVED, 1, world["counter"], 50000)
    assert d.due_at == d.original_due_at == at(2026, 3, 16, 8)  # 10 working days
    assert (d.competent_agency, d.current_agency, d.procedure, d.field_id) == (
        world["land"], world["land"], world["version"].procedure, world["version"].field_id)
    step = d.steps.get()
    assert (step.order, step.step_index, step.name, step.due_at) == (1, 1, "Tiếp nhận hồ sơ", at(2026, 3, 2, 14))
    assert d.documents.count() == 3 and d.documents.filter(digitization=1).count() == 3
    event = d.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == ("receive_at_counter", world["counter"],
                                                                           None, 2)
    assert (d.applicant_name, d.owner_name, d.owner_same_as_applicant) == ("Trần Thị Mẫu", "Trần Thị Mẫu", True)


def test_after_hours_receipt_counts_from_next_working_moment(receive):
    d = receive(when=at(2026, 3, 6, 18))  # Friday evening
    calendar = legal_calendar()
    assert d.clock_started_at == at(2026, 3, 9, 7)  # Monday 07:00
    assert d.due_at == calendar.add(at(2026, 3, 9, 7), 10, "working_days")
    assert d.code.endswith("-260306-0001")  # the code carries the day it was handed in


def test_bad_input_is_refused_and_nothing_saved(receive, world):
    refused("invalid", receive, documents=documents_for(world, skip={1}))
    refused("invalid", receive, applicant={**APPLICANT, "id_number": "12345"})
    refused("invalid", receive, applicant={**APPLICANT, "birth_date": datetime.date(1991, 1, 1)})
    refused("invalid", receive, applicant={**APPLICANT, "phone": "12ab"})
    refused("invalid", receive, applicant={"kind": "business", "name": "Công ty TNHH Thử", "id_number": "123"})
    refused("invalid", receive, return_channel="post", applicant={**APPLICANT, "address": ""})
    refused("invalid", receive, documents=[{"required_document": 999999, "originals": 1}])
    draft = world["version"]
    draft.status = "draft"
    refused("invalid", receive, procedure_version=draft)
    draft.status = "published"
    assert Dossier.objects.count() == 0 and DossierSequence.objects.count() == 0
    err = refused("invalid", receive, documents=documents_for(world, skip={1}))
    assert "Giấy chứng nhận quyền sử dụng đất" in err.messages[0]


def test_business_applicant_and_post(receive, world):
    business = {"kind": "business", "name": "Công ty TNHH Thử Nghiệm", "id_number": "0101234567001",
                "address": "Khu công nghiệp Số 1"}
    d = s.receive_by_post(world["counter"], procedure_version=world["version"], applicant=business,
                          documents=documents_for(world), received_at=MONDAY)
    assert (d.channel_in, d.return_channel, d.delivery_address) == (3, "post", "Khu công nghiệp Số 1")
    assert d.applicant_id_number == "0101234567-001" and d.applicant_birth_date is None


def test_payment_gateway_acts_only_on_payments(receive, world):
    gateway = s.SystemActor("payment_gateway")
    d = receive()
    d = s.request_payment(world["counter"], d, amount=120000, at=at(2026, 3, 2, 9))
    # A verified gateway callback confirms the payment without an officer, and says so in the event.
    d = s.confirm_payment(gateway, d, amount_paid=120000, online=True, at=at(2026, 3, 2, 10))
    assert (d.status, d.fee_paid, d.paid_online) == (Status.RECEIVED, 120000, True)
    event = d.events.get(kind="confirm_payment")
    assert event.actor is None and event.payload["system"] == "payment_gateway"
    # ...but it can do nothing else, and an unknown component nothing at all.
    refused("forbidden", s.hand_over, gateway, d)
    refused("forbidden", s.record_payment, s.SystemActor("someone"), d, amount=1000, method="cash")


def test_record_payment_keeps_status_and_clock(receive, world):
    d = receive()
    due = d.due_at
    d = s.record_payment(world["counter"], d, amount=25000, method="cash", reference="BL-001", at=at(2026, 3, 2, 9))
    assert (d.status, d.fee_paid, d.paid_online, d.due_at) == (Status.RECEIVED, 25000, False, due)
    assert d.events.get(kind="record_payment").payload["reference"] == "BL-001"
    refused("invalid", s.record_payment, world["counter"], d, amount=0, method="cash")
    refused("invalid", s.record_payment, world["counter"], d, amount=-5, method="cash")


def test_digitised_flag_follows_the_documents(receive, world):
    digitised = documents_for(world)
    assert all(doc["digitization"] == 1 for doc in digitised)
    assert receive(documents=digitised).is_digitized is True
    paper_first = [dict(doc, digitization=0) if i == 0 else doc for i, doc in enumerate(digitised)]
    assert receive(documents=paper_first).is_digitized is False


def test_online_submission_keeps_the_citizen_account(world, django_user_model):
    citizen = django_user_model.objects.create_user("citizen", password="x")
    d = s.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                        documents=documents_for(world), submitted_at=at(2026, 3, 2, 9))
    assert d.account == citizen and d.status == Status.NEW


def test_online_submission_then_acceptance(world):
    d = s.submit_online(None, procedure_version=world["version"], applicant=APPLICANT,
                        documents=documents_for(world), submitted_at=at(2026, 3, 1, 22))  # Sunday night
    assert (d.status, d.channel_in, d.due_at, d.received_at, d.fee_due) == (Status.NEW, 2, None, None, 25000)
    assert d.steps.count() == 0
    d = s.accept_online(world["counter"], d, at=at(2026, 3, 2, 9))
    assert d.status == Status.RECEIVED and d.received_at == at(2026, 3, 1, 22)
    assert d.due_at == at(2026, 3, 12, 7) or d.due_at == legal_calendar().add(at(2026, 3, 1, 22), 8, "working_days")
    assert d.steps.get().started_at == at(2026, 3, 2, 9)
    refused("not_allowed", s.accept_online, world["counter"], d)
    birth = world["birth"]
    refused("invalid", s.submit_online, None, procedure_version=birth, applicant=APPLICANT,
            documents=[{"required_document": birth.documents.get().pk, "originals": 1}])


# --- refusals, permissions, staleness ---------------------------------------------------------


def test_refuse_intake(receive, world):
    online = s.submit_online(None, procedure_version=world["version"], applicant=APPLICANT,
                             documents=documents_for(world), submitted_at=MONDAY)
    refused("invalid", s.refuse_intake, world["counter"], online, reason=" ")
    online = s.refuse_intake(world["counter"], online, reason="Hồ sơ không thuộc thẩm quyền", at=MONDAY)
    assert (online.status, online.outcome) == (Status.NOT_RECEIVED, None)  # never received: not classified
    d = receive()
    d = s.refuse_intake(world["counter"], d, reason="Thiếu chữ ký", at=at(2026, 3, 2, 10))
    # Refused at intake after the counter took it: still never received, never classified
    # (dossiers.counting); it was classified "early" before, and counted received and resolved.
    assert (d.status, d.outcome, d.finished_at) == (Status.NOT_RECEIVED, None, at(2026, 3, 2, 10))
    assert d.events.last().payload["reason"] == "Thiếu chữ ký"
    refused("not_allowed", s.refuse_intake, world["counter"], d, reason="lần hai")


def test_officers_of_another_agency_cannot_act(receive, world):
    d = receive()
    refused("forbidden", s.hand_over, world["justice_counter"], d)
    refused("forbidden", s.request_supplement, world["tax_specialist"], d, items=["x"], reason="y")
    refused("forbidden", s.resolve, world["justice_leader"], d)
    refused("forbidden", s.receive_at_counter, world["justice_counter"], procedure_version=world["version"],
            applicant=APPLICANT, documents=documents_for(world), received_at=MONDAY)
    # within the agency, the role decides
    refused("forbidden", s.resolve, world["counter"], d)
    refused("forbidden", s.assign, world["specialist"], d, officer=world["specialist"])
    assert Dossier.objects.get(pk=d.pk).version == 1 and d.events.count() == 1


def test_stale_form_is_refused(receive, world):
    d = receive()
    s.hand_over(world["counter"], d, expected_version=1, at=at(2026, 3, 2, 9))
    err = refused("stale", s.request_supplement, world["specialist"], d, items=["Bản đồ"], reason="Thiếu",
                  expected_version=1)
    assert d.code in err.messages[0]
    row = Dossier.objects.get(pk=d.pk)
    assert (row.version, row.status, row.supplement_count) == (2, Status.PROCESSING, 0)


def test_illegal_transitions_are_refused(receive, world):
    d = receive()
    refused("not_allowed", s.return_result, world["counter"], d)
    refused("not_allowed", s.receive_supplement, world["counter"], d)
    refused("not_allowed", s.confirm_payment, world["counter"], d)
    d = s.resolve(world["leader"], d, result_description="Giấy chứng nhận", at=at(2026, 3, 3, 9))
    for fn, kwargs in [(s.hand_over, {}), (s.request_supplement, {"items": ["a"], "reason": "b"}),
                       (s.stop, {"reason": "x"}), (s.withdraw, {}), (s.resolve, {}), (s.start_processing, {})]:
        refused("not_allowed", fn, world["leader"] if fn in (s.stop, s.resolve) else world["counter"], d, **kwargs)
    s.record_payment(world["counter"], d, amount=50000, method="cash", reference="BL-1", at=at(2026, 3, 3, 10))
    d = s.return_result(world["counter"], d, at=at(2026, 3, 3, 10))
    assert (d.status, d.returned_at) == (Status.RETURNED, at(2026, 3, 3, 10))
    refused("not_allowed", s.return_result, world["counter"], d)
    refused("not_allowed", s.apologise, world["leader"], d, new_appointment=at(2026, 4, 1), reason="x")


# --- the whole path and the pause arithmetic --------------------------------------------------


def test_full_path_with_supplement(receive, world):
    d = receive()
    d = s.hand_over(world["counter"], d, to_officer=world["specialist"], at=at(2026, 3, 2, 10))
    assert (d.status, d.current_step_index, d.current_unit, d.current_officer) == (
        Status.PROCESSING, 2, "Phòng Đăng ký đất đai", world["specialist"])
    step2 = d.steps.get(order=2)
    assert step2.due_at == legal_calendar().add(at(2026, 3, 2, 10), 40, "working_hours")

    d = s.request_supplement(world["specialist"], d, items=["Trích lục bản đồ"], reason="Thiếu bản đồ",
                             at=at(2026, 3, 3, 8))
    assert (d.status, d.paused_at, d.supplement_count) == (Status.WAITING_SUPPLEMENT, at(2026, 3, 3, 8), 1)
    refused("not_allowed", s.request_supplement, world["specialist"], d, items=["x"], reason="y")

    d = s.receive_supplement(world["counter"], d, documents=[{"name": "Trích lục bản đồ", "copies": 1}],
                             at=at(2026, 3, 5, 8))  # Tuesday 08:00 -> Thursday 08:00: 16 working hours
    pause = Pause.objects.get(dossier=d)
    assert (pause.kind, pause.working_minutes) == ("supplement", 960)
    assert (d.status, d.paused_minutes, d.paused_at) == (Status.PROCESSING, 960, None)
    assert d.due_at == at(2026, 3, 18, 8) and d.original_due_at == at(2026, 3, 16, 8)
    step2.refresh_from_db()
    assert step2.due_at == legal_calendar().add(at(2026, 3, 2, 10), 56, "working_hours")
    assert d.documents.filter(is_supplement=True).count() == 1
    refused("second_supplement", s.request_supplement, world["specialist"], d, items=["x"], reason="y")

    d = s.hand_over(world["specialist"], d, at=at(2026, 3, 9, 9))
    d = s.hand_over(world["leader"], d, at=at(2026, 3, 10, 9))
    d = s.resolve(world["leader"], d, result_description="Giấy chứng nhận", at=at(2026, 3, 10, 15))
    assert (d.status, d.outcome, d.finished_at) == (Status.RESOLVED, Outcome.EARLY, at(2026, 3, 10, 15))
    assert d.steps.filter(finished_at__isnull=True).count() == 0
    refused("fee_unpaid", s.return_result, world["counter"], d, at=at(2026, 3, 11, 8))  # 50.000 đ still owed
    s.record_payment(world["counter"], d, amount=50000, method="cash", reference="BL-1", at=at(2026, 3, 11, 8))
    d = s.return_result(world["counter"], d, at=at(2026, 3, 11, 8))
    kinds = list(d.events.values_list("kind", flat=True))
    assert kinds == ["receive_at_counter", "hand_over", "request_supplement", "receive_supplement", "hand_over",
                     "hand_over", "resolve", "record_payment", "return_result"]
    statuses = list(d.events.values_list("to_status", flat=True))
    assert statuses == [2, 4, 5, 4, 4, 4, 9, 9, 10]
    assert d.version == 9


def test_financial_obligation_pause_skips_the_weekend(receive, world):
    d = receive()
    s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 9))
    d = s.request_payment(world["specialist"], d, amount=120000, at=at(2026, 3, 6, 8))  # Friday 08:00
    assert (d.status, d.fee_due) == (Status.WAITING_PAYMENT, 120000)
    refused("not_allowed", s.hand_over, world["specialist"], d)
    d = s.confirm_payment(world["counter"], d, at=at(2026, 3, 9, 8))  # Monday 08:00: 8 working hours
    assert (d.status, d.fee_paid, d.paused_minutes) == (Status.PROCESSING, 120000, 480)
    assert d.due_at == at(2026, 3, 17, 8)
    # resumes the status it had: a received dossier goes back to received
    d2 = receive()
    d2 = s.request_payment(world["counter"], d2, at=at(2026, 3, 2, 9))
    d2 = s.confirm_payment(world["counter"], d2, amount_paid=50000, at=at(2026, 3, 2, 10))
    assert (d2.status, d2.paused_minutes, d2.due_at) == (Status.RECEIVED, 60, at(2026, 3, 16, 9))


def test_step_blame_when_the_dossier_is_on_time(receive, world):
    d = receive()
    d = s.hand_over(world["counter"], d, at=at(2026, 3, 2, 8, 30))
    d = s.hand_over(world["specialist"], d, at=at(2026, 3, 11, 9))  # budget 40 h ended on 9 March
    d = s.hand_over(world["leader"], d, at=at(2026, 3, 12, 9))
    d = s.resolve(world["leader"], d, at=at(2026, 3, 12, 10))
    steps = {st.order: st for st in d.steps.all()}
    assert steps[1].outcome == Outcome.ON_TIME
    assert (steps[2].outcome, steps[2].unit) == (Outcome.LATE, "Phòng Đăng ký đất đai")
    assert steps[3].outcome == Outcome.EARLY  # due the next day
    assert d.outcome == Outcome.EARLY  # the dossier as a whole was early
    assert d.events.filter(kind="hand_over").order_by("at")[1].payload["from_outcome"] == Outcome.LATE


def test_hand_over_back_and_to_another_agency(receive, world):
    d = receive()
    d = s.hand_over(world["counter"], d, at=at(2026, 3, 2, 9))
    d = s.hand_over(world["specialist"], d, at=at(2026, 3, 3, 9))
    d = s.hand_over(world["leader"], d, to_step=2, note="Xem lại diện tích", at=at(2026, 3, 4, 9))
    assert (d.current_step_index, d.step_count) == (2, 4)
    assert d.events.last().payload["backward"] is True
    d = s.hand_over(world["specialist"], d, to_agency=world["tax"], to_unit="Phòng Kê khai",
                    budget_hours=16, step_name="Xác định nghĩa vụ tài chính", at=at(2026, 3, 5, 9))
    assert (d.current_agency, d.current_unit) == (world["tax"], "Phòng Kê khai")
    # now the tax specialist holds it and the land specialist no longer may hand it over
    refused("forbidden", s.hand_over, world["specialist"], d, to_step=3)
    d = s.hand_over(world["tax_specialist"], d, to_step=3, at=at(2026, 3, 6, 9))
    assert (d.current_agency, d.current_step_name) == (world["land"], "Phê duyệt")
    refused("invalid", s.hand_over, world["leader"], d, to_step=9)
    d = s.hand_over(world["leader"], d, at=at(2026, 3, 6, 10))
    refused("invalid", s.hand_over, world["counter"], d)  # last step: resolve instead


def test_assign(receive, world):
    d = receive()
    d = s.assign(world["leader"], d, officer=world["specialist"], at=at(2026, 3, 2, 9))
    assert d.current_officer == world["specialist"] and d.steps.get().assignee == world["specialist"]
    assert d.status == Status.RECEIVED
    refused("invalid", s.assign, world["leader"], d, officer=world["justice_counter"])
    refused("invalid", s.hand_over, world["counter"], d, to_officer=world["tax_specialist"])


def test_stop_and_withdraw(receive, world):
    d = receive()
    refused("invalid", s.stop, world["leader"], d, reason="")
    d = s.request_supplement(world["counter"], d, items=["Đơn"], reason="Sai mẫu", at=at(2026, 3, 2, 9))
    d = s.stop(world["leader"], d, reason="Không bổ sung đúng hạn", at=at(2026, 3, 20, 9))
    assert (d.status, d.outcome) == (Status.STOPPED, Outcome.EARLY)  # the pause moved the due date
    assert Pause.objects.get(dossier=d).ended_at == at(2026, 3, 20, 9)
    w = receive()
    w = s.withdraw(world["counter"], w, reason="Công dân rút hồ sơ", at=at(2026, 3, 17, 9))
    assert (w.status, w.outcome) == (Status.WITHDRAWN, Outcome.LATE)


def test_resolve_electronic_needs_a_file(receive, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = receive()
    refused("invalid", s.resolve, world["leader"], d, result_kind="electronic")
    d = s.resolve(world["leader"], d, result_kind="electronic",
                  result_file=ContentFile(b"%PDF-1.4 ket qua", name="ket-qua.pdf"), at=at(2026, 3, 3, 9))
    assert d.result_kind == "electronic" and d.result_file.name.endswith(".pdf")


def test_apologise_only_when_late(receive, world):
    d = receive()
    refused("not_allowed", s.apologise, world["leader"], d, new_appointment=datetime.date(2026, 3, 20),
            reason="Chờ ý kiến", at=at(2026, 3, 3, 9))
    refused("invalid", s.apologise, world["leader"], d, new_appointment=datetime.date(2026, 3, 16),
            reason="Chờ ý kiến", at=at(2026, 3, 17, 9))
    d = s.apologise(world["leader"], d, new_appointment=datetime.date(2026, 3, 20), reason="Chờ ý kiến Sở Xây dựng",
                    at=at(2026, 3, 17, 9))
    assert (d.status, d.apology_count, d.appointment_at) == (Status.RECEIVED, 1, at(2026, 3, 20, 17))
    event = d.events.last()
    assert (event.kind, event.from_status, event.to_status) == ("apologise", 2, 2)
    assert event.payload["reason"] == "Chờ ý kiến Sở Xây dựng"
    d = s.resolve(world["leader"], d, at=at(2026, 3, 19, 9))
    assert d.outcome == Outcome.LATE  # an apology does not change the classification


def test_events_are_never_changed(receive):
    event = receive().events.get()
    event.payload = {"forged": True}
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert DossierEvent.objects.get(pk=event.pk).payload.get("forged") is None


def test_signal_is_sent_after_commit(receive, world, django_capture_on_commit_callbacks):
    seen = []

    def listener(sender, event, **kwargs):
        seen.append((event.kind, event.dossier.code))

    dossier_event_committed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = receive()
        with django_capture_on_commit_callbacks(execute=False) as pending:
            refused("not_allowed", s.return_result, world["counter"], d)
        assert pending == []
    finally:
        dossier_event_committed.disconnect(listener)
    assert seen == [("receive_at_counter", d.code)]


# --- the overdue sweep ------------------------------------------------------------------------


def test_sweep_marks_overdue_dossiers_and_steps_once(receive, world):
    late = receive()
    s.hand_over(world["counter"], late, at=at(2026, 3, 2, 9))
    paused = receive()
    s.request_supplement(world["counter"], paused, items=["x"], reason="y", at=at(2026, 3, 2, 9))
    fresh = receive(when=at(2026, 3, 16, 9))
    counts = s.mark_overdue(now=at(2026, 3, 16, 10))
    # the late dossier and its step 2; the paused one's clock is stopped; the fresh one is in time
    assert counts == {"dossiers": 1, "steps": 1}
    late.refresh_from_db()
    assert late.is_overdue and late.events.filter(kind="overdue").count() == 1
    assert late.steps.get(order=2).is_overdue
    assert not Dossier.objects.get(pk=paused.pk).is_overdue  # clock stopped
    assert not Dossier.objects.get(pk=fresh.pk).is_overdue
    assert s.mark_overdue(now=at(2026, 3, 16, 10)) == {"dossiers": 0, "steps": 0}


def test_sweep_task_and_command(receive, world, capsys):
    from django.core.management import call_command

    from motcua.dossiers.tasks import sweep_overdue

    receive(when=at(2020, 3, 2, 9))
    assert sweep_overdue.delay().get() == {"dossiers": 1, "steps": 1}
    call_command("sweep_overdue")
    assert "overdue dossiers: 0" in capsys.readouterr().out
