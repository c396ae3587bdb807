"""Counter intake re-uses the owner's stored documents; the dossier page offers digitisation."""
import datetime
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.accounts.models import CitizenAccount
from motcua.documents import selectors as documents_selectors
from motcua.documents.models import Source, StoredDocument
from motcua.documents.services import citizen_reference
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument

from .test_intake import INTAKE, intake_data

CITIZEN_ID = "038090012345"  # the applicant of intake_data
STORE_URL = "/mot-cua/tiep-nhan/kho-du-lieu/"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(media_root):  # stored files in a temporary folder (motcua.testing.world)
    return media_root


def person(username, citizen_id):
    user = get_user_model().objects.create_user(username=username, password="pw-123456")
    # Verified at the counter: only a verified identity's store is offered (docs/accounts.md).
    CitizenAccount.objects.create(user=user, full_name="Hoàng Thị Thử", citizen_id=citizen_id,
                                  identity_source="counter")
    return user


def stored(owner, kind, source=Source.UPLOAD, **extra):
    return StoredDocument.objects.create(owner=owner, kind=kind, file=ContentFile(PDF, name="s.pdf"), source=source,
                                         **extra)


@pytest.fixture
def store(world):
    owner = person("thu", CITIZEN_ID)
    return {
        "owner": owner,
        "form": stored(owner, "Tờ khai đăng ký khai sinh", number="TK-01"),
        "result": stored(owner, "Giấy chứng sinh", source=Source.RESULT, number="CS-02"),
        "expired": stored(owner, "Giấy tờ cũ", number="CU-00", valid_until=timezone.localdate() - datetime.timedelta(days=1)),
        "strangers": stored(person("la", "038090099999"), "Giấy chứng sinh", number="LA-99"),
    }


def test_store_lookup_is_for_counter_officers_and_logged(client, world, store, caplog):
    client.force_login(world.counter_officer)
    with caplog.at_level(logging.INFO, logger="motcua.documents.access"):
        response = client.get(STORE_URL, {"citizen_id": CITIZEN_ID})
    assert response.status_code == 200
    found = {d["id"]: d for d in response.json()["documents"]}
    assert set(found) == {store["form"].pk, store["result"].pk}  # not expired, not someone else's
    assert (found[store["result"].pk]["reuse_status"], found[store["form"].pk]["reuse_status"]) == (3, 2)
    assert found[store["form"].pk]["number"] == "TK-01"
    line = caplog.records[-1].getMessage()
    assert "officer=motcua.quay" in line and "found=2" in line
    assert f"citizen_ref={citizen_reference(CITIZEN_ID)}" in line and CITIZEN_ID not in line
    assert client.get(STORE_URL, {"citizen_id": "12345"}).status_code == 400
    assert client.get(STORE_URL, {"citizen_id": "038090011111"}).json() == {"documents": []}
    client.force_login(world.specialist)  # not a counter officer
    assert client.get(STORE_URL, {"citizen_id": CITIZEN_ID}).status_code == 404


def test_find_button_offers_the_store_and_keeps_what_was_typed(client, world, store):
    client.force_login(world.counter_officer)
    response = client.post(INTAKE, intake_data(world, lookup_store="1", applicant_name="Tên Đã Gõ"))
    page = response.content.decode()
    assert response.status_code == 200 and Dossier.objects.count() == 0
    assert "Tên Đã Gõ" in page and "TK-01" in page and "CS-02" in page and "Giấy tờ cũ" not in page
    assert "Số giấy tờ trong kho dữ liệu có thể tái sử dụng: 2." in page
    form_doc, birth_doc, _ = world.version.documents.order_by("order")
    # Each item's select pre-chooses the stored document of the same kind.
    assert f'<option value="{store["result"].pk}" selected>' in page.split(f'name="doc_{birth_doc.pk}_stored"')[1]


def test_intake_with_reused_documents_records_them(client, world, store):
    form_doc, birth_doc, _ = world.version.documents.order_by("order")
    client.force_login(world.counter_officer)
    data = intake_data(world, **{
        f"doc_{form_doc.pk}": None, f"doc_{form_doc.pk}_reuse": "on", f"doc_{form_doc.pk}_stored": store["form"].pk,
        f"doc_{birth_doc.pk}": None, f"doc_{birth_doc.pk}_reuse": "on",
        f"doc_{birth_doc.pk}_stored": store["result"].pk,
    })
    response = client.post(INTAKE, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    docs = {d.required_document_id: d for d in dossier.documents.all()}
    assert (docs[form_doc.pk].digitization, docs[birth_doc.pk].digitization) == (2, 3)
    assert docs[form_doc.pk].file.name == store["form"].file.name and docs[form_doc.pk].originals == 0
    assert docs[birth_doc.pk].file.name == store["result"].file.name
    paper = docs[world.version.documents.order_by("order")[2].pk]
    assert paper.digitization == 0 and paper.copies == 1
    day = timezone.localdate(dossier.received_at)
    assert documents_selectors.digitisation_counts(day, day) == {
        "dossiers": 1, "digitised": 0, "reused_documents": 1, "reused_results": 1}
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "Tái sử dụng từ thành phần hồ sơ khác" in page and "Tái sử dụng từ kết quả hồ sơ khác" in page


@pytest.mark.parametrize("which", ["strangers", "expired"])
def test_a_stored_document_not_offered_is_refused_and_choices_stay(client, world, store, which):
    form_doc = world.version.documents.order_by("order")[0]
    client.force_login(world.counter_officer)
    data = intake_data(world, **{f"doc_{form_doc.pk}": None, f"doc_{form_doc.pk}_reuse": "on",
                                 f"doc_{form_doc.pk}_stored": store[which].pk})
    response = client.post(INTAKE, data)
    page = response.content.decode()
    assert response.status_code == 400 and Dossier.objects.count() == 0
    assert "không dùng được cho người này" in page
    assert f'id="id_doc_{form_doc.pk}_reuse" checked' in page  # the officer's choice is kept
    assert store[which].number not in page  # and nothing is told about documents not offered


def test_digitise_link_only_for_officers_who_may(client, world):
    dossier = services.receive_at_counter(
        world.counter_officer, procedure_version=world.version, applicant={"kind": "person", "name": "Hoàng Thị Thử",
                                                                            "id_number": CITIZEN_ID},
        documents=[{"required_document": d.pk, "originals": 1, "digitization": 1 if i == 0 else 0}
                   for i, d in enumerate(world.version.documents.order_by("order")[:2])])
    scanned, paper = dossier.documents.get(digitization=1), dossier.documents.get(digitization=0)
    client.force_login(world.counter_officer)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert f"/so-hoa/{paper.pk}/" in page and f"/so-hoa/{scanned.pk}/" not in page and ">Số hóa</a>" in page
    client.force_login(world.specialist)
    assert f"/so-hoa/{paper.pk}/" in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    client.force_login(world.leader)  # approves, does not receive or examine
    assert "/so-hoa/" not in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    Dossier.objects.filter(pk=dossier.pk).update(status=8)  # stopped: no more digitising
    client.force_login(world.counter_officer)
    assert "/so-hoa/" not in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert DossierDocument.objects.filter(dossier=dossier, digitization=0).count() == 1
