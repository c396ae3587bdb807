"""Counter intake: search, checklist, validation that keeps the data and saves nothing, receipt."""
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, Status

from .scenario import PROCEDURE_CODE, PROCEDURE_NAME

INTAKE = "/mot-cua/tiep-nhan/"


def intake_data(world, **overrides):
    docs = list(world.version.documents.order_by("order"))
    data = {
        "procedure": PROCEDURE_CODE,
        "case": "",
        "applicant_citizen_id": "038090012345",
        "applicant_name": "Hoàng Thị Thử",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "applicant_address": "12 Lê Lợi, phường Hạc Thành",
        "owner_same": "on",
        "return_channel": "counter",
    }
    for doc in docs:
        data[f"doc_{doc.pk}"] = "on"
        data[f"doc_{doc.pk}_originals"] = str(doc.originals)
        data[f"doc_{doc.pk}_certified"] = str(doc.certified_copies)
        data[f"doc_{doc.pk}_copies"] = str(doc.copies)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def counter_client(client, world):
    client.force_login(world.counter_officer)
    return client


def test_anonymous_is_sent_to_the_officer_login(client, db):
    response = client.get(INTAKE)
    assert response.status_code == 302
    assert response["Location"].startswith("/mot-cua/dang-nhap/?next=")


def test_login_page_signs_in_and_lands_on_the_home_page(client, world):
    page = client.get("/mot-cua/dang-nhap/")
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()
    wrong = client.post("/mot-cua/dang-nhap/", {"username": "motcua.quay", "password": "sai"})
    assert wrong.status_code == 200 and 'class="errors"' in wrong.content.decode()
    response = client.post("/mot-cua/dang-nhap/", {"username": "motcua.quay", "password": "Mat-khau-thu-nghiem-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")


def test_a_user_without_a_staff_role_is_refused(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nguoi.dan", password="x")
    client.force_login(user)
    assert client.get("/mot-cua/ho-so/").status_code == 403


def test_search_ignores_diacritics(counter_client):
    response = counter_client.get(INTAKE, {"q": "khai sinh"})
    assert response.status_code == 200
    assert PROCEDURE_NAME in response.content.decode()
    assert f"?procedure={PROCEDURE_CODE}" in response.content.decode()
    nothing = counter_client.get(INTAKE, {"q": "xay dung nha o"})
    assert PROCEDURE_NAME not in nothing.content.decode()


def test_the_checklist_comes_from_the_catalogue(counter_client, world):
    response = counter_client.get(INTAKE, {"procedure": PROCEDURE_CODE})
    html = response.content.decode()
    for doc in world.version.documents.all():
        assert doc.name in html
    assert html.count("(bắt buộc)") == 2


def test_receipt_creates_the_dossier_and_shows_code_and_due_date(counter_client, world):
    response = counter_client.post(INTAKE, intake_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("backoffice:receipt", args=[dossier.code])
    assert dossier.code.startswith("000.00.01.H99-")
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_name == "Hoàng Thị Thử" and dossier.owner_name == "Hoàng Thị Thử"
    assert dossier.service_point == world.service_point
    assert dossier.received_by == world.counter_officer
    assert DossierDocument.objects.filter(dossier=dossier).count() == 3
    page = counter_client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert f"/mot-cua/ho-so/{dossier.code}/in/01/" in page
    assert "In giấy tiếp nhận" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"applicant_citizen_id": "03809001234"}, "A citizen ID has exactly 12 digits."),
        ({"procedure": "9.999999.000.00.00.H99"}, "Unknown procedure, or one your agencies do not receive. Search again."),
        ({"return_channel": "post", "applicant_address": ""}, "Give the address the result is to be posted to."),
    ],
)
def test_bad_input_keeps_the_form_and_saves_nothing(counter_client, world, overrides, message):
    data = intake_data(world, **overrides)
    response = counter_client.post(INTAKE, data)
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("vi"):
        translated = gettext(message)
    assert translated != message and translated in html  # shown in Vietnamese
    assert 'value="Hoàng Thị Thử"' in html  # what the officer typed is still there
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_missing_required_document_is_named_and_nothing_is_saved(counter_client, world):
    required = world.version.documents.filter(is_required=True).order_by("order").last()
    data = intake_data(world)
    del data[f"doc_{required.pk}"]
    response = counter_client.post(INTAKE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Thiếu giấy tờ bắt buộc" in html and required.name in html
    assert f'name="doc_{required.pk}"' in html and 'value="038090012345"' in html
    assert Dossier.objects.count() == 0


def test_applicant_lookup_fills_from_an_earlier_dossier_of_ones_agencies(counter_client, client, world):
    counter_client.post(INTAKE, intake_data(world))
    found = counter_client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": "038090012345"}).json()
    assert found["found"] is True
    assert found["name"] == "Hoàng Thị Thử" and found["phone"] == "0912345678"
    assert counter_client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": "038090099999"}).json() == {"found": False}
    assert counter_client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": "12ab"}).status_code == 400
    # An officer of another agency learns nothing about this person.
    client.force_login(world.outsider)
    assert client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": "038090012345"}).json() == {"found": False}


def test_pages_are_vietnamese_and_english_on_request(client, db):
    assert "Đăng nhập cán bộ" in client.get("/mot-cua/dang-nhap/").content.decode()
    assert "Officer sign-in" in client.get("/mot-cua/dang-nhap/?lang=en").content.decode()


def test_applicant_lookup_falls_back_to_the_population_register(counter_client, settings, db):
    from motcua.integrations.population.simulator import people

    person = people()[0]
    found = counter_client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": person.citizen_id}).json()
    assert found["found"] is True
    assert (found["name"], found["address"]) == (person.full_name, person.permanent_address)
    assert "dân cư" in found["message"]
    settings.POPULATION_SIMULATOR_MODE = "unavailable"
    down = counter_client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": person.citizen_id}).json()
    assert down["found"] is False and "không phản hồi" in down["message"]
