"""Applying online, my dossiers and the data store through the pages, and the /me API."""
import uuid

import pytest
from django.core.files.base import ContentFile

from motcua.documents.models import ApplicationDraft, DraftFile, Source, StoredDocument
from motcua.documents import selectors
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, Status

from .conftest import APPLICANT, EXE, PDF, PNG, upload

pytestmark = pytest.mark.django_db

URL = "/thu-tuc/1.004227.000.00.00.H99/nop-truc-tuyen/"


def form_data(world, key=None, **extra):
    d1, d2, _d3 = world["docs"]
    data = {
        "key": str(key or uuid.uuid4()), "applicant_name": APPLICANT["name"],
        "applicant_id_number": APPLICANT["id_number"], "applicant_birth_date": "1990-05-17",
        "applicant_phone": APPLICANT["phone"], "applicant_email": APPLICANT["email"],
        "applicant_address": APPLICANT["address"], "owner_same": "on", "return_channel": "online",
        f"file_{d1.pk}": upload("don.pdf", PDF), f"file_{d2.pk}": upload("giay-chung-nhan.png", PNG),
        "action": "submit",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def apply_ok(client, world, **extra):
    response = client.post(URL, form_data(world, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get(code=response["Location"].split("/")[-2])


def test_anonymous_is_sent_to_the_citizen_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_apply_online_makes_a_status_1_dossier_with_digitised_documents(signed_in, world, citizen):
    page = signed_in.get(URL)
    assert page.status_code == 200 and 'name="file_' in page.content.decode()
    dossier = apply_ok(signed_in, world)
    assert (dossier.status, dossier.channel_in, dossier.account, dossier.return_channel) == (1, 2, citizen, "online")
    assert sorted(dossier.documents.values_list("digitization", flat=True)) == [1, 1]
    assert dossier.is_digitized
    # The uploads joined the person's store, and the officer can accept the dossier as usual.
    assert StoredDocument.objects.filter(owner=citizen, source=Source.UPLOAD, source_dossier=dossier).count() == 2
    accepted = services.accept_online(world["counter"], dossier)
    assert accepted.status == Status.RECEIVED


def test_double_submission_makes_one_dossier(signed_in, world):
    key = uuid.uuid4()
    first = signed_in.post(URL, form_data(world, key=key))
    second = signed_in.post(URL, form_data(world, key=key))
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    draft = ApplicationDraft.objects.get(key=key)
    assert draft.dossier is not None
    # Resending to the draft's own address also lands on the same dossier.
    third = signed_in.post(f"/nop-ho-so/{key}/", form_data(world, key=key))
    assert third["Location"] == first["Location"] and Dossier.objects.count() == 1


def test_draft_is_kept_and_resumed(signed_in, world, citizen):
    d1, d2, _ = world["docs"]
    key = uuid.uuid4()
    data = form_data(world, key=key, action="save")
    del data[f"file_{d2.pk}"]
    response = signed_in.post(URL, data)
    assert response.status_code == 302 and response["Location"] == f"/nop-ho-so/{key}/"
    draft = ApplicationDraft.objects.get(key=key)
    assert (draft.account, draft.dossier, draft.data["applicant"]["name"]) == (citizen, None, APPLICANT["name"])
    assert list(draft.files.values_list("original_name", flat=True)) == ["don.pdf"]
    assert Dossier.objects.count() == 0
    # Opening the procedure again resumes the draft; the page shows the file kept.
    assert signed_in.get(URL)["Location"] == f"/nop-ho-so/{key}/"
    assert "don.pdf" in signed_in.get(f"/nop-ho-so/{key}/").content.decode()
    # Submitting without the second document: a clear message, no dossier.
    response = signed_in.post(f"/nop-ho-so/{key}/", {**data, "action": "submit", f"file_{d1.pk}": ""})
    assert response.status_code == 400
    assert "Giấy chứng nhận quyền sử dụng đất" in response.content.decode()
    assert Dossier.objects.count() == 0
    response = signed_in.post(f"/nop-ho-so/{key}/", {
        **data, "action": "submit", f"file_{d1.pk}": "", f"file_{d2.pk}": upload("gcn.pdf", PDF)})
    assert response.status_code == 302
    assert Dossier.objects.get().documents.count() == 2


@pytest.mark.parametrize("name,data,expected", [
    ("don.pdf", PNG, "PNG"),           # content not matching the name
    ("don.pdf", EXE, "PDF, JPEG"),     # an executable called .pdf
    ("virus.pdf", PDF + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*", "EICAR"),
])
def test_bad_files_are_refused_and_nothing_is_submitted(signed_in, world, name, data, expected):
    d1 = world["docs"][0]
    response = signed_in.post(URL, form_data(world, **{f"file_{d1.pk}": upload(name, data)}))
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert Dossier.objects.count() == 0
    assert not DraftFile.objects.filter(required_document=d1).exists()


def test_oversized_files_are_refused(signed_in, world, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 200
    d1 = world["docs"][0]
    response = signed_in.post(URL, form_data(world, **{f"file_{d1.pk}": upload("don.pdf", PDF + b" " * 300)}))
    assert response.status_code == 400 and Dossier.objects.count() == 0
    assert "MB" in response.content.decode()
    # The valid PNG is kept in the draft; the oversized PDF is not.
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["giay-chung-nhan.png"]
    settings.UPLOAD_MAX_FILE_BYTES = 10_000
    settings.UPLOAD_MAX_TOTAL_BYTES = 150
    response = signed_in.post(URL, form_data(world))
    assert response.status_code == 400 and Dossier.objects.count() == 0
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["giay-chung-nhan.png"]


def test_drafts_of_others_tampered_and_expired_keys(client, world, citizen, other):
    client.force_login(citizen)
    key = uuid.uuid4()
    client.post(URL, form_data(world, key=key, action="save"))
    client.force_login(other)
    assert client.get(f"/nop-ho-so/{key}/").status_code == 404
    assert client.post(URL, form_data(world, key=key)).status_code == 404  # someone else's key
    assert client.get("/nop-ho-so/not-a-uuid/").status_code == 404
    assert client.post(URL, form_data(world, key="x-y-z")).status_code == 404
    assert Dossier.objects.count() == 0
    client.force_login(citizen)
    ApplicationDraft.objects.filter(key=key).update(updated_at="2020-01-01T00:00:00Z")
    response = client.get(f"/nop-ho-so/{key}/")
    assert response.status_code == 410


def test_reuse_a_stored_document_and_someone_elses_is_refused(signed_in, world, citizen, other):
    d1, d2, _ = world["docs"]
    mine = StoredDocument.objects.create(owner=citizen, kind="Giấy chứng nhận QSDĐ", number="CS-01",
                                         file=ContentFile(PDF, name="gcn.pdf"), source=Source.RESULT)
    theirs = StoredDocument.objects.create(owner=other, kind="GCN", file=ContentFile(PDF, name="x.pdf"),
                                           source=Source.UPLOAD)
    # Someone else's stored document is not among the choices: the form refuses it.
    response = signed_in.post(URL, form_data(world, **{f"file_{d2.pk}": None, f"stored_{d2.pk}": str(theirs.pk)}))
    assert response.status_code == 400 and Dossier.objects.count() == 0
    dossier = apply_ok(signed_in, world, **{f"file_{d2.pk}": None, f"stored_{d2.pk}": str(mine.pk)})
    reused = dossier.documents.get(required_document=d2)
    assert (reused.digitization, reused.file.name) == (DossierDocument.Digitization.REUSED_RESULT, mine.file.name)


def test_my_dossiers_only_mine_and_supplement_withdraw_result(client, world, citizen, other,
                                                             django_capture_on_commit_callbacks):
    client.force_login(citizen)
    dossier = apply_ok(client, world)
    services.accept_online(world["counter"], dossier)
    services.request_supplement(world["counter"], dossier, items=["Trích lục bản đồ"], reason="Thiếu bản đồ")
    listing = client.get("/ca-nhan/ho-so/").content.decode()
    assert dossier.code in listing
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Trích lục bản đồ" in page and "bo-sung" in page

    # Another person: 404 on every page and the API, by code.
    client.force_login(other)
    for path in ("", "bo-sung/", "rut/", "ket-qua/"):
        assert client.get(f"/ca-nhan/ho-so/{dossier.code}/{path}").status_code == 404
    assert client.post(f"/ca-nhan/ho-so/{dossier.code}/rut/", {"version": 1}).status_code == 404
    assert dossier.code not in client.get("/ca-nhan/ho-so/").content.decode()
    assert client.get(f"/api/v1/me/dossiers/{dossier.code}/").status_code == 404
    assert client.get("/api/v1/me/dossiers/").json()["count"] == 0

    # The owner answers with a bad file first (refused, still waiting), then a real one.
    client.force_login(citizen)
    dossier.refresh_from_db()
    bad = client.post(f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
                      {"version": dossier.version, "name": "Bản đồ", "file1": upload("ban-do.pdf", PNG)})
    assert bad.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    ok = client.post(f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
                     {"version": dossier.version, "name": "Trích lục bản đồ", "file1": upload("ban-do.pdf", PDF)})
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.documents.filter(is_supplement=True).count()) == (Status.PROCESSING, 1)
    assert dossier.events.filter(kind="submit_supplement").count() == 1

    # The result: resolved electronically, downloadable by the owner only, filed in the store.
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(world["leader"], dossier, result_kind="electronic", result_description="GCN đã cập nhật",
                         result_file=ContentFile(PDF, name="ket-qua.pdf"))
    result = StoredDocument.objects.get(owner=citizen, source=Source.RESULT)
    assert (result.number, result.kind, result.source_dossier) == (dossier.code, "GCN đã cập nhật", dossier)
    download = client.get(f"/ca-nhan/ho-so/{dossier.code}/ket-qua/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client.get(f"/ca-nhan/kho-du-lieu/{result.pk}/tai-ve/").status_code == 200
    client.force_login(other)
    assert client.get(f"/ca-nhan/kho-du-lieu/{result.pk}/tai-ve/").status_code == 404
    assert client.get("/api/v1/me/documents/").json()["count"] == 0


def test_withdraw_with_confirmation(signed_in, world):
    dossier = apply_ok(signed_in, world)
    confirm = signed_in.get(f"/ca-nhan/ho-so/{dossier.code}/rut/")
    assert confirm.status_code == 200 and Dossier.objects.get().status == Status.NEW
    signed_in.post(f"/ca-nhan/ho-so/{dossier.code}/rut/", {"version": dossier.version, "reason": "Nộp nhầm"})
    assert Dossier.objects.get().status == Status.WITHDRAWN


def test_me_api(client, world, citizen):
    client.force_login(citizen)
    dossier = apply_ok(client, world)
    listing = client.get("/api/v1/me/dossiers/").json()
    assert [d["code"] for d in listing["results"]] == [dossier.code]
    detail = client.get(f"/api/v1/me/dossiers/{dossier.code}/").json()
    assert (detail["status"], len(detail["documents"]), detail["events"][0]["kind"]) == (1, 2, "submit_online")
    documents = client.get("/api/v1/me/documents/").json()
    assert documents["count"] == 2
    client.logout()
    assert client.get("/api/v1/me/dossiers/").status_code in (401, 403)


def test_token_auth_is_scoped_too(client, world, citizen, other):
    from rest_framework.authtoken.models import Token

    client.force_login(citizen)
    dossier = apply_ok(client, world)
    client.logout()
    token = Token.objects.create(user=other)
    response = client.get(f"/api/v1/me/dossiers/{dossier.code}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 404
    mine = Token.objects.create(user=citizen)
    response = client.get(f"/api/v1/me/dossiers/{dossier.code}/", HTTP_AUTHORIZATION=f"Token {mine.key}")
    assert response.status_code == 200


def test_help_page_in_both_languages(client):
    assert "Cách nộp hồ sơ trực tuyến" in client.get("/huong-dan/").content.decode()
    assert "How to apply online" in client.get("/huong-dan/?lang=en").content.decode()
