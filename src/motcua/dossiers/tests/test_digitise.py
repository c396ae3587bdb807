"""The `digitise_document` command: an officer attaches the scan of a paper document."""

import pytest
from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers import transitions
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, Status

from motcua.testing.world import APPLICANT, MONDAY, at

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(media_root):  # stored files in a temporary folder (motcua.testing.world)
    return media_root


@pytest.fixture
def paper(world):
    """A land dossier whose two required documents were handed in on paper only."""
    docs = [{"required_document": d.pk, "originals": 1} for d in world["docs"][:2]]
    return s.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                documents=docs, service_point=world["centre"], received_at=MONDAY)


def scan(name="scan.pdf"):
    return ContentFile(SCAN, name=name)


def test_the_table_allows_it_in_active_resolved_and_returned_statuses():
    t = transitions.TRANSITIONS["digitise_document"]
    assert set(t.from_statuses) == {2, 4, 5, 6, 9, 10}
    assert t.to_status is transitions.UNCHANGED and t.scope == "receiving"
    assert set(t.permissions) == {"dossier.receive", "dossier.examine"}


def test_digitising_every_paper_document_makes_the_dossier_digitised(world, paper):
    first, second = paper.documents.order_by("pk")
    assert not paper.is_digitized
    d = s.digitise_document(world["counter"], paper, document=first, file=scan(), at=at(2026, 3, 2, 9),
                            expected_version=paper.version)
    assert d.status == Status.RECEIVED and d.version == paper.version + 1 and not d.is_digitized
    first.refresh_from_db()
    assert first.digitization == DossierDocument.Digitization.DIGITISED and first.file.name.endswith(".pdf")
    event = DossierEvent.objects.get(dossier=paper, kind="digitise_document")
    assert (event.from_status, event.to_status, event.actor) == (2, 2, world["counter"])
    assert event.payload["document"] == first.pk and event.payload["name"] == first.name
    assert event.at == at(2026, 3, 2, 9)
    # A specialist of the competent agency may do it too, by document id.
    d = s.digitise_document(world["specialist"], paper, document=second.pk, file=scan("b.pdf"))
    assert Dossier.objects.get(pk=paper.pk).is_digitized and d.version == paper.version + 2


@pytest.mark.parametrize("status", [1, 3, 7, 8])
def test_refused_in_other_statuses(world, paper, status):
    Dossier.objects.filter(pk=paper.pk).update(status=status)
    with pytest.raises(s.DossierActionError) as exc:
        s.digitise_document(world["counter"], paper, document=paper.documents.first(), file=scan())
    assert exc.value.code == "not_allowed"
    assert paper.documents.filter(digitization=1).count() == 0


@pytest.mark.parametrize("status", [4, 5, 6, 9, 10])
def test_allowed_in_later_statuses(world, paper, status):
    Dossier.objects.filter(pk=paper.pk).update(status=status)
    d = s.digitise_document(world["counter"], paper, document=paper.documents.first(), file=scan())
    assert d.status == status and paper.documents.filter(digitization=1).count() == 1


def test_permission_stale_and_bad_input(world, paper):
    document = paper.documents.first()
    for officer in ("justice_counter", "leader", "tax_specialist"):  # other agency, or no receive/examine
        with pytest.raises(s.DossierActionError) as exc:
            s.digitise_document(world[officer], paper, document=document, file=scan())
        assert exc.value.code == "forbidden", officer
    with pytest.raises(s.DossierActionError) as exc:
        s.digitise_document(world["counter"], paper, document=document, file=scan(), expected_version=paper.version - 1)
    assert exc.value.code == "stale"
    other = s.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                 documents=[{"required_document": d.pk, "originals": 1} for d in world["docs"][:2]])
    for kwargs in ({"document": other.documents.first(), "file": scan()}, {"document": document, "file": None},
                   {"document": None, "file": scan()}):
        with pytest.raises(s.DossierActionError) as exc:
            s.digitise_document(world["counter"], paper, **kwargs)
        assert exc.value.code == "invalid"
    assert not DossierEvent.objects.filter(kind="digitise_document").exists()
    assert DossierDocument.objects.filter(digitization=1).count() == 0


def test_offered_to_counter_and_specialist_only(world, paper):
    assert "digitise_document" in s.actions_for(world["counter"], paper)
    assert "digitise_document" in s.actions_for(world["specialist"], paper)
    assert "digitise_document" not in s.actions_for(world["leader"], paper)
    assert "digitise_document" not in s.actions_for(world["justice_counter"], paper)
