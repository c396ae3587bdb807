"""The pages: sign and issue from the dossier page, the wait and the simulated phone, the links
on the officer's and the citizen's dossier pages, the certified copy form."""
import datetime

import pytest

from motcua.dossiers.models import Status
from motcua.signing.models import CertifiedCopy, CopyFeeRate, SignedDocument, SigningRequest, SimulatedTransaction

from .conftest import PASSWORD
from .test_results import pdf_upload


@pytest.fixture
def dossier(receive):
    return receive()


def test_the_dossier_page_offers_sign_and_issue_to_the_leader_only(world, pki, dossier, client):
    client.force_login(world["leader"])
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/")
    assert page.status_code == 200 and f"/mot-cua/ky-so/ho-so/{dossier.code}/" in page.content.decode()
    client.force_login(world["counter"])
    assert f"/mot-cua/ky-so/ho-so/{dossier.code}/" not in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert client.get(f"/mot-cua/ky-so/ho-so/{dossier.code}/").status_code == 403


def test_sign_and_issue_through_the_page(world, pki, dossier, client):
    client.force_login(world["leader"])
    page = client.get(f"/mot-cua/ky-so/ho-so/{dossier.code}/")
    assert "Ký số và ban hành kết quả" in page.content.decode()
    answer = client.post(f"/mot-cua/ky-so/ho-so/{dossier.code}/", {
        "result_file": pdf_upload(), "result_description": "Giấy chứng nhận", "credential": pki["leader"].pk,
        "password": "sai", "version": dossier.version})
    assert answer.status_code == 400 and "Mật khẩu chứng thư số (PKCS#12) không đúng." in answer.content.decode()
    answer = client.post(f"/mot-cua/ky-so/ho-so/{dossier.code}/", {
        "result_file": pdf_upload(), "result_description": "Giấy chứng nhận", "credential": pki["leader"].pk,
        "password": PASSWORD, "seal": pki["seal"].pk, "seal_password": PASSWORD, "version": dossier.version})
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    token = SignedDocument.objects.get().token
    assert f"/xac-thuc/{token}/" in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()


def test_remote_signature_through_the_wait_page_and_the_phone(world, pki, dossier, client):
    client.force_login(world["leader"])
    answer = client.post(f"/mot-cua/ky-so/ho-so/{dossier.code}/", {
        "result_file": pdf_upload(), "credential": pki["remote"].pk, "version": dossier.version})
    request = SigningRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/mot-cua/ky-so/cho/{request.pk}/"
    assert "Chờ người ký xác nhận" in client.get(answer["Location"]).content.decode()
    phone = client.get("/mot-cua/ky-so/mo-phong/").content.decode()
    assert request.digest in phone
    client.post("/mot-cua/ky-so/mo-phong/", {"transaction": request.transaction_id, "decision": "approve"})
    assert SimulatedTransaction.objects.get().status == "SUCCESS"
    done = client.get(answer["Location"])
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED


def test_the_phone_is_absent_without_simulators(world, client, settings):
    settings.ALLOW_SIMULATORS = False
    settings.ALLOW_SIMULATORS_IN_PRODUCTION = False
    client.force_login(world["leader"])
    assert client.get("/mot-cua/ky-so/mo-phong/").status_code == 404


def test_certify_page(world, pki, client):
    CopyFeeRate.objects.create(valid_from=datetime.date(2000, 1, 1))
    client.force_login(world["counter"])
    page = client.get("/mot-cua/chung-thuc/")
    assert page.status_code == 200 and "Chứng thực bản sao từ bản chính" in page.content.decode()
    answer = client.post("/mot-cua/chung-thuc/", {
        "agency": world["land"].pk, "medium": "paper", "document_title": "Giấy khai sinh",
        "requester_name": "Trần Văn An", "pages": 3, "copies": 1})
    assert answer.status_code == 200 and "5.000 đ" in answer.content.decode()
    assert CertifiedCopy.objects.get().number == 1
    client.force_login(world["specialist"])
    assert client.get("/mot-cua/chung-thuc/").status_code == 403
