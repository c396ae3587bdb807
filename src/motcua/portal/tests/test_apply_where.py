"""Applying online to a procedure with several competent agencies: the applicant chooses (the one of
their residence pre-selected), a tampered choice is refused, and a boundary-free procedure may be
received at any service point while the competent agency handles it."""
import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from motcua.accounts.models import CitizenAccount
from motcua.catalog import services as catalog
from motcua.catalog.models import Field
from motcua.dossiers.models import Dossier
from motcua.integrations.population import simulator
from motcua.organization.models import AdministrativeLevel, AdministrativeUnit, Agency, Counter, ServicePoint
from motcua.portal import places

pytestmark = pytest.mark.django_db

# Commune names of the population register simulator's addresses, so that the register can place
# a synthetic person in one of them.
COMMUNES = ["Phường Đông Thành", "Xã Hòa Bình", "Xã Yên Phú"]
APPLICANT = {"applicant_name": "Trần Thị Mẫu", "applicant_id_number": "038190012345",
             "applicant_phone": "0912345678", "applicant_address": "Số 1 đường Thử Nghiệm"}


@pytest.fixture
def communes(db):
    province_level = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    commune_level = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Thử Nghiệm", level=province_level)
    centre_agency = Agency.objects.create(code="000.00.02.H99", name="Trung tâm PVHCC tỉnh", level=province_level,
                                          administrative_unit=province)
    justice = Agency.objects.create(code="000.00.11.H99", name="Sở Tư pháp", level=province_level,
                                    administrative_unit=province)
    centre = ServicePoint.objects.create(code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh",
                                         kind=ServicePoint.Kind.PROVINCIAL_CENTRE, host_agency=centre_agency)
    Counter.objects.create(service_point=centre, number=1, name="Tư pháp").agencies.set([justice])
    agencies, points = [], []
    for i, name in enumerate(COMMUNES, start=1):
        unit = AdministrativeUnit.objects.create(code=f"990{i}", name=name, level=commune_level, parent=province)
        agency = Agency.objects.create(code=f"000.01.0{i}.H99", name=f"Ủy ban nhân dân {name.lower()}",
                                       kind=Agency.Kind.PEOPLES_COMMITTEE, level=commune_level,
                                       administrative_unit=unit)
        point = ServicePoint.objects.create(code=f"xa-{i}", name=f"Trung tâm Phục vụ hành chính công {name.lower()}",
                                            kind=ServicePoint.Kind.COMMUNE_UNIT, administrative_unit=unit,
                                            host_agency=agency)
        Counter.objects.create(service_point=point, number=1, name="Quầy 1").agencies.set([agency])
        agencies.append(agency)
        points.append(point)
    field = Field.objects.create(code="chung-thuc", name="Chứng thực")
    common = dict(field=field, time_limit=Decimal("2"), time_limit_unit="working_days", online_level="full",
                  accepts_online=True, levels=[commune_level], competent_agencies=agencies,
                  documents=[{"name": "Tờ khai", "originals": 1, "is_required": False}],
                  publish=True, valid_from=datetime.date(2025, 1, 1))
    local = catalog.create_procedure("2.000001.000.00.00.H99", "2.000001", name="Xác nhận tình trạng nhà ở",
                                     **common)
    free = catalog.create_procedure("2.000002.000.00.00.H99", "2.000002", name="Cấp bản sao trích lục hộ tịch",
                                    is_boundary_free=True, **common)
    return {"agencies": agencies, "points": points, "centre": centre, "local": local, "free": free,
            "units": [a.administrative_unit for a in agencies]}


def citizen(address="", citizen_id=None):
    user = get_user_model().objects.create_user(username=f"cd-{uuid.uuid4().hex[:8]}", password="pw-123456")
    CitizenAccount.objects.create(user=user, full_name="Trần Thị Mẫu", citizen_id=citizen_id, address=address)
    return user


def url(version):
    return f"/thu-tuc/{version.procedure.code}/nop-truc-tuyen/"


def post(client, version, **extra):
    data = {"key": str(uuid.uuid4()), "owner_same": "on", "return_channel": "online", "action": "submit",
            **APPLICANT, **extra}
    return client.post(url(version), {k: v for k, v in data.items() if v is not None})


def selected(page: str, name: str) -> str | None:
    """The value of the option selected in the <select name=...> of a page."""
    import re

    block = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert block, f"no {name} select"
    chosen = re.search(r'<option value="(\d*)"[^>]*selected', block.group(0))
    return (chosen.group(1) or None) if chosen else None


def test_the_chosen_commune_receives_the_dossier(client, communes):
    client.force_login(citizen())
    second = communes["agencies"][1]
    response = post(client, communes["local"], competent_agency=str(second.pk))
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get()
    assert (dossier.competent_agency, dossier.receiving_agency, dossier.current_agency) == (second, second, second)
    assert dossier.code.startswith(second.code)


def test_the_commune_of_residence_is_preselected_from_the_profile(client, communes):
    client.force_login(citizen(address="Thôn 3, xã Yên Phú, tỉnh Thử Nghiệm"))
    page = client.get(url(communes["local"])).content.decode()
    assert "Cơ quan giải quyết hồ sơ" in page or "Agency that handles" in page
    assert selected(page, "competent_agency") == str(communes["agencies"][2].pk)


def test_the_commune_of_residence_comes_from_the_population_register(client, communes):
    person = next(p for p in simulator.people() if ", Xã Hòa Bình," in p.permanent_address)
    client.force_login(citizen(citizen_id=person.citizen_id))
    page = client.get(url(communes["local"])).content.decode()
    assert selected(page, "competent_agency") == str(communes["agencies"][1].pk)


def test_register_down_or_unknown_residence_preselects_nothing(client, communes, settings):
    settings.POPULATION_SIMULATOR_MODE = "unavailable"
    person = next(p for p in simulator.people() if ", Xã Hòa Bình," in p.permanent_address)
    client.force_login(citizen(citizen_id=person.citizen_id))
    page = client.get(url(communes["local"])).content.decode()
    assert selected(page, "competent_agency") is None


def test_no_choice_when_several_is_a_form_error(client, communes):
    client.force_login(citizen(address="xã Yên Phú"))
    response = post(client, communes["local"], competent_agency="")
    assert response.status_code == 400
    assert "Hãy chọn cơ quan giải quyết hồ sơ" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_tampered_agency_is_refused(client, communes):
    client.force_login(citizen())
    stranger = Agency.objects.get(code="000.00.11.H99")  # not competent for the commune procedure
    for value in (str(stranger.pk), "abc", "999999"):
        response = post(client, communes["local"], competent_agency=value)
        assert response.status_code == 400
        assert "Cơ quan này không giải quyết thủ tục này" in response.content.decode()
    assert not Dossier.objects.exists()


def test_english_messages(client, communes):
    client.force_login(citizen())
    response = client.post(url(communes["local"]) + "?lang=en", {
        "key": str(uuid.uuid4()), "owner_same": "on", "return_channel": "online", "action": "submit",
        **APPLICANT, "competent_agency": "999999"})
    assert response.status_code == 400
    assert "This agency does not handle this procedure" in response.content.decode()


def test_boundary_free_received_anywhere_handled_by_the_competent_commune(client, communes):
    client.force_login(citizen(address="xã Hòa Bình"))
    home = communes["agencies"][1]
    page = client.get(url(communes["free"])).content.decode()
    # Pre-selected: the commune of residence handles it, its service point receives it.
    assert selected(page, "competent_agency") == str(home.pk)
    assert selected(page, "receiving_point") == str(communes["points"][1].pk)
    # Received at the first commune's service point, handled by the commune of residence.
    elsewhere = communes["points"][0]
    response = post(client, communes["free"], competent_agency=str(home.pk), receiving_point=str(elsewhere.pk))
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency == communes["agencies"][0]
    assert dossier.service_point == elsewhere
    assert (dossier.competent_agency, dossier.current_agency) == (home, home)


def test_boundary_free_tampered_or_missing_service_point(client, communes):
    client.force_login(citizen())
    home = communes["agencies"][1]
    # The centre receives only for the justice department, not for this procedure's agencies.
    response = post(client, communes["free"], competent_agency=str(home.pk), receiving_point=str(communes["centre"].pk))
    assert response.status_code == 400
    assert "Nơi tiếp nhận này không tiếp nhận thủ tục này" in response.content.decode()
    response = post(client, communes["free"], competent_agency=str(home.pk), receiving_point="")
    assert response.status_code == 400
    assert "Hãy chọn nơi tiếp nhận hồ sơ" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_procedure_with_one_agency_asks_nothing(client, communes):
    only = communes["agencies"][0]
    communes["local"].procedure  # noqa: B018
    single = catalog.create_procedure(
        "2.000003.000.00.00.H99", "2.000003", name="Thủ tục một cơ quan", field=communes["local"].field,
        time_limit=Decimal("2"), time_limit_unit="working_days", online_level="full", accepts_online=True,
        levels=[only.level], competent_agencies=[only], publish=True, valid_from=datetime.date(2025, 1, 1))
    client.force_login(citizen())
    page = client.get(url(single)).content.decode()
    assert 'name="competent_agency"' not in page
    assert post(client, single).status_code == 302
    assert Dossier.objects.get().competent_agency == only


def test_residence_follows_a_merger():
    commune_level = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    new = AdministrativeUnit.objects.create(code="N1", name="Xã Suối Mới", level=commune_level)
    AdministrativeUnit.objects.create(code="O1", name="Xã Thác Cũ", level=commune_level, successor=new,
                                      valid_to=datetime.date(2025, 6, 30))
    assert places._unit_in("Thôn 2, xã Thác Cũ, tỉnh Thử Nghiệm") == new
    assert places._unit_in("") is None


def test_submission_without_an_agency_is_refused_by_the_service(communes):
    from motcua.documents import applications
    from motcua.dossiers.services import DossierActionError

    user = citizen()
    draft = applications.start_or_resume(user, communes["local"], uuid.uuid4())
    applications.save_form(draft, {"applicant": {"name": "Trần Thị Mẫu", "id_number": "038190012345"},
                                   "owner_same": True, "return_channel": "online"}, None)
    with pytest.raises(DossierActionError) as excinfo:
        applications.submit(user, draft)
    assert "agency" in str(excinfo.value.messages) or "cơ quan" in str(excinfo.value.messages)
    assert not Dossier.objects.exists()
    dossier, created = applications.submit(user, draft, competent_agency=communes["agencies"][2])
    assert created and dossier.competent_agency == communes["agencies"][2]
