"""Signing backends (a core Registry, setting-free: each credential names its backend).

- `pkcs12`: the key file is kept with the credential and opened with the password the signer
  types; signs at once.
- `remote`: a remote-signing service in the shape of VNPT SmartCA (docs/signing.md): get the
  signer's certificate, send the hash (`sign_type: "hash"`), the signer approves on the phone, poll
  the transaction until SUCCESS / REJECTED / EXPIRED. Over HTTP (`SIGNING_REMOTE_URL`).
- `remote-simulator`: the same service simulated in the database, with an approval page
  (`/ky-so/mo-phong/`) standing for the phone; it can answer for another digest or be down.
"""
from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

import json
import urllib.error
import urllib.request
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.registry import Registry

from . import certificates
from .errors import SigningError
from .models import SigningCredential, SimulatedSigner, SimulatedTransaction

BACKENDS: Registry = Registry("signing backend")


class RemoteUnavailable(SigningError):
    def __init__(self, detail: str = ""):
        super().__init__("remote_unavailable", _("The remote-signing service does not answer; try again later."))
        self.detail = detail


@dataclass
class RemoteAnswer:
    status: str  # PENDING, SUCCESS, REJECTED, EXPIRED
    signature: bytes = b""
    digest: str = ""  # the hash the service says it signed (hex), when it says


def _pem_list(text: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(text.encode()) if text.strip() else []


class Pkcs12Backend:
    name = "pkcs12"
    remote = False

    def unlock(self, credential: SigningCredential, password: str):
        """(key, certificate, chain); a wrong password is refused."""
        key, cert, chain = certificates.from_pkcs12(bytes(credential.pkcs12), password)
        return key, cert, chain or _pem_list(credential.chain_pem)

    def certificate(self, credential: SigningCredential, password: str = ""):
        _key, cert, chain = self.unlock(credential, password)
        return cert, chain

    def sign_hash(self, credential, password: str, data_hash: bytes) -> bytes:
        key, _cert, _chain = self.unlock(credential, password)
        return certificates.sign_hash(key, data_hash)


class RemoteBackend:
    """SmartCA-shaped HTTP client."""

    name = "remote"
    remote = True

    def _post(self, path: str, body: dict) -> dict:
        base = getattr(settings, "SIGNING_REMOTE_URL", "")
        if not base:
            raise RemoteUnavailable("SIGNING_REMOTE_URL is not set")
        payload = {"sp_id": getattr(settings, "SIGNING_REMOTE_CLIENT_ID", ""),
                   "sp_password": getattr(settings, "SIGNING_REMOTE_CLIENT_SECRET", ""), **body}
        request = urllib.request.Request(base.rstrip("/") + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=getattr(settings, "SIGNING_REMOTE_TIMEOUT", 10)) as answer:
                code, body = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            code, body = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteUnavailable(str(exc)) from exc
        if code >= 500:
            raise RemoteUnavailable(f"HTTP {code}")
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise RemoteUnavailable("not JSON") from exc
        if code >= 400 or data.get("code", 0) not in (0, 200):
            raise SigningError("invalid", _("The remote-signing service refused: %(message)s")
                               % {"message": str(data.get("message", code))[:200]})
        return data.get("content") or data

    def certificate(self, credential: SigningCredential, password: str = ""):
        data = self._post("/credentials/get_certificate", {"user_id": credential.remote_user_id})
        found = data.get("user_certificates") or []
        if not found:
            raise SigningError("invalid", _("The remote-signing service has no certificate for this signer."))
        cert = x509.load_der_x509_certificate(base64.b64decode(found[0]["cert_data"]))
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in found[0].get("chain_data", [])]
        return cert, chain

    def send(self, credential: SigningCredential, data_hash: bytes, *, doc_id: str, description: str) -> str:
        data = self._post("/signatures/sign", {
            "user_id": credential.remote_user_id, "transaction_desc": description[:200],
            "sign_files": [{"file_type": "pdf", "data_to_be_signed": data_hash.hex(), "doc_id": doc_id,
                            "sign_type": "hash"}],
        })
        return str(data["tran_id"])

    def status(self, credential: SigningCredential, transaction_id: str) -> RemoteAnswer:
        data = self._post(f"/signatures/sign/{transaction_id}/status", {})
        signatures = data.get("signatures") or []
        first = signatures[0] if signatures else {}
        return RemoteAnswer(status=str(data.get("tran_status", "PENDING")).upper(),
                            signature=base64.b64decode(first.get("signature_value", "") or ""),
                            digest=str(first.get("data_to_be_signed", "")))


class RemoteSimulator(RemoteBackend):
    """The remote service simulated here; `simulator` (the phone: `approve` / `reject`)."""

    name = "remote-simulator"
    simulator = True

    def _signer(self, credential) -> SimulatedSigner:
        try:
            signer = SimulatedSigner.objects.get(user_id=credential.remote_user_id)
        except SimulatedSigner.DoesNotExist:
            raise SigningError("invalid", _("The remote-signing service has no certificate for this signer.")) from None
        if signer.behaviour == SimulatedSigner.Behaviour.DOWN:
            raise RemoteUnavailable("simulated outage")
        return signer

    def certificate(self, credential, password: str = ""):
        signer = self._signer(credential)
        return x509.load_pem_x509_certificate(signer.certificate_pem.encode()), _pem_list(signer.chain_pem)

    def send(self, credential, data_hash: bytes, *, doc_id: str, description: str) -> str:
        signer = self._signer(credential)
        ttl = getattr(settings, "SIGNING_SIMULATOR_TTL_SECONDS", 300)
        row = SimulatedTransaction.objects.create(
            signer=signer, doc_id=doc_id, description=description[:300], data_to_be_signed=data_hash.hex(),
            expires_at=timezone.now() + datetime.timedelta(seconds=ttl),
        )
        return row.transaction_id

    def status(self, credential, transaction_id: str) -> RemoteAnswer:
        row = SimulatedTransaction.objects.select_related("signer").get(transaction_id=transaction_id)
        if row.signer.behaviour == SimulatedSigner.Behaviour.DOWN:
            raise RemoteUnavailable("simulated outage")
        if row.status == row.Status.PENDING and timezone.now() >= row.expires_at:
            SimulatedTransaction.objects.filter(pk=row.pk, status=row.Status.PENDING).update(status=row.Status.EXPIRED)
            row.status = row.Status.EXPIRED
        return RemoteAnswer(status=row.status, signature=base64.b64decode(row.signature or ""),
                            digest=row.data_to_be_signed)


def simulator_decide(transaction_id: str, approve: bool, *, at=None) -> SimulatedTransaction:
    """The signer's answer on the simulated phone. A `wrong_digest` signer signs another hash."""
    with transaction.atomic():
        row = SimulatedTransaction.objects.select_for_update(of=("self",)).select_related("signer").get(
            transaction_id=transaction_id)
        if row.status != row.Status.PENDING:
            return row
        if (at or timezone.now()) >= row.expires_at:
            row.status = row.Status.EXPIRED
        elif not approve:
            row.status = row.Status.REJECTED
        else:
            key = serialization.load_pem_private_key(row.signer.key_pem.encode(), None)
            digest = bytes.fromhex(row.data_to_be_signed)
            if row.signer.behaviour == SimulatedSigner.Behaviour.WRONG_DIGEST:
                digest = bytes(b ^ 0xFF for b in digest)
            row.signature = base64.b64encode(certificates.sign_hash(key, digest)).decode()
            row.status = row.Status.SUCCESS
        row.save(update_fields=["status", "signature"])
        return row


BACKENDS.register(Pkcs12Backend())
BACKENDS.register(RemoteBackend())
BACKENDS.register(RemoteSimulator())
