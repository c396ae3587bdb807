"""Documents sent by nginx after the view's checks (DOCUMENTS_X_ACCEL_REDIRECT): off by default
(the Python process streams the bytes), on in production behind nginx (an empty answer with the
same headers and `X-Accel-Redirect` naming the file under nginx's internal location). The checks,
the access log and the 404s are the same in both modes. nginx itself is exercised by the production
smoke test (tests/test_production_smoke.py)."""
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.storage import Storage

from motcua.documents import files
from motcua.documents.models import DocumentOpening

from .test_file_access import PDF, body, kinds, officer_url, online  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def served_file(settings, header: str) -> Path:
    """The file nginx would send for an X-Accel-Redirect value (its internal location aliases MEDIA_ROOT)."""
    assert header.startswith(settings.DOCUMENTS_X_ACCEL_PREFIX)
    return Path(settings.MEDIA_ROOT) / unquote(header[len(settings.DOCUMENTS_X_ACCEL_PREFIX):])


def test_off_by_default_the_view_streams_the_bytes(client, world, online, settings):
    assert settings.DOCUMENTS_X_ACCEL_REDIRECT is False
    document = kinds(online)["upload"]
    client.force_login(world["counter"])
    response = client.get(officer_url(online, document))
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert body(response) == PDF


def test_on_the_view_checks_records_and_hands_the_file_to_nginx(client, world, online, settings):
    settings.DOCUMENTS_X_ACCEL_REDIRECT = True
    docs = kinds(online)
    client.force_login(world["counter"])
    for kind, document in docs.items():
        response = client.get(officer_url(online, document))
        assert response.status_code == 200, kind
        assert response.content == b""
        header = response["X-Accel-Redirect"]
        assert header == "/_protected/media/" + document.file.name
        assert served_file(settings, header).read_bytes() == document.file.open("rb").read()
        assert response["Content-Type"] in ("application/pdf", "image/png")
        assert response["Content-Disposition"].startswith("inline; filename=")
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    result = client.get(officer_url(online))
    assert served_file(settings, result["X-Accel-Redirect"]).read_bytes() == online.result_file.open("rb").read()
    download = client.get(officer_url(online, docs["upload"]) + "?tai-ve=1")
    assert download["Content-Disposition"].startswith('attachment; filename="') and download.content == b""
    # Every opening is in the access log, as when the view streams.
    assert DocumentOpening.objects.filter(officer=world["counter"]).count() == len(docs) + 2


def test_on_the_owner_gets_their_file_and_others_get_no_redirect(client, world, online, citizen, other, settings):
    settings.DOCUMENTS_X_ACCEL_REDIRECT = True
    settings.DOCUMENTS_X_ACCEL_PREFIX = "/internal/files"  # a prefix without the final slash works too
    document = kinds(online)["upload"]
    url = f"/ca-nhan/ho-so/{online.code}/tai-lieu/{document.pk}/"
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Accel-Redirect"] == "/internal/files/" + document.file.name
    for user in (other, world["counter"]):
        client.force_login(user)
        refused = client.get(url)
        assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "X-Accel-Redirect" not in anonymous


class _ObjectStorage(Storage):
    """A storage without local paths, as object storage is."""


class _Field:
    name = "dossiers/2026/01/don.pdf"
    storage = _ObjectStorage()


def test_a_storage_without_local_paths_is_streamed(settings):
    settings.DOCUMENTS_X_ACCEL_REDIRECT = True
    assert files.x_accel_path(_Field()) is None


def test_names_are_quoted_for_the_header(settings, tmp_path):
    from django.core.files.storage import FileSystemStorage

    settings.DOCUMENTS_X_ACCEL_REDIRECT = True

    class Field:
        name = "dossiers/2026/01/đơn xin #1.pdf"
        storage = FileSystemStorage(location=tmp_path)

    assert files.x_accel_path(Field()) == "/_protected/media/dossiers/2026/01/%C4%91%C6%A1n%20xin%20%231.pdf"
