"""Decree 118/2025: forms print the names in force on the dossier's (or the period's) date, so an
older dossier keeps the names of its time. Explicit dates only, never today."""
import datetime

import pytest

from motcua.testing.world import APPLICANT, at
from motcua.organization.models import AgencyName, ServicePointName
from motcua.printouts.adapters import sheet_from_dossier

from .test_views import text_of

pytestmark = pytest.mark.django_db

OLD_POINT = "Bộ phận Một cửa phường Trung Tâm"
NEW_POINT = "Trung tâm Phục vụ hành chính công phường Trung Tâm"
OLD_AGENCY = "Sở Tài nguyên và Môi trường"
NEW_AGENCY = "Sở Nông nghiệp và Môi trường"


@pytest.fixture
def renamed(world):
    point = world["centre"]
    point.name = NEW_POINT
    point.save()
    ServicePointName.objects.create(service_point=point, name=OLD_POINT, valid_to=datetime.date(2025, 6, 30))
    AgencyName.objects.create(agency=world["land"], name=OLD_AGENCY, valid_to=datetime.date(2025, 6, 30))
    return world


def test_receipt_prints_the_name_in_force_on_the_receipt_day(client, renamed, receive):
    before = receive(when=at(2025, 6, 30, 9))
    after = receive(when=at(2025, 7, 1, 9))
    assert (sheet_from_dossier(before, "02").service_point_name, sheet_from_dossier(before, "02").agency_name) == (
        OLD_POINT, OLD_AGENCY)
    assert (sheet_from_dossier(after, "02").service_point_name, sheet_from_dossier(after, "02").agency_name) == (
        NEW_POINT, NEW_AGENCY)
    # form 01 is issued by the body that received the dossier: the service point, in both places
    assert sheet_from_dossier(before).agency_name == OLD_POINT
    assert sheet_from_dossier(after).agency_name == NEW_POINT
    client.force_login(renamed["counter"])
    old_text = text_of(client.get(f"/mot-cua/ho-so/{before.code}/in/01/"))
    new_text = text_of(client.get(f"/mot-cua/ho-so/{after.code}/in/01/"))
    assert OLD_POINT in old_text and NEW_POINT not in old_text
    assert NEW_POINT in new_text and OLD_POINT not in new_text
    # The forms of the competent agency (04, 05) follow the same rule.
    assert OLD_AGENCY.upper() in text_of(client.get(f"/mot-cua/ho-so/{before.code}/in/05/")).upper()
    assert NEW_AGENCY.upper() in text_of(client.get(f"/mot-cua/ho-so/{after.code}/in/05/")).upper()


def test_tracking_book_names_the_agency_of_the_period(client, renamed, receive):
    receive(when=at(2025, 6, 30, 9))
    client.force_login(renamed["counter"])
    june = text_of(client.get("/mot-cua/so-theo-doi/?from=2025-06-01&to=2025-06-30")).upper()
    july = text_of(client.get("/mot-cua/so-theo-doi/?from=2025-07-01&to=2025-07-31")).upper()
    assert OLD_AGENCY.upper() in june and NEW_AGENCY.upper() not in june
    assert NEW_AGENCY.upper() in july and OLD_AGENCY.upper() not in july


def test_06a_rows_name_the_service_point_of_the_period(renamed, receive):
    from motcua.reports.dossier_table import dossier_table

    receive(when=at(2025, 6, 30, 9))
    receive(when=at(2025, 7, 1, 9))
    june = dossier_table(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30), group_by="service_point")
    july = dossier_table(datetime.date(2025, 7, 1), datetime.date(2025, 7, 31), group_by="service_point")
    assert [r["name"] for r in june["rows"]] == [OLD_POINT]
    assert [r["name"] for r in july["rows"]] == [NEW_POINT]
    june_agencies = dossier_table(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30), group_by="agency")
    assert [r["name"] for r in june_agencies["rows"]] == [OLD_AGENCY]


def test_periodic_report_names_the_service_point_of_the_period(renamed):
    from motcua.reports.periodic import report_content

    content = report_content(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), service_point=renamed["centre"])
    assert OLD_POINT in str(content) and NEW_POINT not in str(content)
    later = report_content(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30), service_point=renamed["centre"])
    assert NEW_POINT in str(later) and OLD_POINT not in str(later)
