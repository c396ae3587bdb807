"""Issue 10 point 10 at the engine and the API: an over-long value is refused with the maximum,
never cut; a person's name holds letters, spaces and ' - . only; nothing is saved."""
import pytest
from django.utils import translation

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import DossierActionError

from motcua.testing.world import APPLICANT, documents_for
from .test_selectors_api import client_for

pytestmark = pytest.mark.django_db

LONG_NAME = ("Nguyễn " * 100).strip()  # 699 characters


def receive(world, **applicant):
    return services.receive_at_counter(
        world["counter"], procedure_version=world["version"], applicant={**APPLICANT, **applicant},
        documents=documents_for(world), service_point=world["centre"])


@pytest.mark.parametrize(("applicant", "expected"), [
    ({"name": LONG_NAME}, "Họ và tên người nộp: tối đa 200 ký tự, nhưng đã nhập 699 ký tự."),
    ({"name": "<b>Trần</b> Thị Mẫu"}, "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - . (không được có “<”, “>”, “/”)."),
    ({"name": "Trần Thị Mẫu 2"}, "(không được có “2”)"),
    ({"address": "Số 1 " * 101}, "Địa chỉ người nộp: tối đa 500 ký tự, nhưng đã nhập 504 ký tự."),
])
def test_the_engine_refuses_instead_of_cutting(world, applicant, expected):
    with translation.override("vi"), pytest.raises(DossierActionError) as info:
        receive(world, **applicant)
    assert info.value.code == "invalid" and expected in info.value.messages[0]
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_a_business_name_keeps_its_digits(world):
    dossier = receive(world, kind="business", name="Công ty TNHH 3A", id_number="0101234567", birth_date=None)
    assert dossier.applicant_name == "Công ty TNHH 3A"


def test_names_are_stored_whole(world):
    name = "Lê-Nguyễn Bảo Ngọc"
    assert receive(world, name=name).applicant_name == name


def test_withdrawal_reason_and_delivery_address_are_refused_when_too_long(world):
    with translation.override("en"), pytest.raises(DossierActionError) as info:
        services.receive_at_counter(
            world["counter"], procedure_version=world["version"], applicant=APPLICANT, documents=documents_for(world),
            service_point=world["centre"], return_channel="post", delivery_address="x" * 501)
    assert "Delivery address: at most 500 characters, but 501 were given." in info.value.messages[0]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(("applicant", "field_message"), [
    ({"name": LONG_NAME}, "Trường này không được quá 255 ký tự."),
    ({"name": "Trần Thị " + "Mẫu" * 64}, "Tối đa 200 ký tự, nhưng đã nhập 201 ký tự."),  # a person: 200
    ({"name": "<script>alert(1)</script>"}, "Họ và tên chỉ gồm chữ cái"),
    ({"address": "x" * 501}, "Trường này không được quá 500 ký tự."),
])
def test_the_api_answers_400_with_the_message_and_saves_nothing(world, applicant, field_message):
    client = client_for(world["counter"])
    body = {"procedure": world["version"].procedure.code, "service_point": "trung-tam",
            "applicant": {**APPLICANT, "birth_date": "1990-05-17", **applicant}, "documents": documents_for(world)}
    response = client.post("/api/v1/dossiers/", body, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, response.content
    assert field_message in response.content.decode()
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_the_applicants_withdrawal_reason_and_supplement_note_are_refused_not_cut(world, client):
    from django.contrib.auth import get_user_model

    from motcua.dossiers.models import Status

    citizen = get_user_model().objects.create_user(username="citizen", password="x")
    online = services.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                                    documents=documents_for(world))
    with translation.override("en"), pytest.raises(DossierActionError) as info:
        services.withdraw_by_applicant(citizen, online, reason="x" * 1001)
    assert info.value.messages == ["Reason: at most 1000 characters, but 1001 were given."]
    client.force_login(citizen)
    response = client.post(f"/ca-nhan/ho-so/{online.code}/rut/", {"reason": "Nộp nhầm. " * 101}, follow=True)
    assert "Lý do: tối đa 1000 ký tự, nhưng đã nhập 1009 ký tự." in response.content.decode()
    online.refresh_from_db()
    assert online.status == Status.NEW and not online.events.filter(kind="withdraw_by_applicant").exists()
