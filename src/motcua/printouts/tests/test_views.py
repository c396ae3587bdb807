import io

import pytest
from pypdf import PdfReader

from motcua.testing.world import APPLICANT, MONDAY


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())


@pytest.mark.django_db
def test_officer_prints_the_receipt_of_a_dossier_of_their_agency(client, world, receive):
    dossier = receive()
    client.force_login(world["counter"])
    response = client.get(f"/mot-cua/ho-so/{dossier.code}/in/01/")
    assert response.status_code == 200
    text = text_of(response)
    assert dossier.code in text and APPLICANT["name"] in text


@pytest.mark.django_db
def test_officer_of_another_agency_gets_404(client, world, receive):
    dossier = receive()
    client.force_login(world["justice_counter"])
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/in/01/").status_code == 404
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/in/05/").status_code == 404


@pytest.mark.django_db
def test_unknown_form_is_404_and_anonymous_is_sent_to_login(client, world, receive):
    dossier = receive()
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/in/01/").status_code == 302
    client.force_login(world["counter"])
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/in/09/").status_code == 404


@pytest.mark.django_db
def test_tracking_book_is_scoped_and_checks_dates(client, world, receive):
    dossier = receive()
    client.force_login(world["counter"])
    text = text_of(client.get("/mot-cua/so-theo-doi/?from=2026-03-01&to=31/03/2026"))
    assert dossier.code in text and "Tổng số hồ sơ: 1" in text
    assert "Tổng số hồ sơ: 0" in text_of(client.get("/mot-cua/so-theo-doi/?from=2026-04-01&to=2026-04-30"))
    bad = client.get("/mot-cua/so-theo-doi/?from=2026-13-01&to=2026-03-31")
    assert bad.status_code == 400 and "Ngày phải viết theo dạng" in bad.content.decode()
    assert client.get("/mot-cua/so-theo-doi/?from=2026-03-31&to=2026-03-01").status_code == 400
    client.force_login(world["justice_counter"])
    text = text_of(client.get("/mot-cua/so-theo-doi/?from=2026-03-01&to=2026-03-31"))
    assert dossier.code not in text and "Tổng số hồ sơ: 0" in text
