"""My dossiers (/ca-nhan/ho-so/): the amount still owed per dossier, when something is owed and
the dossier is open; nothing for a paid, refused or fee-free dossier."""
import re

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from motcua.testing.world import APPLICANT, MONDAY, at, documents_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user(username="citizen-mine-fees", password="x")


def submit(world, citizen, when):
    return services.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                                  documents=documents_for(world), account=citizen, submitted_at=when)


def row_of(html: str, code: str) -> str:
    match = re.search(rf"<tr><td[^>]*><a href=\"/ca-nhan/ho-so/{re.escape(code)}/\">.*?</tr>", html, re.S)
    assert match, code
    return match.group(0)


def test_my_dossiers_show_what_each_still_owes(client, world, citizen):
    owing = submit(world, citizen, MONDAY)  # 50.000 đ less the 50% online discount
    services.accept_online(world["counter"], owing, at=at(2026, 3, 2, 9))
    paid = submit(world, citizen, at(2026, 3, 2, 10))
    services.accept_online(world["counter"], paid, at=at(2026, 3, 2, 11))
    services.record_payment(world["counter"], paid, amount=25000, method="cash", reference="BL-2",
                            at=at(2026, 3, 2, 11, 30))
    refused = submit(world, citizen, at(2026, 3, 2, 13))
    services.refuse_intake(world["counter"], refused, reason="Hồ sơ nộp nhầm thủ tục.", at=at(2026, 3, 2, 14))

    client.force_login(citizen)
    html = client.get("/ca-nhan/ho-so/").content.decode()
    assert "Còn phải nộp" in html  # the column
    row = row_of(html, owing.code)
    assert 'data-owed="25000"' in row and "25.000 đ" in row and "khi tiếp nhận hồ sơ" in row
    assert "data-owed" not in row_of(html, paid.code)
    assert "data-owed" not in row_of(html, refused.code)  # a refused dossier owes nothing


def test_english_on_request(client, world, citizen):
    owing = submit(world, citizen, MONDAY)
    client.force_login(citizen)
    html = client.get("/ca-nhan/ho-so/?lang=en").content.decode()
    assert "Still owed" in html and "25.000 đ" in row_of(html, owing.code)
