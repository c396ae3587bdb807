"""Counter intake (issue 10 point 10): an over-long value or a name with markup is refused with a
message next to the field, the page renders no `maxlength` (a browser would cut a paste silently),
and nothing is saved."""
import html as htmllib

import pytest

from motcua.dossiers.models import Dossier, DossierEvent

from .test_intake import INTAKE, counter_client, intake_data  # noqa: F401

LONG_NAME = ("Nguyễn " * 100).strip()  # 699 characters


def test_the_intake_form_renders_no_maxlength(counter_client, world):
    response = counter_client.post(INTAKE, intake_data(world, applicant_name=LONG_NAME))
    assert 'name="applicant_name"' in response.content.decode()
    assert "maxlength" not in response.content.decode()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"applicant_name": LONG_NAME}, "Giá trị này chỉ có tối đa 200 kí tự (hiện có 699)"),
    ({"applicant_name": "<script>alert(1)</script>"}, "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - ."),
    ({"applicant_name": "Hoàng Thị Thử 3"}, "(không được có “3”)"),
    ({"owner_same": None, "owner_citizen_id": "038090012346", "owner_name": "Lê <i>Văn</i> Chủ"},
     "Họ và tên chỉ gồm chữ cái"),
    ({"note": "x" * 1001}, "Giá trị này chỉ có tối đa 1000 kí tự (hiện có 1001)"),
])
def test_bad_names_and_lengths_are_refused_and_nothing_saved(counter_client, world, overrides, message):
    response = counter_client.post(INTAKE, intake_data(world, **overrides))
    assert response.status_code == 400
    assert message in htmllib.unescape(response.content.decode())
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_names_with_diacritics_hyphen_and_apostrophe_are_received(counter_client, world):
    response = counter_client.post(INTAKE, intake_data(world, applicant_name="H’Hen Niê-Kdăm"))
    assert response.status_code == 302
    assert Dossier.objects.get().applicant_name == "H’Hen Niê-Kdăm"
