"""Officers digitise paper documents at the counter; the store and the report figures follow."""
import datetime

import pytest
from django.core.files.base import ContentFile

from motcua.documents import selectors
from motcua.documents.models import Source, StoredDocument
from motcua.dossiers import services
from motcua.dossiers.models import DossierDocument, DossierEvent

from .conftest import APPLICANT, MONDAY, PDF, PNG, documents_for, upload

pytestmark = pytest.mark.django_db


def test_officer_digitises_a_paper_document_into_the_owners_store(client, world, paper_dossier, citizen,
                                                                 django_capture_on_commit_callbacks):
    paper_dossier.account = citizen  # the owner has a portal account
    paper_dossier.save(update_fields=["account"])
    document = paper_dossier.documents.first()
    url = f"/mot-cua/ho-so/{paper_dossier.code}/so-hoa/{document.pk}/"
    client.force_login(world["counter"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": upload("scan.pdf", PNG)})
    assert bad.status_code == 400
    document.refresh_from_db()
    assert (document.digitization, bool(document.file)) == (0, False)
    with django_capture_on_commit_callbacks(execute=True):  # the store is fed once the dossier committed
        response = client.post(url, {"file": upload("scan.pdf", PDF), "number": "01/ĐK", "issuer": "UBND xã",
                                     "version": paper_dossier.version})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.digitization == DossierDocument.Digitization.DIGITISED and document.file
    event = DossierEvent.objects.get(dossier=paper_dossier, kind="digitise_document")
    assert (event.actor, event.payload["document"], event.payload["name"]) == (world["counter"], document.pk,
                                                                              document.name)
    # The page was rendered before that change: posting its version again is refused as stale.
    stale = client.post(url, {"file": upload("scan.pdf", PDF), "version": paper_dossier.version})
    assert stale.status_code == 400 and "vừa được người khác xử lý" in stale.content.decode()
    assert DossierEvent.objects.filter(dossier=paper_dossier, kind="digitise_document").count() == 1
    stored = StoredDocument.objects.get(owner=citizen)
    assert (stored.source, stored.number, stored.issuer, stored.kind) == (
        Source.DIGITISED, "01/ĐK", "UBND xã", document.name)
    paper_dossier.refresh_from_db()
    assert not paper_dossier.is_digitized  # the second document is still paper only
    for other in paper_dossier.documents.exclude(pk=document.pk):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/mot-cua/ho-so/{paper_dossier.code}/so-hoa/{other.pk}/", {"file": upload("scan2.pdf", PDF)})
    assert StoredDocument.objects.filter(owner=citizen, source=Source.DIGITISED).count() == 3
    paper_dossier.refresh_from_db()
    assert paper_dossier.is_digitized


def test_owner_found_by_citizen_id_and_other_agencies_get_404(client, world, paper_dossier,
                                                              django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    try:
        from motcua.accounts.models import CitizenAccount
    except ImportError:
        pytest.skip("accounts app not installed")
    user = get_user_model().objects.create_user(username="by-id", password="x")
    CitizenAccount.objects.create(user=user, full_name=APPLICANT["name"], citizen_id=APPLICANT["id_number"],
                                  identity_source="counter")  # verified: only then is it found by the ID
    document = paper_dossier.documents.first()
    client.force_login(world["justice_counter"])
    url = f"/mot-cua/ho-so/{paper_dossier.code}/so-hoa/{document.pk}/"
    assert client.post(url, {"file": upload("scan.pdf", PDF)}).status_code == 404
    client.force_login(world["counter"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"file": upload("scan.pdf", PDF)}).status_code == 302
    assert StoredDocument.objects.get().owner == user
    citizen_client = client
    citizen_client.force_login(user)
    assert citizen_client.get(url).status_code == 403  # not an officer


def test_digitisation_counts(world, paper_dossier, citizen):
    stored = StoredDocument.objects.create(owner=citizen, kind="GCN", file=ContentFile(PDF, name="a.pdf"),
                                           source=Source.RESULT)
    d1, d2, _ = world["docs"]
    services.receive_at_counter(
        world["counter"], procedure_version=world["version"], applicant=APPLICANT, received_at=MONDAY,
        documents=[{"required_document": d1.pk, "digitization": 2, "file": "x.pdf"},
                   {"required_document": d2.pk, "digitization": stored.reuse_status, "file": stored.file.name}])
    day = MONDAY.date()
    assert selectors.digitisation_counts(day, day) == {
        "dossiers": 2, "digitised": 1, "reused_documents": 1, "reused_results": 1}
    assert selectors.digitisation_counts(day, day, agency_ids=[world["justice"].pk])["dossiers"] == 0
    assert selectors.digitisation_counts(day + datetime.timedelta(days=1), day + datetime.timedelta(days=3)) == {
        "dossiers": 0, "digitised": 0, "reused_documents": 0, "reused_results": 0}
