"""Seed 002 (Tuyên Quang centre, 1 Nov 2021 - 15 Apr 2022): a legacy file whose totals equal the
seed's table is imported and gives exactly its figures and rates."""
import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command

from motcua.reports.dossier_table import dossier_table
from motcua.reports.legacy_import import COLUMNS as FILE_COLUMNS

from .conftest import at

FROM, TO = datetime.date(2021, 11, 1), datetime.date(2022, 4, 15)
SEED_002 = {
    "carried_over": 2243, "new_total": 35809, "new_counter": 22000, "new_online": 11947, "new_postal": 1862,
    "to_resolve": 38052, "resolved": 35512, "early": 22666, "on_time": 12843, "late": 3,
    "pending": 2540, "pending_within": 2540, "pending_overdue": 0,
}
SEED_002_RATES = {"early_rate": 63.826, "on_time_rate": 36.165, "late_rate": 0.008}

LAND = ("1.004227.000.00.00.H99", "000.00.20.H99")
BIRTH = ("1.001193.000.00.00.H99", "000.21.20.H99")


def _fmt(moment: datetime.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def seed_002_rows():
    """Rows whose 06a table for the seed's period is the seed's, plus rows that must not count."""
    rows = []

    def add(code, received, due, finished, status, channel, returned=None, procedure=LAND):
        rows.append({
            "code": code, "procedure_code": procedure[0], "agency_code": procedure[1],
            "service_point_code": "trung-tam", "channel": channel, "received_at": _fmt(received),
            "due_at": _fmt(due), "finished_at": _fmt(finished), "returned_at": _fmt(returned), "status": status,
            "return_channel": "post" if len(rows) % 7 == 0 else "counter", "digitized": len(rows) % 2,
            "paid_online": 1 if channel == 2 else 0, "fee_amount": 50000 if procedure == LAND else 0,
        })

    # 2,243 carried over: received in October 2021, all resolved early in November.
    for i in range(2243):
        received = at(2021, 10, 1 + i % 30, 8, i % 50)
        add(f"CO-{i:05d}", received, at(2021, 11, 20, 17), at(2021, 11, 5, 10), 10, 1 + i % 3,
            returned=at(2021, 11, 6, 9))
    # 35,809 new: 22,000 at the counter, 11,947 online, 1,862 by post.
    channels = [1] * 22000 + [2] * 11947 + [3] * 1862
    # Of them 2,540 still pending at the end (received in April, due after the 15th) ...
    # ... and 33,269 resolved: 20,423 early, 12,843 on time, 3 late (with the carried over:
    # 22,666 early).
    outcomes = ["pending"] * 2540 + ["early"] * 20423 + ["on_time"] * 12843 + ["late"] * 3
    for i, (channel, outcome) in enumerate(zip(channels[::-1], outcomes)):
        procedure = BIRTH if i % 5 == 0 else LAND
        if outcome == "pending":
            received = at(2022, 4, 1 + i % 15, 9, i % 60)
            status = 4 if i % 2 else 9
            # Not finished by the end of 15 April: still processing, or resolved afterwards.
            finished = None if status == 4 else at(2022, 4, 16, 0, 0)
            add(f"NEW-{i:05d}", received, at(2022, 4, 25, 17), finished, status, channel, procedure=procedure)
            continue
        day = datetime.date(2021, 11, 1) + datetime.timedelta(days=i % 140)  # up to 20 March 2022
        received = at(day.year, day.month, day.day, 7 + i % 10, i % 60)
        due = received.replace(hour=17, minute=0) + datetime.timedelta(days=10)
        finished = {
            "early": received + datetime.timedelta(days=3),
            "on_time": due.replace(hour=16, minute=30),
            "late": due + datetime.timedelta(days=1),
        }[outcome]
        add(f"NEW-{i:05d}", received, due, finished, 9 if i % 3 else 10, channel,
            returned=finished + datetime.timedelta(hours=2) if not i % 3 else None, procedure=procedure)
    # Not counted: received and finished before the period, not yet received, refused at
    # intake, received after the period.
    for i in range(300):
        add(f"OLD-{i:04d}", at(2021, 9, 1 + i % 28), at(2021, 9, 30), at(2021, 10, 20), 10, 1,
            returned=at(2021, 10, 21))
        add(f"ONL-{i:04d}", at(2022, 1, 10), None, None, 1, 2)
        add(f"REF-{i:04d}", at(2022, 2, 10), None, at(2022, 2, 10, 10), 3, 2)
        add(f"LAT-{i:04d}", at(2022, 4, 16, 0, 0), at(2022, 4, 30), None, 2, 1)
    return rows


def write_csv(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FILE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.django_db
def test_seed_002_table_from_an_imported_file(world, tmp_path, capsys):
    path = tmp_path / "seed_002.csv"
    rows = seed_002_rows()
    write_csv(rows, path)
    call_command("import_dossiers", str(path))
    assert f"{len(rows)} " in capsys.readouterr().out

    table = dossier_table(FROM, TO, service_point=world["centre"])
    assert {k: table["total"][k] for k in SEED_002} == SEED_002
    assert table["rates"]["early_rate"] == 63.826
    assert table["rates"]["on_time_rate"] == 36.165
    assert table["rates"]["late_rate"] == 0.008
    assert round(table["rates"]["online_share"], 1) == 33.4
    assert round(table["rates"]["postal_share"], 1) == 5.2
    # Monday to Saturday, Sundays and holidays off: the seed's 134 days and 267.2 a day.
    assert table["working_days"] == 134
    assert table["per_working_day"] == 267.2

    # The same through the command line, as JSON.
    out = io.StringIO()
    call_command("report_06a", "--from", "2021-11-01", "--to", "2022-04-15", "--service-point", "trung-tam",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"] == {"from": "2021-11-01", "to": "2022-04-15"}
    assert {k: data["total"][k] for k in SEED_002} == SEED_002
    assert {k: data["rates"][k] for k in SEED_002_RATES} == SEED_002_RATES
    assert (data["working_days"], data["per_working_day"]) == (134, 267.2)

    # Grouped by field: the rows add up to the seed's totals.
    out = io.StringIO()
    call_command("report_06a", "--from", "2021-11-01", "--to", "2022-04-15", "--group-by", "field",
                 "--format", "json", stdout=out)
    grouped = json.loads(out.getvalue())
    assert {r["code"] for r in grouped["rows"]} == {"dat-dai", "ho-tich"}
    for column, value in SEED_002.items():
        assert sum(r[column] for r in grouped["rows"]) == value
        assert grouped["total"][column] == value
