"""Counter intake of a boundary-free procedure (Decree 118/2025) at a service point that is not the
competent agency's own: the officer chooses the competent agency among the procedure's (required
when there are several; pre-selected to their own agency if it is competent, else to the commune
the applicant's address names); the receiving agency stays the officer's; a tampered value is
refused with a message and nothing is saved."""
import datetime
import re
from decimal import Decimal

import pytest

from motcua.backoffice import form_commands
from motcua.catalog import services as catalog
from motcua.dossiers.models import Dossier
from motcua.organization.models import Agency, Counter, Role
from motcua.portal.tests.test_apply_where import communes  # noqa: F401

from .scenario import make_officer

pytestmark = pytest.mark.django_db

INTAKE = "/mot-cua/tiep-nhan/"
REQUIRED = "Hãy chọn cơ quan có thẩm quyền giải quyết hồ sơ."
TAMPERED = "Cơ quan này không có thẩm quyền giải quyết thủ tục này; hãy chọn một cơ quan trong danh sách."


@pytest.fixture
def officers(communes):  # noqa: F811
    justice = Agency.objects.get(code="000.00.11.H99")
    centre_desk = Counter.objects.get(service_point=communes["centre"])
    first_desk = Counter.objects.get(service_point=communes["points"][0])
    return {
        "centre": make_officer("motcua.trungtam", "Đỗ Thị Quầy", Role.COUNTER_OFFICER, justice, counter=centre_desk),
        "first": make_officer("motcua.xa1", "Lý Văn Quầy", Role.COUNTER_OFFICER, communes["agencies"][0],
                              counter=first_desk),
        "justice": justice,
    }


def data(version, **overrides):
    doc = version.documents.get()
    values = {
        "procedure": version.procedure.code, "case": "", "applicant_citizen_id": "038090012345",
        "applicant_name": "Hoàng Thị Thử", "applicant_phone": "0912345678", "applicant_address": "",
        "owner_same": "on", "return_channel": "counter", f"doc_{doc.pk}": "on", f"doc_{doc.pk}_originals": "1",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def options(page: str) -> tuple[list[str], str | None]:
    """The values offered by the competent agency select, and the one selected."""
    block = re.search(r'<select name="competent_agency".*?</select>', page, re.S)
    assert block, "no competent agency select"
    values = re.findall(r'<option value="(\d+)"', block.group(0))
    chosen = re.search(r'<option value="(\d+)" selected', block.group(0))
    return values, chosen.group(1) if chosen else None


def test_the_centre_officer_chooses_the_commune_and_the_centre_receives(client, communes, officers):  # noqa: F811
    free, agencies = communes["free"], communes["agencies"]
    client.force_login(officers["centre"])
    page = client.get(INTAKE, {"procedure": free.procedure.code}).content.decode()
    values, chosen = options(page)
    assert sorted(values) == sorted(str(a.pk) for a in agencies) and chosen is None
    assert "Cơ quan tiếp nhận: Sở Tư pháp." in page and "Nghị định 118/2025/NĐ-CP" in page
    # Not chosen: refused with the message, nothing saved.
    response = client.post(INTAKE, data(free))
    assert response.status_code == 400 and REQUIRED in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(INTAKE, data(free, competent_agency=str(agencies[1].pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.competent_agency, dossier.receiving_agency, dossier.service_point) == (
        agencies[1], officers["justice"], communes["centre"])


def test_a_tampered_agency_is_refused_with_a_message(client, communes, officers):  # noqa: F811
    client.force_login(officers["centre"])
    for value in (str(officers["justice"].pk), "abc", "999999", "-1"):
        response = client.post(INTAKE, data(communes["free"], competent_agency=value))
        assert response.status_code == 400
        assert TAMPERED in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_residence_named_by_the_address_is_preselected(client, communes, officers):  # noqa: F811
    client.force_login(officers["centre"])
    response = client.post(INTAKE, data(communes["free"], applicant_address="Thôn 3, xã Yên Phú, tỉnh Thử Nghiệm"))
    assert response.status_code == 400  # not chosen yet: the officer confirms the suggestion
    assert options(response.content.decode())[1] == str(communes["agencies"][2].pk)
    # The look-up of stored documents shows the form again with the same suggestion.
    response = client.post(INTAKE, data(communes["free"], applicant_address="xã Hòa Bình", lookup_store="1"))
    assert response.status_code == 200
    assert options(response.content.decode())[1] == str(communes["agencies"][1].pk)
    assert not Dossier.objects.exists()


def test_another_communes_centre_preselects_its_own_commune_and_may_choose_another(
        client, communes, officers):  # noqa: F811
    free, agencies = communes["free"], communes["agencies"]
    client.force_login(officers["first"])
    page = client.get(INTAKE, {"procedure": free.procedure.code}).content.decode()
    assert options(page)[1] == str(agencies[0].pk)
    # Even with an address elsewhere, the officer's own commune is the default shown.
    response = client.post(INTAKE, data(free, applicant_address="xã Yên Phú", lookup_store="1"))
    assert options(response.content.decode())[1] == str(agencies[0].pk)
    response = client.post(INTAKE, data(free, competent_agency=str(agencies[2].pk), applicant_address="xã Yên Phú"))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.competent_agency, dossier.receiving_agency, dossier.service_point) == (
        agencies[2], agencies[0], communes["points"][0])


def test_a_procedure_that_is_not_boundary_free_stays_with_the_receiving_commune(
        client, communes, officers):  # noqa: F811
    local, agencies = communes["local"], communes["agencies"]
    client.force_login(officers["first"])
    page = client.get(INTAKE, {"procedure": local.procedure.code}).content.decode()
    assert 'name="competent_agency"' not in page
    response = client.post(INTAKE, data(local, competent_agency=str(agencies[2].pk)))  # ignored: no choice here
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dossier.objects.get().competent_agency == agencies[0]


def test_choices_and_suggestion(communes, officers):  # noqa: F811
    free, local, agencies = communes["free"], communes["local"], communes["agencies"]
    assert form_commands.competent_choices(officers["first"], local) == []
    assert [a.pk for a in form_commands.competent_choices(officers["first"], free)] == [
        a.pk for a in sorted(agencies, key=lambda a: a.name)]
    # A single competent agency: nothing to choose.
    single = catalog.create_procedure(
        "2.000003.000.00.00.H99", "2.000003", name="Thủ tục một cơ quan", field=free.field,
        time_limit=Decimal("2"), time_limit_unit="working_days", levels=list(free.levels.all()),
        competent_agencies=[agencies[1]], is_boundary_free=True, publish=True, valid_from=datetime.date(2025, 1, 1))
    assert form_commands.competent_choices(officers["centre"], single) == []
    choices = list(agencies)
    assert form_commands.suggested_competent_agency(officers["centre"], choices, officers["justice"]) is None
    assert form_commands.suggested_competent_agency(officers["centre"], choices, officers["justice"],
                                             "Số 5, phường Đông Thành") == agencies[0]
    assert form_commands.suggested_competent_agency(officers["first"], choices, agencies[0], "xã Hòa Bình") == agencies[0]
