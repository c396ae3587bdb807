"""Opening a dossier's files: the officers of the agencies holding the dossier and its owner may,
nobody else (404, nothing recorded); each officer's opening is in the access log, which the
managers of those agencies (and only they) read."""
import datetime
import importlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import clear_url_caches

from motcua.documents import services as store
from motcua.documents.models import DocumentOpening, Source, StoredDocument
from motcua.dossiers import services
from motcua.dossiers.models import DossierDocument
from motcua.testing.world import TZ, make_officer
from motcua.organization.models import Counter, Role, RoleAssignment
from motcua.documents.uploads import CheckedFile

from .conftest import PDF, PNG, upload
from .test_portal import apply_ok

pytestmark = pytest.mark.django_db

DOCX = b"PK\x03\x04" + b"\x00" * 40  # not PDF/PNG/JPEG: served as an attachment, never inline
SCAN = PDF.replace(b"%%EOF", b"% scan\n%%EOF")
STORED = PNG + b"stored"


def officer_url(dossier, document=None):
    if document is None:
        return f"/mot-cua/ho-so/{dossier.code}/tep-ket-qua/"
    return f"/mot-cua/ho-so/{dossier.code}/tai-lieu/{document.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def online(client, world, citizen, django_capture_on_commit_callbacks):
    """A dossier applied for online by `citizen` (document 1 uploaded, document 2 re-used from the
    store), accepted, completed by a supplement, and resolved with an electronic result."""
    d1, d2, _d3 = world["docs"]
    stored = StoredDocument.objects.create(owner=citizen, kind="Giấy chứng nhận", number="CS-01",
                                           file=ContentFile(STORED, name="gcn.png"), source=Source.UPLOAD)
    client.force_login(citizen)
    dossier = apply_ok(client, world, **{f"file_{d2.pk}": None, f"stored_{d2.pk}": str(stored.pk)})
    services.accept_online(world["counter"], dossier)
    services.request_supplement(world["counter"], dossier, items=["Trích lục bản đồ"], reason="Thiếu bản đồ")
    dossier.refresh_from_db()
    response = client.post(f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
                           {"version": dossier.version, "name": "Trích lục bản đồ",
                            "file1": upload("ban-do.pdf", PDF.replace(b"%%EOF", b"% map\n%%EOF"))})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(world["leader"], dossier, result_kind="electronic", result_description="GCN đã cập nhật",
                         result_file=ContentFile(PDF.replace(b"%%EOF", b"% result\n%%EOF"), name="ket-qua.pdf"))
    client.logout()
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def scanned(world, paper_dossier):
    """A counter dossier whose first paper document the counter officer scanned."""
    document = paper_dossier.documents.order_by("pk").first()
    store.digitise_document(world["counter"], document,
                            CheckedFile(name="scan.pdf", content_type="application/pdf", size=len(SCAN), data=SCAN))
    paper_dossier.refresh_from_db()
    return paper_dossier


def kinds(dossier):
    """The online dossier's documents by kind."""
    documents = list(dossier.documents.order_by("pk"))
    return {
        "upload": next(d for d in documents if d.digitization == DossierDocument.Digitization.DIGITISED
                       and not d.is_supplement),
        "reused": next(d for d in documents if d.digitization == DossierDocument.Digitization.REUSED_DOCUMENT),
        "supplement": next(d for d in documents if d.is_supplement),
    }


def test_the_holding_agencys_officers_open_every_kind_of_document(client, world, online, scanned):
    docs = kinds(online)
    expected = {
        "upload": (docs["upload"], PDF, "application/pdf"),
        "reused": (docs["reused"], STORED, "image/png"),
        "supplement": (docs["supplement"], PDF.replace(b"%%EOF", b"% map\n%%EOF"), "application/pdf"),
    }
    for officer in (world["counter"], world["specialist"], world["leader"]):
        client.force_login(officer)
        for kind, (document, data, content_type) in expected.items():
            response = client.get(officer_url(online, document))
            assert response.status_code == 200, (officer, kind)
            assert body(response) == data and response["Content-Type"] == content_type, kind
            assert response["Content-Disposition"].startswith("inline; filename=")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in response["Cache-Control"]
        result = client.get(officer_url(online))
        assert result.status_code == 200 and body(result) == PDF.replace(b"%%EOF", b"% result\n%%EOF")
        scan = client.get(officer_url(scanned, scanned.documents.order_by("pk").first()))
        assert scan.status_code == 200 and body(scan) == SCAN
    # Five files, three officers: fifteen openings.
    assert DocumentOpening.objects.count() == 15
    download = client.get(officer_url(online, docs["upload"]) + "?tai-ve=1")
    # An ASCII name made by us (dossier code, document id, the name without diacritics), never the upload's.
    assert download["Content-Disposition"] == (
        f'attachment; filename="{_slug(online.code)}-{docs["upload"].pk}-don-dang-ky-bien-dong.pdf"')


def _slug(code):
    from django.utils.text import slugify

    return slugify(code)


def test_each_opening_is_recorded_with_who_when_what_and_where(client, world, online):
    document = kinds(online)["upload"]
    client.force_login(world["specialist"])
    moment = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=TZ)
    with time_machine.travel(moment, tick=False):
        assert client.get(officer_url(online, document), REMOTE_ADDR="203.0.113.7").status_code == 200
        assert client.get(officer_url(online), REMOTE_ADDR="203.0.113.7").status_code == 200
    first, second = DocumentOpening.objects.order_by("pk")
    assert (first.officer, first.at, first.dossier, first.dossier_code, first.kind, first.document,
            first.document_name, first.file_name, first.client_ip) == (
        world["specialist"], moment, online, online.code, "document", document, document.name,
        document.file.name, "203.0.113.7")
    assert (second.kind, second.document, second.document_name, second.file_name) == (
        "result", None, "GCN đã cập nhật", online.result_file.name)
    # Append-only: a row is never changed nor deleted.
    first.client_ip = "198.51.100.1"
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    assert DocumentOpening.objects.get(pk=first.pk).client_ip == "203.0.113.7"


def test_anyone_else_gets_404_and_nothing_is_recorded(client, world, online, scanned, citizen, other):
    docs = kinds(online)
    urls = [officer_url(online, d) for d in docs.values()] + [officer_url(online)]
    urls.append(officer_url(scanned, scanned.documents.order_by("pk").first()))
    paper = scanned.documents.filter(file="").first()
    urls += [
        officer_url(scanned, paper),  # a paper document: no file
        f"/mot-cua/ho-so/{scanned.code}/tai-lieu/{docs['upload'].pk}/",  # another dossier's document
        f"/mot-cua/ho-so/{online.code}/tai-lieu/999999/",
        "/mot-cua/ho-so/000.00.99.H99-260302-9999/tep-ket-qua/",
    ]
    for user in (world["justice_counter"], world["tax_specialist"], citizen, other):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    # The officer of the holding agency: 404 only where there is no such file.
    client.force_login(world["counter"])
    assert [client.get(url).status_code for url in urls[-4:]] == [404, 404, 404, 404]
    # Only GET opens a file: HEAD or POST is not an opening.
    assert (client.head(urls[0]).status_code, client.post(urls[0]).status_code) == (405, 405)
    assert DocumentOpening.objects.count() == 0
    # Anonymous: to the officer sign-in, nothing recorded.
    client.logout()
    response = client.get(urls[0])
    assert response.status_code == 302 and response["Location"].startswith("/mot-cua/dang-nhap/?next=")
    assert DocumentOpening.objects.count() == 0


def test_the_owner_opens_their_own_files_and_nobody_else_does(client, world, online, citizen, other):
    docs = kinds(online)
    client.force_login(citizen)
    page = client.get(f"/ca-nhan/ho-so/{online.code}/").content.decode()
    for document in docs.values():
        url = f"/ca-nhan/ho-so/{online.code}/tai-lieu/{document.pk}/"
        assert url in page
        response = client.get(url)
        assert response.status_code == 200 and body(response) == document.file.open("rb").read()
    assert client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/999999/").status_code == 404
    api = client.get(f"/api/v1/me/dossiers/{online.code}/").json()
    assert sorted(d["file_url"] for d in api["documents"]) == sorted(
        f"/ca-nhan/ho-so/{online.code}/tai-lieu/{d.pk}/" for d in online.documents.all())
    for user in (other, world["counter"]):
        client.force_login(user)
        assert client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/{docs['upload'].pk}/").status_code == 404
    client.logout()
    anonymous = client.get(f"/ca-nhan/ho-so/{online.code}/tai-lieu/{docs['upload'].pk}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/tai-khoan/dang-nhap/")
    assert DocumentOpening.objects.count() == 0  # the owner's own openings are not an officer's access


def test_the_dossier_page_links_each_file(client, world, online, scanned):
    client.force_login(world["counter"])
    page = client.get(f"/mot-cua/ho-so/{online.code}/").content.decode()
    for document in online.documents.all():
        assert officer_url(online, document) in page
    assert officer_url(online) in page
    paper_page = client.get(f"/mot-cua/ho-so/{scanned.code}/").content.decode()
    assert officer_url(scanned, scanned.documents.order_by("pk").first()) in paper_page
    for paper in scanned.documents.filter(file=""):
        assert officer_url(scanned, paper) not in paper_page
    assert DocumentOpening.objects.count() == 0  # showing the page opens nothing


def test_a_file_of_another_type_is_an_attachment_of_no_declared_type(client, world, scanned):
    # Uploads take PDF, JPEG and PNG only (uploads.check_upload); a file of another type can only be
    # one stored before that rule (or imported), written here straight to the storage.
    services.resolve(world["leader"], scanned, result_kind="electronic", result_description="Văn bản",
                     result_file=ContentFile(PDF, name="ket-qua.pdf"))
    scanned.refresh_from_db()
    scanned.result_file.save("<script>ket qua\".docx", ContentFile(DOCX), save=True)
    client.force_login(world["counter"])
    response = client.get(officer_url(scanned))
    assert response.status_code == 200 and body(response) == DOCX
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{_slug(scanned.code)}-ket-qua.docx"'


@pytest.fixture
def managers(world):
    """The manager of the centre whose counter serves the land department, and the justice
    department's manager."""
    counter = Counter.objects.create(service_point=world["centre"], number=1, name="Quầy 1")
    counter.agencies.add(world["land"])
    centre_manager = make_officer("centre_manager", Role.CENTRE_MANAGER, None)
    RoleAssignment.objects.filter(user=centre_manager).update(service_point=world["centre"])
    return {"centre": centre_manager, "justice": make_officer("justice_manager", Role.CENTRE_MANAGER,
                                                              world["justice"])}


def test_managers_see_the_openings_of_their_agencies_only(client, world, online, managers):
    document = kinds(online)["upload"]
    for officer, day in ((world["counter"], 4), (world["specialist"], 5), (world["specialist"], 6)):
        client.force_login(officer)
        with time_machine.travel(datetime.datetime(2026, 3, day, 10, 0, tzinfo=TZ), tick=False):
            assert client.get(officer_url(online, document), REMOTE_ADDR="192.0.2.5").status_code == 200
    client.force_login(managers["centre"])
    page = client.get("/mot-cua/nhat-ky-mo-tai-lieu/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count("data-opening=") == 3
    assert online.code in html and document.name in html and "192.0.2.5" in html and 'id="nav-openings"' in html
    # Filters: dates (inclusive, local), officer, dossier code.
    dated = client.get("/mot-cua/nhat-ky-mo-tai-lieu/", {"date_from": "2026-03-05", "date_to": "2026-03-05"})
    assert dated.content.decode().count("data-opening=") == 1
    by_officer = client.get("/mot-cua/nhat-ky-mo-tai-lieu/", {"officer": world["specialist"].pk})
    assert by_officer.content.decode().count("data-opening=") == 2
    by_code = client.get("/mot-cua/nhat-ky-mo-tai-lieu/", {"code": online.code[-8:]})
    assert by_code.content.decode().count("data-opening=") == 3
    none = client.get("/mot-cua/nhat-ky-mo-tai-lieu/", {"code": "khong-co"})
    assert none.content.decode().count("data-opening=") == 0
    bad = client.get("/mot-cua/nhat-ky-mo-tai-lieu/", {"date_from": "2026-03-06", "date_to": "2026-03-04"})
    assert bad.status_code == 400 and "trước ngày bắt đầu" in bad.content.decode()
    # Another agency's manager sees none of them; an officer who manages nothing is refused.
    client.force_login(managers["justice"])
    other = client.get("/mot-cua/nhat-ky-mo-tai-lieu/")
    assert other.status_code == 200 and "data-opening=" not in other.content.decode()
    assert online.code not in other.content.decode()
    client.force_login(world["counter"])
    assert client.get("/mot-cua/nhat-ky-mo-tai-lieu/").status_code == 403
    assert 'id="nav-openings"' not in client.get(f"/mot-cua/ho-so/{online.code}/").content.decode()
    client.logout()
    anonymous = client.get("/mot-cua/nhat-ky-mo-tai-lieu/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/mot-cua/dang-nhap/")


def test_no_route_serves_the_media_folder_even_with_debug(client, settings, online):
    """Files are never reachable by their media URL: only through the checked views."""
    import motcua.urls

    document = kinds(online)["upload"]
    settings.DEBUG = True
    try:
        importlib.reload(motcua.urls)
        clear_url_caches()
        for path in (f"/media/{document.file.name}", f"/{settings.MEDIA_URL.strip('/')}/{online.result_file.name}"):
            assert client.get(path).status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(motcua.urls)
        clear_url_caches()
