"""Files in S3-compatible object storage (STORAGE_BACKEND=s3) against a local S3 server: the
counter's scan and the online application's uploads land in the bucket, the officer and the owner
open them through Django's checks (anyone else: 404), a signed result is stored and verified from
the bucket, two nodes saving the same name keep both files, and a storage that is down answers 503
with a message and leaves nothing half-saved."""
import hashlib
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from motcua.core.storage import ObjectStorage, StorageUnavailable, named_files, s3_options
from motcua.documents.models import DocumentOpening, DraftFile, StoredDocument
from motcua.documents.tests.conftest import PDF, PNG, citizen, other, paper_dossier, upload
from motcua.documents.tests.test_portal import URL, apply_ok, form_data
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.signing.tests.conftest import PASSWORD, pki
from motcua.testing.world import client_for

pytestmark = pytest.mark.django_db

SCAN = PDF.replace(b"%%EOF", b"% counter scan\n%%EOF")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def digitise(client, dossier, document, name="scan.pdf", data=SCAN, lang=""):
    return client.post(f"/mot-cua/ho-so/{dossier.code}/so-hoa/{document.pk}/{lang}", {"file": upload(name, data)})


def test_the_default_storage_is_the_bucket(s3):
    from django.core.files.storage import storages

    assert isinstance(storages["default"], ObjectStorage)
    assert default_storage.save("probe/x.pdf", ContentFile(PDF)) in s3.objects()


def test_uploads_at_the_counter_and_online_live_in_the_bucket_and_open_only_through_django(
        client, world, citizen, other, paper_dossier, s3):
    # The counter officer scans a paper document through the page.
    client.force_login(world["counter"])
    document = paper_dossier.documents.order_by("pk").first()
    assert digitise(client, paper_dossier, document).status_code == 302
    document.refresh_from_db()
    # The citizen applies online with two files.
    client.force_login(citizen)
    online = apply_ok(client, world)
    services.accept_online(world["counter"], online)
    uploads = list(online.documents.exclude(file="").order_by("pk"))
    objects = s3.objects()
    assert objects[document.file.name] == SCAN
    assert sorted(objects[d.file.name] for d in uploads) == sorted([PDF, PNG])
    # Every object is named by a row and every row's file is in the bucket.
    assert set(objects) == named_files()
    # Officers of the holding agency open them (each opening recorded) ...
    client.force_login(world["counter"])
    scan = client.get(f"/mot-cua/ho-so/{paper_dossier.code}/tai-lieu/{document.pk}/")
    assert scan.status_code == 200 and body(scan) == SCAN and scan["Content-Type"] == "application/pdf"
    for d in uploads:
        response = client.get(f"/mot-cua/ho-so/{online.code}/tai-lieu/{d.pk}/")
        assert response.status_code == 200 and body(response) == objects[d.file.name]
    assert DocumentOpening.objects.filter(officer=world["counter"]).count() == 3
    # ... the owner downloads their own ...
    client.force_login(citizen)
    for d in uploads:
        response = client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/{d.pk}/?tai-ve=1")
        assert response.status_code == 200 and body(response) == objects[d.file.name]
        assert response["Content-Disposition"].startswith("attachment;")
    # ... and nobody else: 404 for a stranger and another agency's officer, the sign-in for anonymous.
    for user in (other, world["justice_counter"]):
        client.force_login(user)
        assert client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/{uploads[0].pk}/").status_code == 404
        assert client.get(f"/mot-cua/ho-so/{online.code}/tai-lieu/{uploads[0].pk}/").status_code == 404
        assert client.get(f"/mot-cua/ho-so/{paper_dossier.code}/tai-lieu/{document.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/{uploads[0].pk}/").status_code == 302
    assert DocumentOpening.objects.count() == 3


def test_a_signed_result_is_stored_in_the_bucket_and_verified_from_it(world, pki, receive, s3):
    from motcua.signing import services as signing
    from motcua.signing.models import SignedDocument
    from motcua.signing.tests.test_results import pdf_upload

    dossier = receive()
    signing.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD,
                           result_description="Giấy chứng nhận đã cập nhật")
    dossier.refresh_from_db()
    signed = SignedDocument.objects.get(dossier=dossier)
    objects = s3.objects()
    assert hashlib.sha256(objects[signed.file.name]).hexdigest() == signed.sha256
    assert objects[dossier.result_file.name] == objects[signed.file.name]
    assert signing.verdict_of(signed) == signing.VALID  # read back from the bucket
    # The leader opens the result through the back office.
    client = Client()
    client.force_login(world["leader"])
    response = client.get(f"/mot-cua/ho-so/{dossier.code}/tep-ket-qua/")
    assert response.status_code == 200 and body(response) == objects[signed.file.name]


def test_two_nodes_saving_the_same_name_at_once_keep_every_file(s3):
    """Two app nodes = two storages with their own S3 clients, four threads each, all saving
    dossiers/2026/12/scan.pdf at the same moment."""
    nodes = [ObjectStorage(**s3_options(s3.env())), ObjectStorage(**s3_options(s3.env()))]
    start, saved, errors = threading.Barrier(8), {}, []

    def save(n):
        try:
            content = PDF.replace(b"%%EOF", f"% copy {n}\n%%EOF".encode())
            start.wait(timeout=20)
            saved[n] = (nodes[n % 2].save("dossiers/2026/12/scan.pdf", ContentFile(content)), content)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({name for name, _content in saved.values()}) == 8
    for n, (name, content) in saved.items():
        assert name.startswith("dossiers/2026/12/scan_") and name.endswith(".pdf")
        with nodes[(n + 1) % 2].open(name) as handle:  # read back through the other node
            assert handle.read() == content
    assert len(s3.objects()) == 8


def test_plain_overwriting_storage_would_lose_files(s3):
    """Why the names get a suffix: django-storages' default (overwrite) keeps only the last file."""
    from storages.backends.s3 import S3Storage

    options = {k: v for k, v in s3_options(s3.env()).items() if k != "file_overwrite"}
    plain = S3Storage(**options)
    assert plain.save("dossiers/x/scan.pdf", ContentFile(b"first")) == plain.save("dossiers/x/scan.pdf",
                                                                                  ContentFile(b"second"))
    assert s3.objects() == {"dossiers/x/scan.pdf": b"second"}


@pytest.mark.django_db(transaction=True)
def test_two_officers_scan_documents_of_one_dossier_at_once(world, paper_dossier, s3):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables between threads: PostgreSQL only")
    documents = list(paper_dossier.documents.order_by("pk")[:2])
    start, answers = threading.Barrier(2), {}

    def scan(n):
        from django.db import connection

        client = Client()
        client.force_login(world["counter"])
        try:
            start.wait(timeout=20)
            answers[n] = digitise(client, paper_dossier, documents[n], data=PDF.replace(b"%%EOF", b"%% %d\n%%EOF" % n))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answers[n].status_code for n in range(2)] == [302, 302]
    objects = s3.objects()
    for n, document in enumerate(documents):
        document.refresh_from_db()
        assert objects[document.file.name] == PDF.replace(b"%%EOF", b"%% %d\n%%EOF" % n)
    assert documents[0].file.name != documents[1].file.name
    paper_dossier.refresh_from_db()
    assert paper_dossier.version >= 2


def test_the_storage_down_an_upload_answers_503_and_nothing_is_saved(client, world, citizen, paper_dossier, s3):
    document = paper_dossier.documents.order_by("pk").first()
    version = paper_dossier.version
    s3.stop()
    client.force_login(world["counter"])
    response = digitise(client, paper_dossier, document)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Hiện không kết nối được kho lưu trữ tệp; chưa có gì được lưu." in response.content.decode()
    english = digitise(client, paper_dossier, document, lang="?lang=en")
    assert english.status_code == 503 and "file storage cannot be reached" in english.content.decode()
    api = client_for(world["counter"]).post(
        f"/api/v1/dossiers/{paper_dossier.code}/documents/{document.pk}/digitise/",
        {"file": upload("scan.pdf", SCAN), "version": version}, format="multipart")
    assert api.status_code == 503 and api.json()["code"] == "storage_unavailable"
    # Nothing changed: the document is still on paper, the dossier at its version, no store entry.
    document.refresh_from_db()
    paper_dossier.refresh_from_db()
    assert (document.file.name, document.digitization, paper_dossier.version) == ("", 0, version)
    assert not StoredDocument.objects.exists()
    # Online: no dossier, no draft file.
    client.force_login(citizen)
    assert client.post(URL, form_data(world)).status_code == 503
    assert not Dossier.objects.filter(channel_in=2).exists() and not DraftFile.objects.exists()
    # Opening a file while the store is down says so (503), not "no such file".
    scanned = paper_dossier.documents.order_by("pk")[1]
    DossierDocument.objects.filter(pk=scanned.pk).update(file="dossiers/2026/12/lost.pdf")
    client.force_login(world["counter"])
    assert client.get(f"/mot-cua/ho-so/{paper_dossier.code}/tai-lieu/{scanned.pk}/").status_code == 503
    DossierDocument.objects.filter(pk=scanned.pk).update(file="")
    # The store back: the same upload goes through.
    s3.start()
    assert digitise(client, paper_dossier, document).status_code == 302
    document.refresh_from_db()
    assert s3.objects() == {document.file.name: SCAN}


def test_a_file_stored_before_the_storage_failed_is_deleted_with_its_rolled_back_rows(
        client, world, citizen, s3, monkeypatch):
    """The store fails on the application's second file: the draft's rows roll back, and the first
    file, already in the bucket, is deleted at the end of the request."""
    original, calls = ObjectStorage._save, []

    def flaky(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise StorageUnavailable("connection reset")
        return original(self, name, content)

    monkeypatch.setattr(ObjectStorage, "_save", flaky)
    client.force_login(citizen)
    response = client.post(URL, form_data(world))
    assert response.status_code == 503 and len(calls) == 2
    assert not DraftFile.objects.exists() and not Dossier.objects.exists()
    assert s3.objects() == {}
    monkeypatch.setattr(ObjectStorage, "_save", original)
    dossier = apply_ok(client, world)
    assert set(s3.objects()) == named_files() and dossier.documents.exclude(file="").count() == 2


def test_the_local_disk_failing_answers_503_too(client, world, paper_dossier, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = str(blocker / "media")
    document = paper_dossier.documents.order_by("pk").first()
    client.force_login(world["counter"])
    response = digitise(client, paper_dossier, document)
    assert response.status_code == 503
    document.refresh_from_db()
    assert document.file.name == "" and document.digitization == 0
