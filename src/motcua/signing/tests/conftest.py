"""Fixtures: the dossier world with a local root CA, the land leader's PKCS#12 and remote
credentials, the land department's seal, and a real two-page PDF."""
import shutil
import tempfile

import pytest
from fpdf import FPDF

from motcua.signing import certificates, setup

PASSWORD = "mat-khau-thu"
_KEYS = []


def key(n):
    """RSA keys are slow to make: a few, shared by the whole run."""
    while len(_KEYS) <= n:
        _KEYS.append(certificates.new_key())
    return _KEYS[n]


def two_page_pdf(title="Quyết định cấp giấy chứng nhận") -> bytes:
    doc = FPDF()
    for n in (1, 2):
        doc.add_page()
        doc.set_font("helvetica", size=14)
        doc.cell(text=f"Page {n}: result of the dossier")
    return bytes(doc.output())


@pytest.fixture(autouse=True)
def _media(settings):
    root = tempfile.mkdtemp(prefix="motcua-media-")
    settings.MEDIA_ROOT = root
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pki(world):
    root = certificates.make_root("Test root CA", not_before=_past(), key=key(0))
    from motcua.signing.models import TrustAnchor

    TrustAnchor.objects.create(name="Test root CA", certificate_pem=root.pem().decode())
    land = world["land"]
    leader = setup.pkcs12_credential(root, agency=land, signer_name="Nguyễn Văn Lãnh", position="Phó Giám đốc",
                                     password=PASSWORD, holder=world["leader"], key=key(1))
    seal = setup.pkcs12_credential(root, agency=land, signer_name=land.name, password=PASSWORD,
                                   kind="seal", key=key(2))
    remote = setup.simulated_remote_credential(root, agency=land, signer_name="Nguyễn Văn Lãnh",
                                               position="Phó Giám đốc", holder=world["leader"],
                                               user_id="038080001234", key=key(3))
    return {"root": root, "leader": leader, "seal": seal, "remote": remote}


def _past():
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(days=1)
