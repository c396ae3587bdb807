"""Applying online (issue 10 point 10): a name with markup or digits, or longer than 200
characters, is refused with a message next to the field, never cut; no dossier is created; the
form renders no `maxlength` (a browser would cut a paste silently)."""
import html as htmllib

import pytest

from motcua.dossiers.models import Dossier

from .test_apply_where import citizen, communes, post, url  # noqa: F401

pytestmark = pytest.mark.django_db
LONG_NAME = ("Nguyễn " * 100).strip()  # 699 characters


def test_the_form_renders_no_maxlength(client, communes):
    client.force_login(citizen())
    page = client.get(url(communes["local"])).content.decode()
    assert 'name="applicant_name"' in page and "maxlength" not in page


@pytest.mark.parametrize(("name", "message"), [
    (LONG_NAME, "Giá trị này chỉ có tối đa 200 kí tự (hiện có 699)"),
    ("<img src=x onerror=alert(1)>", "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - ."),
    ("Trần Thị Mẫu 1990", "(không được có “1”, “9”, “0”)"),
])
def test_a_bad_name_is_refused_and_no_dossier_is_created(client, communes, name, message):
    client.force_login(citizen())
    response = post(client, communes["local"], applicant_name=name, competent_agency=str(communes["agencies"][0].pk))
    assert response.status_code == 400
    assert message in htmllib.unescape(response.content.decode())
    assert Dossier.objects.count() == 0


def test_english_message(client, communes):
    client.force_login(citizen())
    response = client.post(url(communes["local"]) + "?lang=en", {
        "key": "5d0c5a3e-9a53-4c4e-a3a4-1b0b3c7c1a11", "owner_same": "on", "return_channel": "online",
        "action": "submit", "applicant_name": "<b>X</b>", "applicant_id_number": "038190012345",
        "competent_agency": str(communes["agencies"][0].pk)})
    assert response.status_code == 400
    assert "A person&#x27;s name may hold only letters, spaces and the marks" in response.content.decode()
    assert Dossier.objects.count() == 0
