"""Each column of the 06a table on hand-built dossiers at the edges of the period."""
import datetime

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Outcome, Status
from motcua.organization.models import Role, RoleAssignment
from motcua.reports.dossier_table import COLUMNS, ReportError, dossier_table, dossier_table_cell
from motcua.reports.legacy_import import import_rows

from .conftest import at, row

# The period: March 2022 (1 to 31 inclusive).
FROM, TO = datetime.date(2022, 3, 1), datetime.date(2022, 3, 31)


def load(*rows):
    result = import_rows(list(rows))
    assert result.ok, [str(e) for e in result.errors]
    return result


def codes(column, **kwargs):
    return set(dossier_table_cell(FROM, TO, column, **kwargs).values_list("code", flat=True))


def total(**kwargs):
    return dossier_table(FROM, TO, **kwargs)["total"]


@pytest.mark.django_db
def test_finished_at_last_minute_of_period_is_resolved_and_one_minute_later_is_pending(world):
    load(
        row("LAST-MINUTE", at(2022, 3, 20), due_at=at(2022, 3, 31, 17), finished_at=at(2022, 3, 31, 23, 59)),
        row("NEXT-DAY", at(2022, 3, 20), due_at=at(2022, 3, 31, 17), finished_at=at(2022, 4, 1, 0, 0)),
    )
    assert codes("resolved") == {"LAST-MINUTE"}
    assert codes("on_time") == {"LAST-MINUTE"}  # finished on its due date, after the due hour
    assert codes("pending") == {"NEXT-DAY"}
    # Due at 17:00 on the last day, not finished by the period's end: overdue.
    assert codes("pending_overdue") == {"NEXT-DAY"}
    t = total()
    assert (t["new_total"], t["resolved"], t["on_time"], t["pending"], t["pending_overdue"]) == (2, 1, 1, 1, 1)


@pytest.mark.django_db
def test_received_before_and_finished_inside_is_carried_over_and_resolved(world):
    load(
        row("BEFORE-INSIDE", at(2022, 2, 20), due_at=at(2022, 3, 10), finished_at=at(2022, 3, 8)),
        row("BEFORE-BEFORE", at(2022, 2, 20), due_at=at(2022, 3, 10), finished_at=at(2022, 2, 28, 23, 59)),
        row("BEFORE-AFTER", at(2022, 2, 25), due_at=at(2022, 4, 10), finished_at=at(2022, 4, 2)),
        row("LAST-MINUTE-IN", at(2022, 3, 31, 23, 59), status=2, channel=2, due_at=at(2022, 4, 14)),
        row("AFTER", at(2022, 4, 1, 0, 0), status=2, due_at=at(2022, 4, 14)),
    )
    assert codes("carried_over") == {"BEFORE-INSIDE", "BEFORE-AFTER"}
    assert codes("new_total") == codes("new_online") == {"LAST-MINUTE-IN"}
    assert codes("resolved") == codes("early") == {"BEFORE-INSIDE"}
    assert codes("pending") == codes("pending_within") == {"BEFORE-AFTER", "LAST-MINUTE-IN"}
    t = total()
    assert t["carried_over"] == 2 and t["to_resolve"] == 3 and t["resolved"] == 1 and t["pending"] == 2
    assert t["to_resolve"] == t["resolved"] + t["pending"]


@pytest.mark.django_db
def test_classification_by_date_not_by_hour(world):
    load(
        row("EARLY", at(2022, 3, 1), due_at=at(2022, 3, 10, 8), finished_at=at(2022, 3, 9, 23, 59)),
        row("ON-TIME", at(2022, 3, 1), due_at=at(2022, 3, 10, 8), finished_at=at(2022, 3, 10, 16, 30)),
        row("LATE", at(2022, 3, 1), due_at=at(2022, 3, 10, 17), finished_at=at(2022, 3, 11, 0, 1)),
        row("NO-LIMIT", at(2022, 3, 1), finished_at=at(2022, 3, 20)),
    )
    assert codes("early") == {"EARLY"}
    assert codes("on_time") == {"ON-TIME", "NO-LIMIT"}  # no due moment: cannot be late
    assert codes("late") == {"LATE"}
    t = total()
    assert (t["early"], t["on_time"], t["late"]) == (1, 2, 1)
    assert (t["early_rate"], t["on_time_rate"], t["late_rate"]) == (25.0, 50.0, 25.0)
    # Without a stored outcome, the query compares the local dates itself, with the same result.
    Dossier.objects.update(outcome=None)
    assert (codes("early"), codes("on_time"), codes("late")) == ({"EARLY"}, {"ON-TIME", "NO-LIMIT"}, {"LATE"})
    # Asked to supplement twice: late whatever the dates.
    Dossier.objects.filter(code="EARLY").update(supplement_count=2)
    assert codes("late") == {"LATE", "EARLY"}


@pytest.mark.django_db
def test_withdrawn_and_stopped_are_finished_and_classified(world):
    load(
        row("WITHDRAWN", at(2022, 3, 2), status=7, due_at=at(2022, 3, 16), finished_at=at(2022, 3, 3)),
        row("STOPPED", at(2022, 3, 2), status=8, due_at=at(2022, 3, 16), finished_at=at(2022, 3, 18)),
        row("RETURNED", at(2022, 3, 2), status=10, due_at=at(2022, 3, 16), finished_at=at(2022, 3, 16, 9),
            returned_at=at(2022, 4, 5)),
    )
    assert codes("early") == {"WITHDRAWN"}
    assert codes("late") == {"STOPPED"}
    assert codes("on_time") == {"RETURNED"}  # returned after the period, resolved inside it
    assert Dossier.objects.get(code="WITHDRAWN").outcome == Outcome.EARLY


@pytest.mark.django_db
def test_not_received_dossiers_are_not_counted(world):
    load(
        row("REFUSED-AT-INTAKE", at(2022, 3, 2), status=3, channel=2),
        row("NOT-YET-RECEIVED", at(2022, 3, 2), status=1, channel=2),
        row("COUNTED", at(2022, 3, 2), status=4, channel=2, due_at=at(2022, 3, 20)),
    )
    refused = Dossier.objects.get(code="REFUSED-AT-INTAKE")
    assert refused.received_at is None and refused.submitted_at == at(2022, 3, 2)
    t = total()
    assert t["new_online"] == t["new_total"] == t["pending"] == 1
    assert t["resolved"] == 0
    for column in COLUMNS:
        assert "REFUSED-AT-INTAKE" not in codes(column) and "NOT-YET-RECEIVED" not in codes(column)


@pytest.mark.django_db
def test_pending_overdue_versus_within_at_the_period_end(world):
    load(
        row("DUE-LAST-MINUTE", at(2022, 3, 1), status=4, due_at=at(2022, 3, 31, 23, 59)),
        row("DUE-NEXT-MIDNIGHT", at(2022, 3, 1), status=4, due_at=at(2022, 4, 1, 0, 0)),
        row("DUE-EARLIER", at(2022, 2, 1), status=5, due_at=at(2022, 2, 20)),
    )
    assert codes("pending_overdue") == {"DUE-LAST-MINUTE", "DUE-EARLIER"}
    assert codes("pending_within") == {"DUE-NEXT-MIDNIGHT"}
    t = total()
    assert (t["pending"], t["pending_within"], t["pending_overdue"]) == (3, 1, 2)


@pytest.mark.django_db
def test_channels_and_shares_and_per_working_day(world):
    load(
        row("C1", at(2022, 3, 7), status=2, channel=1),
        row("C2", at(2022, 3, 7), status=2, channel=1),
        row("O1", at(2022, 3, 8), status=2, channel=2),
        row("P1", at(2022, 3, 9), status=2, channel=3),
        row("WARD", at(2022, 3, 9), status=2, channel=1, service_point="mot-cua-phuong"),
    )
    centre = world["centre"]
    table = dossier_table(FROM, TO, service_point=centre)
    t = table["total"]
    assert (t["new_counter"], t["new_online"], t["new_postal"], t["new_total"]) == (2, 1, 1, 4)
    assert (t["online_share"], t["postal_share"]) == (25.0, 25.0)
    # March 2022, Monday to Saturday: 31 days minus 4 Sundays.
    assert table["working_days"] == 27
    assert table["per_working_day"] == round(4 / 27, 1)
    # The province-wide table counts the ward too, over the legal Monday-Friday days.
    province = dossier_table(FROM, TO)
    assert province["total"]["new_total"] == 5 and province["working_days"] == 23


@pytest.mark.django_db
def test_grouped_rows_sum_to_the_total_and_each_cell_lists_its_dossiers(world):
    load(
        row("LAND-1", at(2022, 3, 2), due_at=at(2022, 3, 16), finished_at=at(2022, 3, 10)),
        row("LAND-2", at(2022, 2, 2), status=4, due_at=at(2022, 2, 16)),
        row("BIRTH-1", at(2022, 3, 2), due_at=at(2022, 3, 3), finished_at=at(2022, 3, 4),
            procedure="1.001193.000.00.00.H99", agency="000.21.20.H99", service_point="mot-cua-phuong"),
    )
    for group_by in ("field", "agency", "level", "procedure", "service_point"):
        table = dossier_table(FROM, TO, group_by=group_by)
        assert len(table["rows"]) == 2
        for column in COLUMNS:
            assert sum(r[column] for r in table["rows"]) == table["total"][column]
            for r in table["rows"]:
                cell = dossier_table_cell(FROM, TO, column, group_by=group_by, group_key=r["key"])
                assert cell.count() == r[column], (group_by, column, r["name"])
    by_field = {r["code"]: r for r in dossier_table(FROM, TO, group_by="field")["rows"]}
    assert by_field["dat-dai"]["name"] == "Đất đai"
    assert (by_field["dat-dai"]["carried_over"], by_field["dat-dai"]["pending_overdue"]) == (1, 1)
    assert (by_field["ho-tich"]["resolved"], by_field["ho-tich"]["late"]) == (1, 1)
    by_level = {r["code"]: r for r in dossier_table(FROM, TO, group_by="level")["rows"]}
    assert by_level["xa"]["new_total"] == 1 and by_level["tinh"]["new_total"] == 1
    only_ward = dossier_table(FROM, TO, agency_ids=[world["ward"].pk])["total"]
    assert only_ward["new_total"] == 1 and only_ward["late"] == 1


@pytest.mark.django_db
def test_bad_parameters_are_refused(world):
    with pytest.raises(ReportError):
        dossier_table(FROM, TO, group_by="colour")
    with pytest.raises(ReportError):
        dossier_table(TO, FROM)
    with pytest.raises(ReportError):
        dossier_table_cell(FROM, TO, "everything")


@pytest.mark.django_db
def test_engine_dossiers_paused_and_withdrawn(world):
    """Dossiers written by the dossier engine itself: a paused one whose old due moment has
    passed is within limit (its clock is stopped); a withdrawn one is finished and classified."""
    officer = get_user_model().objects.create_user(username="counter", password="x")
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER, agency=world["land"])
    version = world["land_version"]
    applicant = {"kind": "person", "name": "Lê Văn Thử", "id_number": "008090012345", "phone": "0912000111",
                 "address": "Tổ 1, phường Trung Tâm"}

    def receive(when):
        return services.receive_at_counter(officer, procedure_version=version, applicant=applicant,
                                           service_point=world["centre"], received_at=when)

    paused = receive(at(2022, 3, 1, 8))
    paused = services.request_supplement(officer, paused, items=["Bản sao sổ đỏ"], reason="Thiếu giấy tờ",
                                         at=at(2022, 3, 2, 9))
    withdrawn = receive(at(2022, 3, 3, 8))
    withdrawn = services.withdraw(officer, withdrawn, reason="Công dân rút hồ sơ", at=at(2022, 3, 4, 10))
    assert paused.status == Status.WAITING_SUPPLEMENT and paused.due_at < at(2022, 3, 31)

    assert codes("pending_within") == {paused.code}
    assert codes("pending_overdue") == set()
    assert codes("early") == {withdrawn.code}
    t = total(service_point=world["centre"])
    assert (t["new_counter"], t["resolved"], t["early"], t["pending"]) == (2, 1, 1, 1)
    # In April's table, the paused dossier is carried over and still within limit.
    april = dossier_table(datetime.date(2022, 4, 1), datetime.date(2022, 4, 30))["total"]
    assert (april["carried_over"], april["pending_within"], april["pending_overdue"]) == (1, 1, 0)
