import pytest
from django.core.exceptions import ValidationError

from motcua.documents import uploads

from .conftest import EXE, PDF, PNG, upload


def code_of(fn, *args):
    with pytest.raises(ValidationError) as info:
        fn(*args)
    return info.value.code


def test_type_comes_from_content_not_name():
    assert uploads.check_upload(upload("don.pdf", PDF)).content_type == "application/pdf"
    assert uploads.check_upload(upload("anh.PNG", PNG, "application/pdf")).content_type == "image/png"
    assert uploads.check_upload(upload("the.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 20)).content_type == "image/jpeg"
    assert code_of(uploads.check_upload, upload("don.pdf", PNG, "application/pdf")) == "mismatch"
    assert code_of(uploads.check_upload, upload("don.pdf", EXE, "application/pdf")) == "bad_type"
    assert code_of(uploads.check_upload, upload("setup.exe", EXE)) == "bad_type"
    assert code_of(uploads.check_upload, upload("noext", PDF)) == "mismatch"
    assert code_of(uploads.check_upload, upload("empty.pdf", b"")) == "empty"


def test_size_limits(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 100
    assert code_of(uploads.check_upload, upload("big.pdf", PDF + b"x" * 100)) == "too_large"
    settings.UPLOAD_MAX_TOTAL_BYTES = 150
    uploads.check_total([100, 50])
    assert code_of(uploads.check_total, [100, 51]) == "total_too_large"


def test_virus_scan_hook(settings):
    infected = PDF + uploads.EICAR
    error = pytest.raises(ValidationError, uploads.check_upload, upload("virus.pdf", infected))
    assert error.value.code == "infected" and "EICAR" in error.value.messages[0]
    settings.UPLOAD_SCANNER = "motcua.documents.tests.test_uploads.refuse_everything"
    assert code_of(uploads.check_upload, upload("don.pdf", PDF)) == "infected"


def refuse_everything(data, name):
    return "policy"


def test_messages_are_vietnamese_by_default_english_on_request():
    from django.utils import translation

    with translation.override("vi"):
        vi = pytest.raises(ValidationError, uploads.check_upload, upload("don.pdf", PNG)).value.messages[0]
    with translation.override("en"):
        en = pytest.raises(ValidationError, uploads.check_upload, upload("don.pdf", PNG)).value.messages[0]
    assert "does not match its name" in en
    assert "không khớp" in vi
