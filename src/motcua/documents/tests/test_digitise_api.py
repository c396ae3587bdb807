"""POST /api/v1/dossiers/{code}/documents/{id}/digitise/: the scan page's checks and service
through the API, and the generic action endpoint pointing there."""
import pytest
from rest_framework.test import APIClient

from motcua.documents.models import Source, StoredDocument
from motcua.documents.uploads import EICAR
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from motcua.testing.world import client_for

from .conftest import APPLICANT, MONDAY, PDF, PNG, documents_for, upload

pytestmark = pytest.mark.django_db


def url_of(dossier, document):
    return f"/api/v1/dossiers/{dossier.code}/documents/{document.pk}/digitise/"


def post(client, url, file, **fields):
    return client.post(url, {"file": file, **fields}, format="multipart")


def assert_unchanged(dossier, version):
    """A refused scan leaves no trace: no file, no event, the same row version, nothing stored."""
    assert not DossierDocument.objects.filter(dossier=dossier).exclude(file="").exists()
    assert not DossierDocument.objects.filter(dossier=dossier, digitization=1).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, kind="digitise_document").exists()
    assert Dossier.objects.get(pk=dossier.pk).version == version
    assert not StoredDocument.objects.exists()


def test_counter_officer_digitises_every_document_into_the_owners_store(world, paper_dossier, citizen,
                                                                        django_capture_on_commit_callbacks):
    paper_dossier.account = citizen  # the owner has a portal account
    paper_dossier.save(update_fields=["account"])
    client = client_for(world["counter"])
    first, *rest = paper_dossier.documents.order_by("pk")
    version = Dossier.objects.get(pk=paper_dossier.pk).version
    with django_capture_on_commit_callbacks(execute=True):  # the store is fed once the dossier committed
        response = post(client, url_of(paper_dossier, first), upload("scan.pdf", PDF), number="01/ĐK",
                        issuer="UBND xã Thử Nghiệm", issue_date="2025-01-02", expected_version=version)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["name"], body["digitization"]) == (first.pk, first.name, 1)
    assert body["file"].endswith(".pdf") and body["file"].startswith("dossiers/")
    assert body["dossier"] == {"code": paper_dossier.code, "version": version + 1, "is_digitized": False}
    first.refresh_from_db()
    assert first.digitization == DossierDocument.Digitization.DIGITISED and first.file.name == body["file"]
    event = DossierEvent.objects.get(dossier=paper_dossier, kind="digitise_document")
    assert (event.actor, event.payload["document"], event.payload["replaced"]) == (world["counter"], first.pk, False)
    stored = StoredDocument.objects.get(owner=citizen)
    assert (stored.source, stored.number, stored.issuer, stored.issue_date.isoformat(), stored.source_document) == (
        Source.DIGITISED, "01/ĐK", "UBND xã Thử Nghiệm", "2025-01-02", first)
    for document in rest:  # each with the dossier's version as it now is
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, url_of(paper_dossier, document), upload("scan.pdf", PDF),
                            version=Dossier.objects.get(pk=paper_dossier.pk).version)
        assert response.status_code == 200, response.content
    assert response.json()["dossier"]["is_digitized"] is True
    assert Dossier.objects.get(pk=paper_dossier.pk).is_digitized
    assert StoredDocument.objects.filter(owner=citizen, source=Source.DIGITISED).count() == 3


def test_session_auth_works_too(client, world, paper_dossier):
    client.force_login(world["specialist"])  # examine also digitises
    document = paper_dossier.documents.first()
    response = client.post(url_of(paper_dossier, document), {"file": upload("scan.png", PNG),
                                                             "expected_version": paper_dossier.version})
    assert response.status_code == 200, response.content
    assert response.json()["digitization"] == 1


@pytest.mark.parametrize("name,data,code,message", [
    ("scan.pdf", PNG, "mismatch", "Nội dung tệp scan.pdf là tệp PNG, không khớp với tên tệp"),
    ("scan.pdf", PDF + EICAR, "infected", "Tệp scan.pdf bị từ chối khi quét virus (EICAR-Test-File)."),
    ("scan.pdf", PDF + b"0" * 4096, "too_large", "Tệp scan.pdf quá lớn"),
    ("scan.pdf", b"MZ\x90\x00" + b"\x00" * 64, "bad_type", "scan.pdf"),
])
def test_the_upload_checks_refuse_with_a_message_and_change_nothing(world, paper_dossier, settings, name, data,
                                                                    code, message):
    settings.UPLOAD_MAX_FILE_BYTES = 2048
    version = paper_dossier.version
    response = post(client_for(world["counter"]), url_of(paper_dossier, paper_dossier.documents.first()),
                    upload(name, data), expected_version=version)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and message in response.json()["detail"]
    assert_unchanged(paper_dossier, version)


def test_messages_in_english_on_request(world, paper_dossier):
    client = client_for(world["counter"])
    response = client.post(url_of(paper_dossier, paper_dossier.documents.first()), {"file": upload("scan.pdf", PNG)},
                           format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == ("The content of scan.pdf is a PNG file, which does not match its name. "
                                         "Rename it or choose the right file.")
    old = client.post(f"/api/v1/dossiers/{paper_dossier.code}/actions/digitise_document/", {}, format="json",
                      HTTP_ACCEPT_LANGUAGE="en")
    assert old.status_code == 400 and old.json()["detail"].startswith("Digitising a document has its own endpoint")


def test_missing_file_and_bad_dates_are_field_errors(world, paper_dossier):
    client = client_for(world["counter"])
    url = url_of(paper_dossier, paper_dossier.documents.first())
    missing = client.post(url, {"number": "01"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    bad_date = post(client, url, upload("scan.pdf", PDF), issue_date="2026-02-30")
    assert bad_date.status_code == 400 and "issue_date" in bad_date.json()
    backwards = post(client, url, upload("scan.pdf", PDF), issue_date="2026-01-02", valid_until="2025-01-02",
                     expected_version=paper_dossier.version)
    assert backwards.status_code == 400 and backwards.json()["code"] == "invalid"
    assert client.post(url, {"file": "x"}, format="json").status_code == 415  # multipart only
    assert_unchanged(paper_dossier, paper_dossier.version)


def test_who_may_digitise(world, paper_dossier, citizen):
    document = paper_dossier.documents.first()
    url = url_of(paper_dossier, document)
    other_agency = post(client_for(world["justice_counter"]), url, upload("scan.pdf", PDF))
    assert other_agency.status_code == 404 and other_agency.json()["code"] == "not_found"
    assert post(client_for(citizen), url, upload("scan.pdf", PDF)).status_code == 403  # not an officer
    anonymous = post(APIClient(), url, upload("scan.pdf", PDF))
    assert anonymous.status_code in (401, 403) and anonymous.json()["detail"]
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert post(bad_token, url, upload("scan.pdf", PDF)).status_code in (401, 403)
    leader = post(client_for(world["leader"]), url, upload("scan.pdf", PDF))  # sees it, neither receives nor examines
    assert leader.status_code == 403 and leader.json()["code"] == "forbidden"
    assert "không có quyền số hóa" in leader.json()["detail"]
    assert_unchanged(paper_dossier, paper_dossier.version)


def test_stale_form_wrong_status_and_another_dossiers_document(world, paper_dossier):
    client = client_for(world["counter"])
    document = paper_dossier.documents.first()
    stale = post(client, url_of(paper_dossier, document), upload("scan.pdf", PDF),
                 expected_version=paper_dossier.version - 1)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert "vừa được người khác xử lý" in stale.json()["detail"]
    other = services.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                        documents=[{"required_document": d.pk, "originals": 1}
                                                   for d in world["docs"][:2]])
    foreign = f"/api/v1/dossiers/{paper_dossier.code}/documents/{other.documents.first().pk}/digitise/"
    assert post(client, foreign, upload("scan.pdf", PDF)).status_code == 404
    assert post(client, f"/api/v1/dossiers/NO-SUCH/documents/{document.pk}/digitise/",
                upload("scan.pdf", PDF)).status_code == 404
    assert_unchanged(paper_dossier, paper_dossier.version)
    Dossier.objects.filter(pk=paper_dossier.pk).update(status=7)  # refused intake: no scans any more
    refused = post(client, url_of(paper_dossier, document), upload("scan.pdf", PDF),
                   expected_version=paper_dossier.version)
    assert refused.status_code == 409 and refused.json()["code"] == "not_allowed"


def test_the_version_is_required_like_every_dossier_action(world, paper_dossier):
    client = client_for(world["counter"])
    document = paper_dossier.documents.first()
    missing = client.post(url_of(paper_dossier, document) + "?lang=en", {"file": upload("scan.pdf", PDF)},
                          format="multipart")
    assert missing.status_code == 428 and missing.json()["code"] == "version_required"
    assert missing.json()["detail"].startswith("Send the dossier's version as you last read it")
    assert_unchanged(paper_dossier, paper_dossier.version)
    stale = client.post(url_of(paper_dossier, document), {"file": upload("scan.pdf", PDF)}, format="multipart",
                        HTTP_IF_MATCH=f'"{paper_dossier.version + 1}"')
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert_unchanged(paper_dossier, paper_dossier.version)
    ok = client.post(url_of(paper_dossier, document), {"file": upload("scan.pdf", PDF)}, format="multipart",
                     HTTP_IF_MATCH=f'"{paper_dossier.version}"')
    assert ok.status_code == 200 and ok.json()["dossier"]["version"] == paper_dossier.version + 1


def test_the_schema_documents_the_version(client):
    operation = client.get("/api/schema/?format=json").json()["paths"][
        "/api/v1/dossiers/{code}/documents/{document_id}/digitise/"]["post"]
    assert "If-Match" in [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert {"409", "428"} <= set(operation["responses"])


def test_the_generic_action_points_to_the_new_endpoint(world, paper_dossier):
    from motcua.dossiers.api import ACTIONS

    assert "digitise_document" not in ACTIONS
    response = client_for(world["counter"]).post(
        f"/api/v1/dossiers/{paper_dossier.code}/actions/digitise_document/", {"expected_version": 1}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    detail = response.json()["detail"]
    assert detail.startswith("Số hóa giấy tờ có điểm cuối API riêng")
    assert f"/api/v1/dossiers/{paper_dossier.code}/documents/" in detail and "/digitise/" in detail
    assert_unchanged(paper_dossier, paper_dossier.version)


def test_openapi_schema_documents_the_multipart_request(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/dossiers/{code}/documents/{document_id}/digitise/"]["post"]
    request = operation["requestBody"]["content"]
    assert list(request) == ["multipart/form-data"]
    ref = request["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    component = schema["components"]["schemas"][ref]
    assert component["required"] == ["file"]
    assert component["properties"]["file"]["format"] == "binary"
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    action = schema["paths"]["/api/v1/dossiers/{code}/actions/{action}/"]["post"]
    enum = next(p["schema"]["enum"] for p in action["parameters"] if p["name"] == "action")
    assert "digitise_document" not in enum and "hand_over" in enum
