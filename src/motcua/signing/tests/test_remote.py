"""Remote signing: the simulator's approve / reject / expire / wrong-digest paths, two leaders at
once, and the SmartCA-shaped HTTP adapter against a local HTTP server."""
import base64
import datetime
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.dossiers.models import Status
from motcua.signing import certificates, services, tasks
from motcua.signing.backends import BACKENDS, RemoteUnavailable, simulator_decide
from motcua.signing.errors import SigningError
from motcua.signing.models import SignedDocument, SigningRequest, SimulatedSigner, SimulatedTransaction

from .conftest import PASSWORD, key
from .test_results import pdf_upload, validate


@pytest.fixture
def dossier(receive):
    return receive()


def start(world, pki, dossier):
    return services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["remote"],
                                   result_description="Giấy chứng nhận")


def test_approved_on_the_phone_the_result_is_signed_and_issued(world, pki, dossier):
    request = start(world, pki, dossier)
    assert request.state == "waiting" and len(request.digest) == 64
    sent = SimulatedTransaction.objects.get(transaction_id=request.transaction_id)
    assert sent.data_to_be_signed == request.digest  # only the hash travels
    assert services.check_request(request.pk).state == "waiting"  # not yet approved
    simulator_decide(request.transaction_id, True)
    assert tasks.check_waiting_signatures() == 1
    request.refresh_from_db()
    dossier.refresh_from_db()
    assert request.state == "done" and dossier.status == Status.RESOLVED
    [status] = validate(dossier.result_file.read(), pki["root"])
    assert status.intact and status.trusted and status.coverage.name == "ENTIRE_FILE"
    assert SignedDocument.objects.get().request == request
    assert request.prepared_pdf in (b"", memoryview(b"")) or bytes(request.prepared_pdf) == b""


def test_rejected_on_the_phone(world, pki, dossier):
    request = start(world, pki, dossier)
    simulator_decide(request.transaction_id, False)
    assert services.check_request(request.pk).state == "rejected"
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and not SignedDocument.objects.exists()
    # The dossier can be signed again.
    assert start(world, pki, dossier).state == "waiting"


def test_expired_at_the_service_and_bounded_wait(world, pki, dossier):
    request = start(world, pki, dossier)
    SimulatedTransaction.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.check_request(request.pk).state == "expired"
    # Our own bound: a service that never answers is given up after wait_until.
    other = start(world, pki, dossier)
    later = other.wait_until + datetime.timedelta(seconds=1)
    SimulatedSigner.objects.update(behaviour="down")
    assert services.check_request(other.pk, now=later).state == "expired"
    assert Status.RECEIVED == type(dossier).objects.get(pk=dossier.pk).status


def test_an_answer_for_another_digest_is_not_embedded(world, pki, dossier):
    SimulatedSigner.objects.update(behaviour="wrong_digest")
    request = start(world, pki, dossier)
    simulator_decide(request.transaction_id, True)
    request = services.check_request(request.pk)
    assert request.state == "failed" and "không khớp" in request.failure
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and not SignedDocument.objects.exists()


def test_the_seal_follows_the_approved_remote_signature(world, pki, dossier):
    request = services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["remote"],
                                      seal=pki["seal"], seal_password=PASSWORD, result_description="Giấy chứng nhận")
    stored = bytes(request.seal_secret)
    assert stored and PASSWORD.encode() not in stored  # the password waits encrypted
    simulator_decide(request.transaction_id, True)
    request = services.check_request(request.pk)
    assert request.state == "done" and bytes(request.seal_secret) == b""  # wiped once used
    dossier.refresh_from_db()
    first, second = validate(dossier.result_file.read(), pki["root"])
    assert first.bottom_line and second.bottom_line and second.coverage.name == "ENTIRE_FILE"
    assert [s["kind"] for s in SignedDocument.objects.get().signers] == ["personal", "seal"]


def test_a_wrong_seal_password_is_refused_before_the_phone_is_asked(world, pki, dossier):
    with pytest.raises(SigningError, match="Mật khẩu chứng thư số"):
        services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["remote"],
                                seal=pki["seal"], seal_password="sai")
    assert not SigningRequest.objects.exists() and not SimulatedTransaction.objects.exists()


def test_a_rejected_remote_signature_wipes_the_seal_password(world, pki, dossier):
    request = services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["remote"],
                                      seal=pki["seal"], seal_password=PASSWORD)
    simulator_decide(request.transaction_id, False)
    request = services.check_request(request.pk)
    assert request.state == "rejected" and bytes(request.seal_secret) == b""


def test_a_seal_password_unreadable_after_a_key_change_fails_the_request(world, pki, dossier, settings):
    request = services.sign_and_issue(world["leader"], dossier, pdf_upload(), credential=pki["remote"],
                                      seal=pki["seal"], seal_password=PASSWORD)
    simulator_decide(request.transaction_id, True)
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    request = services.check_request(request.pk)
    assert request.state == "failed" and bytes(request.seal_secret) == b""
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and not SignedDocument.objects.exists()


def test_two_leaders_at_once_one_wins(world, pki, dossier):
    start(world, pki, dossier)
    with pytest.raises(SigningError) as caught:
        start(world, pki, dossier)
    assert caught.value.code == "signing_busy"
    assert SigningRequest.objects.filter(state="waiting").count() == 1


def test_service_down_at_sending_leaves_nothing(world, pki, dossier):
    SimulatedSigner.objects.update(behaviour="down")
    with pytest.raises(RemoteUnavailable):
        start(world, pki, dossier)
    assert not SigningRequest.objects.exists() and not SimulatedTransaction.objects.exists()


# --- the SmartCA-shaped adapter over real HTTP ---------------------------------------------------

class FakeSmartCA(BaseHTTPRequestHandler):
    """A local service speaking the SmartCA shape; `mode` approve / reject / wrong."""

    issued = None
    mode = "approve"
    transactions: dict = {}

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/credentials/get_certificate":
            content = {"user_certificates": [{"cert_data": base64.b64encode(
                self.issued.cert.public_bytes(Encoding.DER)).decode(), "chain_data": []}]}
        elif self.path == "/signatures/sign":
            tid = f"T{len(self.transactions) + 1}"
            self.transactions[tid] = body["sign_files"][0]["data_to_be_signed"]
            content = {"tran_id": tid}
        else:
            tid = self.path.split("/")[3]
            digest = bytes.fromhex(self.transactions[tid])
            if self.mode == "reject":
                content = {"tran_status": "REJECTED"}
            else:
                if self.mode == "wrong":
                    digest = bytes(32)
                signature = certificates.sign_hash(self.issued.key, digest)
                content = {"tran_status": "SUCCESS", "signatures": [
                    {"doc_id": "x", "signature_value": base64.b64encode(signature).decode(),
                     "data_to_be_signed": digest.hex()}]}
        answer = json.dumps({"code": 0, "message": "ok", "content": content}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def smartca(settings, pki):
    FakeSmartCA.issued = certificates.issue(pki["root"], "Nguyễn Văn Lãnh", not_before=timezone.now()
                                            - datetime.timedelta(days=1), key=key(3))
    FakeSmartCA.transactions = {}
    server = HTTPServer(("127.0.0.1", 0), FakeSmartCA)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIGNING_REMOTE_URL = f"http://127.0.0.1:{server.server_port}"
    pki["remote"].backend = "remote"
    pki["remote"].save()
    yield FakeSmartCA
    server.shutdown()


@pytest.mark.parametrize("mode, state", [("approve", "done"), ("reject", "rejected"), ("wrong", "failed")])
def test_the_http_adapter(world, pki, dossier, smartca, mode, state):
    smartca.mode = mode
    request = start(world, pki, dossier)
    assert request.transaction_id == "T1"
    assert smartca.transactions["T1"] == request.digest
    assert services.check_request(request.pk).state == state
    if state == "done":
        dossier.refresh_from_db()
        data = dossier.result_file.read()
        [status] = validate(data, pki["root"])
        assert status.intact and status.trusted
        assert PdfFileReader(io.BytesIO(data)).embedded_signatures[0].field_name == "Signature1"


def test_the_http_adapter_when_nobody_answers(world, pki, dossier, settings):
    settings.SIGNING_REMOTE_URL = "http://127.0.0.1:9"  # discard port: connection refused
    with pytest.raises(RemoteUnavailable):
        BACKENDS.get("remote").certificate(pki["remote"])
