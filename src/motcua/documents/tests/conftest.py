"""Fixtures: the dossier tests' small province, two citizens, and tiny real files."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.testing.world import APPLICANT, MONDAY, at, documents_for

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(media_root):  # stored files in a temporary folder (motcua.testing.world)
    return media_root


def upload(name, data, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def citizen(db):
    """A portal user whose identity an officer verified at the counter: only a verified account's
    store receives scans and results (docs/accounts.md, "Who is verified")."""
    user = get_user_model().objects.create_user(username="mau", password="pw-123456", email="mau@example.vn")
    try:
        from motcua.accounts.models import CitizenAccount, IdentitySource
    except ImportError:  # the accounts app is optional for the store
        return user
    CitizenAccount.objects.create(user=user, full_name="Trần Thị Mẫu", citizen_id="038190012399",
                                  identity_source=IdentitySource.COUNTER, identity_verified_at=timezone.now())
    return user


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user(username="other", password="pw-123456")


@pytest.fixture
def online_version(world):
    """The land procedure accepts online dossiers; its required documents are the first two."""
    return world["version"]


@pytest.fixture
def paper_dossier(world):  # noqa: F811
    """A dossier received at the counter with every document handed in on paper (digitisation 0)."""
    from motcua.dossiers import services

    docs = [{"required_document": d["required_document"], "originals": 1} for d in documents_for(world)]
    return services.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                       documents=docs, service_point=world["centre"], received_at=MONDAY)
