"""After an online submission the citizen is told which unit checks the dossier, by its name in
force today (Decree 118/2025: "Trung tâm Phục vụ hành chính công xã/phường", no fixed "Bộ phận
Một cửa")."""
import datetime

import pytest
from django.contrib.messages import get_messages

from motcua.documents.applications import receiving_unit_name
from motcua.dossiers.models import Dossier
from motcua.organization.models import ServicePointName
from motcua.portal.tests.test_apply_where import citizen, communes, post  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_message_names_the_receiving_service_point_by_its_name_in_force(client, communes):  # noqa: F811
    second, point = communes["agencies"][1], communes["points"][1]
    # Its name before the reform of 1 July 2025 is history, not today's name.
    ServicePointName.objects.create(service_point=point, name="Bộ phận Một cửa xã Hòa Bình",
                                    valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2025, 6, 30))
    client.force_login(citizen())
    response = post(client, communes["local"], competent_agency=str(second.pk))
    assert response.status_code == 302, response.content.decode()[:1000]
    dossier = Dossier.objects.get()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"Hồ sơ {dossier.code} của bạn đã được nộp. Trung tâm Phục vụ hành chính công xã hòa bình "
                     "sẽ kiểm tra và thông báo cho bạn."]
    assert not any("Bộ phận Một cửa" in t for t in texts)
    # The name of the time for a day before the reform.
    assert receiving_unit_name(dossier, datetime.date(2025, 6, 1)) == "Bộ phận Một cửa xã Hòa Bình"


def test_english_and_a_boundary_free_dossier_names_the_point_chosen(client, communes):  # noqa: F811
    first, centre = communes["agencies"][0], communes["centre"]
    client.force_login(citizen())
    client.cookies["motcua_lang"] = "en"
    point = communes["points"][2]
    response = post(client, communes["free"], competent_agency=str(first.pk), receiving_point=str(point.pk))
    assert response.status_code == 302, response.content.decode()[:1000]
    dossier = Dossier.objects.get()
    assert (dossier.competent_agency, dossier.service_point) == (first, point)
    assert receiving_unit_name(dossier) == point.name
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Your dossier {dossier.code} has been submitted. {point.name} will check it and tell you."]
    # Without a service point for the receiving agency: the agency's own name.
    dossier.service_point = None
    dossier.receiving_agency = centre.host_agency
    centre.host_agency = None
    centre.save()
    assert receiving_unit_name(dossier) == dossier.receiving_agency.name
