"""Sign and issue a result: PKCS#12 and seal, the refusals, the resolve check, the verification."""
import datetime
import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError as HankoError  # noqa: F401  (pyHanko importable)
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.signing import certificates, services, setup
from motcua.signing.errors import SigningError
from motcua.signing.models import SignedDocument, SigningRequest

from .conftest import PASSWORD, key, two_page_pdf


def pdf_upload(data=None, name="ket-qua.pdf"):
    return SimpleUploadedFile(name, data if data is not None else two_page_pdf(), content_type="application/pdf")


def validate(data, root):
    from asn1crypto import x509 as ax
    from cryptography.hazmat.primitives.serialization import Encoding

    context = ValidationContext(trust_roots=[ax.Certificate.load(root.cert.public_bytes(Encoding.DER))])
    reader = PdfFileReader(io.BytesIO(data))
    return [validate_pdf_signature(sig, context) for sig in reader.embedded_signatures]


@pytest.fixture
def dossier(receive):
    return receive()


def test_sign_and_issue_with_pkcs12_validates_against_the_root(world, pki, dossier):
    request = services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"],
                                      password=PASSWORD, result_description="Giấy chứng nhận đã cập nhật biến động")
    dossier.refresh_from_db()
    assert request.state == SigningRequest.State.DONE
    assert dossier.status == Status.RESOLVED and dossier.result_kind == "electronic"
    data = dossier.result_file.read()
    [status] = validate(data, pki["root"])
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    document = SignedDocument.objects.get(dossier=dossier)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.pages == 2 and document.reference == dossier.code
    assert document.signers[0]["name"] == "Nguyễn Văn Lãnh" and document.signers[0]["trusted"] is True
    assert services.verdict_of(document) == services.VALID
    # The QR / link of the visible block goes to the verification page of this token.
    assert any(uri.endswith(f"/xac-thuc/{document.token}/") for uri in link_uris(data))


def link_uris(data):
    """The URIs of the link annotations on the last page (the QR code of the signature block)."""
    reader = PdfFileReader(io.BytesIO(data))
    page = reader.root["/Pages"]["/Kids"][-1].get_object()
    found = []
    for annot in page.get("/Annots", []):
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link":
            found.append(str(annot["/A"]["/URI"]))
    return found


def test_the_seal_signs_after_the_leader_both_valid(world, pki, dossier):
    services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD,
                            seal=pki["seal"], seal_password=PASSWORD)
    dossier.refresh_from_db()
    first, second = validate(dossier.result_file.read(), pki["root"])
    assert first.bottom_line and second.bottom_line  # intact, trusted, the seal an allowed change
    assert first.docmdp_ok and first.coverage.name == "ENTIRE_REVISION"
    assert second.coverage.name == "ENTIRE_FILE"
    assert [s["kind"] for s in SignedDocument.objects.get().signers] == ["personal", "seal"]


def test_the_qr_code_encodes_the_verification_url(world, pki, dossier, settings):
    import segno

    from motcua.signing import pdf

    captured = {}
    original = segno.make

    def spy(content, **kwargs):
        captured["url"] = content
        return original(content, **kwargs)

    pdf.segno.make = spy
    try:
        services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD)
    finally:
        pdf.segno.make = original
    token = SignedDocument.objects.get().token
    assert captured["url"] == f"{settings.SITE_URL.rstrip('/')}/xac-thuc/{token}/"
    # And what segno drew decodes back (its own matrix, read as the reference decoder would).
    assert segno.make(captured["url"], error="m").designator


def nothing_written(dossier):
    dossier.refresh_from_db()
    return (dossier.status == Status.RECEIVED and not dossier.result_file and not SignedDocument.objects.exists()
            and not SigningRequest.objects.exists())


def test_wrong_password_is_refused_and_nothing_is_written(world, pki, dossier):
    with pytest.raises(SigningError, match="Mật khẩu chứng thư số"):
        services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password="sai")
    assert nothing_written(dossier)


@pytest.mark.parametrize("case", ["expired", "not_yet", "no_non_repudiation"])
def test_unusable_certificates_are_refused(world, pki, dossier, case):
    now = timezone.now()
    options = {
        "expired": {"not_before": now - datetime.timedelta(days=400), "days": 30},
        "not_yet": {"not_before": now + datetime.timedelta(days=10)},
        "no_non_repudiation": {"non_repudiation": False},
    }[case]
    pki["leader"].is_active = False
    pki["leader"].save()
    bad = setup.pkcs12_credential(pki["root"], agency=world["land"], signer_name="Nguyễn Văn Lãnh",
                                  password=PASSWORD, holder=world["leader"], key=key(1), **options)
    with pytest.raises(SigningError) as caught:
        services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=bad, password=PASSWORD)
    message = str(caught.value.message)
    assert {"expired": "hết hạn", "not_yet": "chưa có hiệu lực", "no_non_repudiation": "chống chối bỏ"}[case] in message
    assert nothing_written(dossier)


def encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(two_page_pdf())))
    writer.encrypt("u", "o")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("case", ["encrypted", "not_pdf", "too_large"])
def test_bad_files_are_refused(world, pki, dossier, settings, case):
    if case == "encrypted":
        upload = pdf_upload(encrypted_pdf())
    elif case == "not_pdf":
        upload = pdf_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, name="ket-qua.png")
    else:
        settings.SIGNING_MAX_BYTES = 1000
        upload = pdf_upload()
    with pytest.raises(SigningError):
        services.sign_and_issue(world["leader"], dossier, upload, credential=pki["leader"], password=PASSWORD)
    assert nothing_written(dossier)


def test_another_leaders_certificate_is_refused(world, pki, dossier):
    with pytest.raises(SigningError) as caught:
        services.sign_and_issue(world["justice_leader"], dossier, pdf_upload(), credential=pki["leader"],
                                password=PASSWORD)
    assert caught.value.code == "forbidden"
    assert nothing_written(dossier)


def test_the_second_leader_loses(world, pki, dossier):
    """Both start from the same version; the second finds the dossier resolved."""
    version = dossier.version
    services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD,
                            expected_version=version)
    with pytest.raises(SigningError) as caught:
        services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD,
                                expected_version=version)
    assert caught.value.code in {"not_allowed", "stale"}
    assert SignedDocument.objects.count() == 1


def require_signature(world):
    from motcua.catalog.models import ProcedureVersion

    ProcedureVersion.objects.filter(pk=world["version"].pk).update(requires_signed_result=True)


def test_a_procedure_requiring_a_signed_result_refuses_an_unsigned_file(world, pki, dossier):
    require_signature(world)
    with pytest.raises(dossier_services.DossierActionError) as caught:
        dossier_services.resolve(world["leader"], dossier, result_kind="electronic",
                                 result_file=pdf_upload())
    assert caught.value.code == "unsigned_result"
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    # Signed through the signing app, the same procedure issues it.
    services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESOLVED


def test_a_paper_result_needs_no_signature(world, dossier):
    require_signature(world)
    dossier_services.resolve(world["leader"], dossier, result_kind="paper")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESOLVED


def test_verification_page_and_a_changed_copy(world, pki, dossier, client):
    services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["leader"], password=PASSWORD)
    document = SignedDocument.objects.get()
    page = client.get(f"/xac-thuc/{document.token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hợp lệ" in body and dossier.code in body and document.sha256 in body
    assert "Nguyễn Văn Lãnh" in body
    # No personal data of the applicant.
    assert dossier.applicant_name not in body and "038190012345" not in body
    original = document.file.read()
    same = client.post(f"/xac-thuc/{document.token}/", {"copy": pdf_upload(original)})
    assert "Trùng khớp với bản gốc" in same.content.decode()
    changed = bytearray(original)
    changed[10] ^= 0x01  # in the binary comment of the header: still a readable PDF, one byte changed
    answer = client.post(f"/xac-thuc/{document.token}/", {"copy": pdf_upload(bytes(changed))})
    text = answer.content.decode()
    assert answer.status_code == 200 and "Đã bị sửa đổi" in text
    checked = services.validate_pdf(bytes(changed))
    assert checked["verdict"] == services.MODIFIED


def test_an_unknown_token_is_404(client, db):
    assert client.get("/xac-thuc/khong-co/").status_code == 404


def test_an_untrusted_root_says_so(world, pki, dossier):
    other = certificates.make_root("Unknown CA", not_before=timezone.now() - datetime.timedelta(days=1), key=key(4))
    cred = setup.pkcs12_credential(other, agency=world["land"], signer_name="Người lạ", password=PASSWORD,
                                   holder=world["leader"], key=key(5))
    services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=cred, password=PASSWORD)
    document = SignedDocument.objects.get()
    assert services.verdict_of(document) == services.UNTRUSTED
    assert re.search("UNTRUSTED|untrusted", services.UNTRUSTED)
