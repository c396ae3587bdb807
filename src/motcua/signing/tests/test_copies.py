"""Certified copies: the dated fee per page, the yearly books numbered apart, no gap on a refusal,
the signed copy in the requester's data store, and 20 parallel certifications on PostgreSQL."""
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from motcua.core.testing import run_in_threads
from motcua.documents.models import Source, StoredDocument
from motcua.signing import copies, services
from motcua.signing.errors import SigningError
from motcua.signing.models import CertificationBook, CertifiedCopy, CopyFeeRate
from motcua.testing.world import at

from .conftest import PASSWORD, two_page_pdf
from .test_results import pdf_upload, validate

WHEN = at(2026, 3, 2, 9)


@pytest.fixture
def fees(db):
    CopyFeeRate.objects.create(valid_from=datetime.date(2020, 1, 1), first_pages=2, first_rate=2000, later_rate=1000,
                               cap=200000, basis="Biểu phí chứng thực (dữ liệu mẫu)")
    CopyFeeRate.objects.create(valid_from=datetime.date(2027, 1, 1), first_pages=2, first_rate=3000, later_rate=1500,
                               cap=250000)


@pytest.fixture
def clerk(world, pki):
    """The counter officer of the land department certifies, with their own PKCS#12 credential."""
    from motcua.signing import setup

    from .conftest import key

    return setup.pkcs12_credential(pki["root"], agency=world["land"], signer_name="Lê Thị Chứng Thực",
                                   position="Công chức tư pháp", password=PASSWORD, holder=world["counter"],
                                   key=key(6), not_before=at(2025, 1, 1), days=365 * 30)


@pytest.mark.parametrize("pages, day, fee", [
    (1, datetime.date(2026, 3, 2), 2000), (2, datetime.date(2026, 3, 2), 4000), (5, datetime.date(2026, 3, 2), 7000),
    (300, datetime.date(2026, 3, 2), 200000), (5, datetime.date(2027, 1, 1), 10500),
    (500, datetime.date(2027, 6, 1), 250000),
])
def test_the_fee_per_page_by_date(fees, pages, day, fee):
    assert copies.copy_fee(pages, on=day) == fee


def test_no_fee_before_the_first_rate(fees):
    with pytest.raises(SigningError):
        copies.copy_fee(1, on=datetime.date(2019, 12, 31))


def test_an_electronic_copy_is_signed_numbered_charged_and_stored(world, pki, clerk, fees):
    from django.contrib.auth import get_user_model

    from motcua.accounts.models import CitizenAccount, IdentitySource

    person = get_user_model().objects.create_user("mau", password="x")
    CitizenAccount.objects.create(user=person, full_name="Trần Thị Mẫu", citizen_id="038190012345",
                                  identity_source=IdentitySource.COUNTER, identity_verified_at=timezone.now())
    copy = copies.certify_electronic_copy(
        world["counter"], agency=world["land"], scan=pdf_upload(two_page_pdf()), document_title="Giấy khai sinh",
        requester_name="Trần Thị Mẫu", requester_id_number="038190012345", credential=clerk, password=PASSWORD,
        at=WHEN)
    assert copy.number == 1 and copy.book.medium == "electronic" and copy.book.year == 2026
    assert copy.pages == 2 and copy.fee == 4000
    assert copy.book_number == "1/2026/BSĐT"
    with copy.signed_document.file.open("rb") as handle:
        data = handle.read()
    [status] = validate(data, pki["root"])
    assert status.intact and status.trusted and status.coverage.name == "ENTIRE_FILE"
    stored = StoredDocument.objects.get(pk=copy.stored_document_id)
    assert stored.owner == person and stored.source == Source.CERTIFIED_COPY and stored.number == "1/2026/BSĐT"
    assert services.verdict_of(copy.signed_document) == services.VALID


def test_paper_and_electronic_books_are_numbered_apart_without_gaps(world, pki, clerk, fees):
    paper = copies.certify_paper_copy(world["counter"], agency=world["land"], document_title="Sổ hộ khẩu", pages=3,
                                      copies=2, requester_name="Trần Văn Giấy", at=WHEN)
    assert (paper.number, paper.fee, paper.book.medium) == (1, 2 * 5000, "paper")
    with pytest.raises(SigningError):  # wrong password: refused, no number taken
        copies.certify_electronic_copy(world["counter"], agency=world["land"], scan=pdf_upload(),
                                       document_title="Bằng tốt nghiệp", requester_name="An",
                                       credential=clerk, password="sai", at=WHEN)
    electronic = copies.certify_electronic_copy(world["counter"], agency=world["land"], scan=pdf_upload(),
                                                document_title="Bằng tốt nghiệp", requester_name="An",
                                                credential=clerk, password=PASSWORD, at=WHEN)
    second_paper = copies.certify_paper_copy(world["counter"], agency=world["land"], document_title="Giấy tờ",
                                             pages=1, requester_name="Bình", at=WHEN)
    assert electronic.number == 1 and second_paper.number == 2
    assert CertificationBook.objects.get(medium="electronic").last_number == 1
    next_year = copies.certify_paper_copy(world["counter"], agency=world["land"], document_title="Giấy tờ", pages=1,
                                          requester_name="Bình", at=at(2027, 1, 4, 9))
    assert next_year.number == 1 and next_year.fee == 3000


def test_an_image_scan_becomes_a_pdf(world, pki, clerk, fees):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, "JPEG")
    copy = copies.certify_electronic_copy(
        world["counter"], agency=world["land"], scan=SimpleUploadedFile("scan.jpg", buffer.getvalue()),
        document_title="Giấy khai sinh", requester_name="An", credential=clerk, password=PASSWORD, at=WHEN)
    assert copy.pages == 1 and copy.fee == 2000


def test_only_counter_officers_of_the_agency_certify(world, pki, clerk, fees):
    with pytest.raises(SigningError) as caught:
        copies.certify_paper_copy(world["justice_counter"], agency=world["land"], document_title="x", pages=1,
                                  requester_name="An", at=WHEN)
    assert caught.value.code == "forbidden"
    assert not CertifiedCopy.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers and row locks (PostgreSQL)")
def test_twenty_parallel_certifications_get_consecutive_numbers(world, pki, clerk, fees):
    def certify(i):
        if i % 2:
            return copies.certify_paper_copy(world["counter"], agency=world["land"], document_title=f"Giấy {i}",
                                             pages=1, requester_name="An", at=WHEN).number
        return copies.certify_electronic_copy(world["counter"], agency=world["land"], scan=pdf_upload(),
                                              document_title=f"Giấy {i}", requester_name="An", credential=clerk,
                                              password=PASSWORD, at=WHEN).number

    results, errors = run_in_threads(20, certify)
    assert errors == [None] * 20
    assert sorted(results[0::2]) == list(range(1, 11))  # electronic book
    assert sorted(results[1::2]) == list(range(1, 11))  # paper book
    assert {b.medium: b.last_number for b in CertificationBook.objects.all()} == {"paper": 10, "electronic": 10}
