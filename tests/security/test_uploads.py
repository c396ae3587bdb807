"""Issue 17, points 8 and 9: every upload point goes through the one upload check; file names.

An EXE became a citizen's stored result: the electronic result upload (resolve page and API) skipped
the checks of `documents/uploads.check_upload` (type from the content, size, virus scan). Now the
engine's commands that store a file check anything not already checked, and every upload point is
fed an EXE (an MZ header, named .pdf) here: refused with a message, nothing stored on disk or in
the database.

Also: a file name of 250 characters broke PostgreSQL (a FileField holds 100): stored names are
short and safe (the uploaded name is kept for the person where it is shown); a digitised document
scanned again left the first scan on disk: it is deleted once the change has committed and nothing
refers to it.
"""
import os

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.documents import services as store
from motcua.documents.models import ApplicationDraft, DraftFile, Source, StoredDocument
from motcua.documents.tests.conftest import (  # noqa: F401  (fixtures)
    APPLICANT,
    EXE,
    MONDAY,
    PDF,
    PNG,
    _media,
    citizen,
    documents_for,
    paper_dossier,
    upload,
)
from motcua.documents.uploads import STORED_NAME_MAX, check_upload
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, Status

pytestmark = pytest.mark.django_db

APPLY = "/thu-tuc/1.004227.000.00.00.H99/nop-truc-tuyen/"
EXE_NAME = "ket-qua.pdf"  # an executable that says it is a PDF


def files_on_disk(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, names in os.walk(root) for f in names)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def apply_data(world, **files) -> dict:
    d1, d2, _d3 = world["docs"]
    return {"key": "5b0e7c1e-8d1c-4e8a-9f0e-3f1c2a4b5c6d", "applicant_name": APPLICANT["name"],
            "applicant_id_number": APPLICANT["id_number"], "applicant_birth_date": "1990-05-17",
            "applicant_phone": APPLICANT["phone"], "applicant_email": APPLICANT["email"],
            "applicant_address": APPLICANT["address"], "owner_same": "on", "return_channel": "online",
            f"file_{d1.pk}": files.get("d1") or upload("don.pdf", PDF),
            f"file_{d2.pk}": files.get("d2") or upload("giay.png", PNG), "action": "submit"}


@pytest.fixture
def processing(world, paper_dossier):
    return services.hand_over(world["counter"], paper_dossier)


def test_the_check_itself_refuses_an_exe_named_pdf():
    with pytest.raises(Exception) as refused:
        check_upload(upload(EXE_NAME, EXE))
    assert refused.value.code == "bad_type" and "PDF, JPEG" in refused.value.messages[0]


def test_result_on_the_resolve_page(client, world, processing, _media):
    client.force_login(world["leader"])
    processing.refresh_from_db()
    response = client.post(f"/mot-cua/ho-so/{processing.code}/thao-tac/resolve/", {
        "version": processing.version, "resolve-result_kind": "electronic", "resolve-result_description": "GCN",
        "resolve-result_file": upload(EXE_NAME, EXE)})
    assert response.status_code == 302
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Không có thay đổi nào" in message and "PDF, JPEG hay PNG" in message
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING and not processing.result_file
    assert files_on_disk(_media) == []


def test_result_through_the_api(world, processing, _media):
    response = api(world["leader"]).post(f"/api/v1/dossiers/{processing.code}/actions/resolve/?lang=en", {
        "version": processing.version, "result_kind": "electronic", "result_description": "GCN",
        "result_file": upload(EXE_NAME, EXE)}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "bad_type"
    assert "is not a PDF, JPEG or PNG file" in response.json()["detail"]
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING and not processing.result_file
    assert files_on_disk(_media) == []


def test_result_through_the_engine(world, processing, _media):
    with pytest.raises(services.DossierActionError) as refused:
        services.resolve(world["leader"], processing, result_kind="electronic",
                         result_file=ContentFile(EXE, name=EXE_NAME))
    assert refused.value.code == "bad_type"
    assert files_on_disk(_media) == [] and Dossier.objects.get(pk=processing.pk).status == Status.PROCESSING


def test_digitise_page_and_api(client, world, paper_dossier, _media):
    document = paper_dossier.documents.order_by("pk").first()
    client.force_login(world["counter"])
    page = client.post(f"/mot-cua/ho-so/{paper_dossier.code}/so-hoa/{document.pk}/",
                       {"file": upload(EXE_NAME, EXE), "version": paper_dossier.version})
    assert page.status_code == 400 and "PDF, JPEG hay PNG" in page.content.decode()
    response = api(world["counter"]).post(
        f"/api/v1/dossiers/{paper_dossier.code}/documents/{document.pk}/digitise/",
        {"file": upload(EXE_NAME, EXE)}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "bad_type"
    with pytest.raises(services.DossierActionError):
        services.digitise_document(world["counter"], paper_dossier, document=document,
                                   file=ContentFile(EXE, name=EXE_NAME))
    document.refresh_from_db()
    assert not document.file and document.digitization == 0
    assert files_on_disk(_media) == []


def test_receipt_with_a_file_through_the_engine(world, _media):
    docs = documents_for(world)
    docs[0]["file"] = ContentFile(EXE, name=EXE_NAME)
    with pytest.raises(services.DossierActionError):
        services.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                    documents=docs, service_point=world["centre"], received_at=MONDAY)
    assert Dossier.objects.count() == 0 and files_on_disk(_media) == []


def test_portal_application_supplement_and_data_store(client, world, citizen, _media):
    client.force_login(citizen)
    refused = client.post(APPLY, apply_data(world, d1=upload(EXE_NAME, EXE)))
    assert refused.status_code == 400 and "PDF, JPEG hay PNG" in refused.content.decode()
    # The good file of the form stays in the draft (to correct the bad one); the EXE nowhere.
    assert Dossier.objects.count() == 0
    assert not DraftFile.objects.filter(required_document=world["docs"][0]).exists()
    assert not ApplicationDraft.objects.filter(dossier__isnull=False).exists()

    store_page = client.post("/ca-nhan/kho-du-lieu/", {"kind": "Căn cước", "file": upload(EXE_NAME, EXE)})
    assert store_page.status_code == 400 and "PDF, JPEG hay PNG" in store_page.content.decode()
    assert StoredDocument.objects.count() == 0
    assert not any(open(os.path.join(_media, f), "rb").read(2) == b"MZ" for f in files_on_disk(_media))

    assert client.post(APPLY, apply_data(world)).status_code == 302
    dossier = Dossier.objects.get()
    services.accept_online(world["counter"], dossier)
    services.request_supplement(world["counter"], dossier, items=["Bản đồ"], reason="Thiếu")
    dossier.refresh_from_db()
    before = files_on_disk(_media)
    supplement = client.post(f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
                             {"version": dossier.version, "name": "Bản đồ", "file1": upload(EXE_NAME, EXE)})
    assert supplement.status_code == 400 and "PDF, JPEG hay PNG" in supplement.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT and files_on_disk(_media) == before


# --- point 9: long file names, scans replaced --------------------------------------------------


LONG_NAME = "giay-chung-nhan-quyen-su-dung-dat-" + "rat-dai-" * 27 + ".pdf"


def test_a_250_character_file_name_is_stored_short(client, world, citizen, processing):
    assert len(LONG_NAME) == 254
    client.force_login(citizen)
    assert client.post(APPLY, apply_data(world, d1=upload(LONG_NAME, PDF))).status_code == 302
    dossier = Dossier.objects.get(account=citizen)
    draft_file = DraftFile.objects.get(required_document=world["docs"][0])
    assert draft_file.original_name == LONG_NAME[:196] + ".pdf"  # the person's name for it, as shown
    for document in dossier.documents.exclude(file=""):
        assert len(document.file.name) <= DossierDocument._meta.get_field("file").max_length
        assert document.file.read() in (PDF, PNG)
    services.resolve(world["leader"], processing, result_kind="electronic", result_file=upload(LONG_NAME, PDF))
    processing.refresh_from_db()
    assert len(processing.result_file.name) <= Dossier._meta.get_field("result_file").max_length
    assert len(os.path.basename(processing.result_file.name)) <= STORED_NAME_MAX + 8  # + storage's suffix


def test_a_stored_document_with_a_long_name_is_copied_when_reused(world, citizen, _media):
    """A data store entry saved before names were shortened (255 characters allowed there) is
    re-used in a dossier (100): the dossier gets a copy under a short name."""
    legacy = StoredDocument.objects.create(owner=citizen, kind="Giấy chứng nhận", source=Source.UPLOAD,
                                           file=ContentFile(PDF, name=LONG_NAME[:230]))
    assert len(legacy.file.name) > 100
    docs = documents_for(world)
    docs[1].update(file=legacy.file.name, digitization=2)
    dossier = services.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                          documents=docs, service_point=world["centre"], received_at=MONDAY)
    reused = dossier.documents.get(required_document=world["docs"][1])
    assert len(reused.file.name) <= 100 and reused.file.read() == PDF
    assert legacy.file.storage.exists(legacy.file.name)  # the store keeps its own


def test_scanning_again_deletes_the_earlier_scan_once_committed(world, paper_dossier, citizen, _media,
                                                                django_capture_on_commit_callbacks):
    document = paper_dossier.documents.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        store.digitise_document(world["counter"], document, check_upload(upload("scan-1.pdf", PDF)))
    first = DossierDocument.objects.get(pk=document.pk).file.name
    assert files_on_disk(_media) == [first]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        store.digitise_document(world["counter"], DossierDocument.objects.get(pk=document.pk),
                                check_upload(upload("scan-2.png", PNG)))
        second = DossierDocument.objects.get(pk=document.pk).file.name
        assert first in files_on_disk(_media)  # not before the commit
    assert callbacks and second != first
    assert files_on_disk(_media) == [second]


def test_a_replaced_scan_that_is_still_referenced_stays(world, paper_dossier, _media,
                                                        django_capture_on_commit_callbacks):
    document = paper_dossier.documents.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.digitise_document(world["counter"], paper_dossier, document=document,
                                   file=ContentFile(PDF, name="scan-1.pdf"))
    first = DossierDocument.objects.get(pk=document.pk).file.name
    # Someone's data store holds the same file (a re-used copy): it must survive the re-scan.
    StoredDocument.objects.create(owner=world["counter"], kind="x", source=Source.UPLOAD, file=first)
    with django_capture_on_commit_callbacks(execute=True):
        services.digitise_document(world["counter"], paper_dossier, document=document,
                                   file=ContentFile(PNG, name="scan-2.png"))
    assert first in files_on_disk(_media) and len(files_on_disk(_media)) == 2
