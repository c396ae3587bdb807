"""Issue 10, points 6 and 14: who counts as received and resolved, stopped clocks after the due
moment, snapshots of closed periods an action writes into, and feedback published late."""
import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import counting, deadlines, services
from motcua.dossiers.models import Dossier, Outcome, Status
from motcua.dossiers.selectors import tracking_book
from motcua.feedback import services as feedback_services
from motcua.organization.models import Role, RoleAssignment
from motcua.printouts.adapters import book_from_params
from motcua.reports.dashboard import compute_dashboard, dashboard_data
from motcua.reports.dossier_table import COLUMNS, dossier_table, dossier_table_cell
from motcua.reports.figures import dossier_counts, period_figures
from motcua.reports.index766 import agency_counts, rates, service_index
from motcua.reports.legacy_import import import_rows
from motcua.reports.models import ReportSnapshot

from .conftest import at, row

pytestmark = pytest.mark.django_db

# The period: March 2022 (1 to 31 inclusive).
FROM, TO = datetime.date(2022, 3, 1), datetime.date(2022, 3, 31)
APPLICANT = {"kind": "person", "name": "Lê Văn Thử", "id_number": "008090012345", "phone": "0912000111",
             "address": "Tổ 1, phường Trung Tâm"}


@pytest.fixture
def staff(world):
    users = get_user_model().objects
    counter = users.create_user(username="counter", password="x")
    leader = users.create_user(username="leader", password="x")
    RoleAssignment.objects.create(user=counter, role=Role.COUNTER_OFFICER, agency=world["land"])
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, agency=world["land"])
    ProcedureVersion.objects.filter(pk=world["land_version"].pk).update(accepts_online=True)
    world["land_version"].refresh_from_db()
    deadlines.clear_cache()
    return {"counter": counter, "leader": leader}


def receive(staff, world, when):
    return services.receive_at_counter(staff["counter"], procedure_version=world["land_version"],
                                       applicant=APPLICANT, service_point=world["centre"], received_at=when)


def submit(world, when):
    return services.submit_online(None, procedure_version=world["land_version"], applicant=APPLICANT,
                                  submitted_at=when)


def codes(column, date_from=FROM, date_to=TO):
    return set(dossier_table_cell(date_from, date_to, column).values_list("code", flat=True))


def every_column(date_from=FROM, date_to=TO) -> set:
    return set().union(*(codes(c, date_from, date_to) for c in COLUMNS))


def book_codes(world):
    book = set(tracking_book([world["land"].pk], FROM, TO).values_list("code", flat=True))
    form = {r.code for r in book_from_params({"date_from": FROM, "date_to": TO, "agency_ids": [world["land"].pk]}).rows}
    assert book == form
    return book


def load(*rows):
    result = import_rows(list(rows))
    assert result.ok, [str(e) for e in result.errors]


# --- 6. refused at intake: counted nowhere; refused after examination: resolved ---------------


def test_refused_at_intake_is_in_no_figure_engine_path(world, staff):
    online = submit(world, at(2022, 3, 2, 9))
    online = services.refuse_intake(staff["counter"], online, reason="Không thuộc thẩm quyền", at=at(2022, 3, 2, 10))
    taken = receive(staff, world, at(2022, 3, 3, 8))
    taken = services.refuse_intake(staff["counter"], taken, reason="Thiếu chữ ký", at=at(2022, 3, 3, 9))
    # Refused after the dossier was received and examined: a negative result, resolved on its date.
    examined = receive(staff, world, at(2022, 3, 4, 8))
    examined = services.resolve(staff["leader"], examined, result_description="Văn bản trả lời từ chối giải quyết",
                                at=at(2022, 3, 10, 9))
    pending = receive(staff, world, at(2022, 3, 7, 8))
    refused = {online.code, taken.code}

    # The engine keeps the moment the counter took it, but classifies no refusal at intake.
    assert (taken.status, taken.outcome, taken.received_at) == (Status.NOT_RECEIVED, None, at(2022, 3, 3, 8))
    assert not counting.counts_as_received(taken.status, taken.received_at)
    # Rows the engine wrote before the fix carried an outcome: still counted nowhere.
    Dossier.objects.filter(pk=taken.pk).update(outcome=Outcome.EARLY)

    assert not refused & every_column()
    assert not refused & every_column(datetime.date(2022, 4, 1), datetime.date(2022, 4, 30))
    assert codes("resolved") == codes("early") == {examined.code}
    assert codes("pending") == {pending.code}
    t = dossier_table(FROM, TO)["total"]
    assert (t["to_resolve"], t["new_total"], t["resolved"], t["early"], t["pending"]) == (2, 2, 1, 1, 1)
    # Form 06 / tracking book.
    assert book_codes(world) == {examined.code, pending.code}
    # Dashboard (single pass), the other figures and the 766 index.
    data = compute_dashboard(FROM, TO, "field")
    assert data["table"] == dossier_table(FROM, TO, group_by="field")
    assert data["figures"]["dossiers"]["received"] == 2
    assert dossier_counts(FROM, TO)[None]["received"] == 2
    assert period_figures(FROM, TO, agency_ids=[world["land"].pk])["digitisation"]["dossiers"] == 2
    counts = agency_counts(FROM, TO)[world["land"].pk]
    assert (counts["to_resolve"], counts["received"], counts["resolved"], counts["new_total"]) == (2, 2, 1, 2)
    assert service_index(FROM, TO) == data["index"]


def test_refused_at_intake_is_in_no_figure_import_path(world):
    load(
        row("REFUSED-ONLINE", at(2022, 3, 2), status=3, channel=2, finished_at=at(2022, 3, 2, 10)),
        row("REFUSED-COUNTER", at(2022, 3, 3), status=3, due_at=at(2022, 3, 17), finished_at=at(2022, 3, 3, 9)),
        row("REFUSED-NO-FINISH", at(2022, 2, 25), status=3, due_at=at(2022, 3, 11)),
        row("RESOLVED", at(2022, 3, 4), status=9, due_at=at(2022, 3, 18), finished_at=at(2022, 3, 10)),
        row("PENDING", at(2022, 3, 7), status=4, due_at=at(2022, 3, 21)),
    )
    refused = {"REFUSED-ONLINE", "REFUSED-COUNTER", "REFUSED-NO-FINISH"}
    for d in Dossier.objects.filter(code__in=refused):
        assert (d.received_at, d.outcome, d.due_at) == (None, None, None), d.code
    assert not refused & every_column()
    assert codes("resolved") == {"RESOLVED"} and codes("pending") == {"PENDING"}
    assert book_codes(world) == {"RESOLVED", "PENDING"}
    data = compute_dashboard(FROM, TO, "field")
    assert data["table"]["total"]["to_resolve"] == 2 and data["figures"]["dossiers"]["received"] == 2
    assert agency_counts(FROM, TO)[world["land"].pk]["to_resolve"] == 2


# --- 14a. a clock stopped after the due moment gives back no time -----------------------------


def test_pause_after_the_due_moment_is_pending_overdue_in_sql(world):
    load(
        row("PAUSED-LATE", at(2022, 3, 1), status=5, due_at=at(2022, 3, 10)),
        row("PAUSED-IN-TIME", at(2022, 3, 1), status=6, due_at=at(2022, 3, 25)),
        row("PAUSED-AFTER-END", at(2022, 3, 1), status=5, due_at=at(2022, 3, 10)),
    )
    Dossier.objects.filter(code="PAUSED-LATE").update(paused_at=at(2022, 3, 15))  # 5 days after its due moment
    Dossier.objects.filter(code="PAUSED-IN-TIME").update(paused_at=at(2022, 3, 20))
    Dossier.objects.filter(code="PAUSED-AFTER-END").update(paused_at=at(2022, 4, 5))
    assert codes("pending_overdue") == {"PAUSED-LATE", "PAUSED-AFTER-END"}
    assert codes("pending_within") == {"PAUSED-IN-TIME"}
    t = dossier_table(FROM, TO)["total"]
    assert (t["pending"], t["pending_within"], t["pending_overdue"]) == (3, 1, 2)
    assert compute_dashboard(FROM, TO, "field")["table"] == dossier_table(FROM, TO, group_by="field")


def test_pause_after_the_due_moment_in_the_engine(world, staff):
    late = receive(staff, world, at(2022, 3, 1, 8))
    in_time = receive(staff, world, at(2022, 3, 1, 8))
    due = late.due_at
    assert due == at(2022, 3, 15, 8)  # ten working days
    # Supplement asked for after the due moment had passed; the other one before it.
    late = services.request_supplement(staff["counter"], late, items=["Bản sao sổ đỏ"], reason="Thiếu",
                                       at=at(2022, 3, 17, 9))
    in_time = services.request_supplement(staff["counter"], in_time, items=["Bản sao sổ đỏ"], reason="Thiếu",
                                          at=at(2022, 3, 14, 8))
    # While paused: the late one is overdue, in the table and for the overdue sweep.
    assert codes("pending_overdue") == {late.code}
    assert codes("pending_within") == {in_time.code}
    assert services.mark_overdue(now=at(2022, 3, 18, 9))["dossiers"] == 1
    assert Dossier.objects.get(pk=late.pk).is_overdue and not Dossier.objects.get(pk=in_time.pk).is_overdue
    # The clock restarts: the late one's due moment does not move, the other's moves by the pause.
    late = services.receive_supplement(staff["counter"], Dossier.objects.get(pk=late.pk), at=at(2022, 3, 24, 9))
    in_time = services.receive_supplement(staff["counter"], in_time, at=at(2022, 3, 16, 8))
    assert late.due_at == due
    assert in_time.due_at == at(2022, 3, 17, 8)  # two working days paused
    late = services.resolve(staff["leader"], late, at=at(2022, 3, 25, 9))
    assert late.outcome == Outcome.LATE


# --- 14b. an action dated into a closed period invalidates its snapshot -----------------------


def test_accepting_an_online_submission_dated_into_a_closed_period_renews_its_snapshot(
        world, staff, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2022, 4, 4, 9), tick=False):
        receive(staff, world, at(2022, 3, 7, 8))
        online = submit(world, at(2022, 3, 30, 20))  # submitted in March, accepted in April
        stored = dashboard_data(FROM, TO, "field")
        assert stored["table"]["total"]["new_total"] == 1
        assert ReportSnapshot.objects.filter(kind="dashboard", date_from=FROM, date_to=TO).exists()
        with django_capture_on_commit_callbacks(execute=True):
            online = services.accept_online(staff["counter"], online)
        assert online.received_at == at(2022, 3, 30, 20)
        assert not ReportSnapshot.objects.filter(kind="dashboard", date_from=FROM, date_to=TO).exists()
        table = dossier_table(FROM, TO, group_by="field")
        assert (table["total"]["new_total"], table["total"]["new_online"]) == (2, 1)
        assert dashboard_data(FROM, TO, "field")["table"] == table
        # Stored again, and read back the same.
        assert dashboard_data(FROM, TO, "field")["table"] == table
        # Today's actions write into no closed period: the snapshot stays.
        with django_capture_on_commit_callbacks(execute=True):
            services.start_processing(staff["counter"], online)
        assert ReportSnapshot.objects.filter(kind="dashboard", date_from=FROM, date_to=TO).exists()


def test_refusing_a_dossier_taken_in_a_closed_period_renews_its_snapshot(world, staff,
                                                                        django_capture_on_commit_callbacks):
    with time_machine.travel(at(2022, 4, 1, 9), tick=False):
        taken = receive(staff, world, at(2022, 3, 31, 16))
        assert dashboard_data(FROM, TO, "field")["table"]["total"]["new_total"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.refuse_intake(staff["counter"], taken, reason="Thiếu chữ ký")
        assert dashboard_data(FROM, TO, "field")["table"] == dossier_table(FROM, TO, group_by="field")
        assert dossier_table(FROM, TO)["total"]["new_total"] == 0


# --- 14c. feedback answered in time but published late ----------------------------------------


def test_feedback_published_late_is_not_handled_in_time(world):
    admin = get_user_model().objects.create_superuser(username="admin", password="x")
    sender = {"sender_name": "Lê Văn Phản Ánh", "sender_phone": "0987654321"}

    def answered(when):
        feedback = feedback_services.submit_from_portal(subject_kind="rule", content="Đề nghị thêm ghế chờ",
                                                        at=when, **sender)
        feedback = feedback_services.route(admin, feedback, agency=world["land"], at=when)
        return feedback_services.answer(admin, feedback, text="Đã bố trí thêm ghế", at=when + datetime.timedelta(days=1))

    published_late = answered(at(2022, 3, 1, 9))  # answered Wed 2 March, publish by Fri 4 March
    assert not published_late.is_overdue  # answered in time
    feedback_services.publish(admin, published_late, at=at(2022, 3, 10, 9))
    answered(at(2022, 3, 7, 9))  # answered in time, never published: its two days are long over
    on_time = answered(at(2022, 3, 14, 9))
    feedback_services.publish(admin, on_time, at=at(2022, 3, 16, 9))

    counts = agency_counts(FROM, TO)[world["land"].pk]
    assert (counts["feedback"], counts["feedback_overdue"]) == (3, 2)
    assert rates(counts)["feedback_in_time"] == 33.333
