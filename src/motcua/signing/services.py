"""Signing and issuing results, the remote-signing wait, verification, certified copies.

Every state change is one `transaction.atomic`; the cryptography runs before it (nothing is
written on a refusal) and the dossier row is locked inside it, so two leaders signing one dossier
at once end with one result (the other is refused: the dossier is resolved, or a request is open).
"""
from __future__ import annotations

import datetime
import hashlib
import io
import logging

from cryptography import x509
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.site import absolute
from motcua.core.storage import StorageUnavailable
from motcua.documents.uploads import check_upload
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, ResultKind, Status
from motcua.organization.models import Agency
from motcua.organization.permissions import has_permission

from . import certificates, pdf
from .backends import BACKENDS, RemoteUnavailable
from .errors import SigningError
from .models import SignedDocument, SigningCredential, SigningRequest, new_token

logger = logging.getLogger(__name__)

def max_bytes() -> int:
    return int(getattr(settings, "SIGNING_MAX_BYTES", getattr(settings, "UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024)))


def read_pdf(upload) -> bytes:
    """The bytes of an uploaded PDF to sign, refused when too large, not a PDF, or encrypted."""
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, (bytes, bytearray)):
        size = len(upload)
    if size is not None and size > max_bytes():
        raise SigningError("invalid", _("The file is larger than %(mb)s MB, the limit for signing.")
                           % {"mb": max_bytes() // (1024 * 1024)})
    if isinstance(upload, (bytes, bytearray)):
        data = bytes(upload)
    else:
        upload.seek(0)
        data = upload.read()
        if len(data) > max_bytes():
            raise SigningError("invalid", _("The file is larger than %(mb)s MB, the limit for signing.")
                               % {"mb": max_bytes() // (1024 * 1024)})
        check_upload(ContentFile(data, name=getattr(upload, "name", "ket-qua.pdf") or "ket-qua.pdf"))
    if not data.startswith(b"%PDF-"):
        raise SigningError("invalid", _("Only a PDF file can be signed."))
    try:
        pdf.open_writer(data)
    except pdf.BadPdf as exc:
        if str(exc) == "encrypted":
            raise SigningError("invalid", _("The PDF is encrypted or password-protected; remove the protection "
                                            "before signing.")) from None
        raise SigningError("invalid", _("The PDF is damaged and cannot be signed.")) from None
    return data


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _block(credential: SigningCredential, moment) -> dict:
    seal = credential.kind == SigningCredential.Kind.SEAL
    return {"label": _("Agency seal") if seal else _("Digitally signed by"),
            "signer": credential.signer_name, "position": credential.position or "",
            "agency": credential.agency.name, "when": _when(moment)}


def _trust_roots() -> list[x509.Certificate]:
    from .models import TrustAnchor

    found = []
    for anchor in TrustAnchor.objects.all():
        found.extend(x509.load_pem_x509_certificates(anchor.certificate_pem.encode()))
    return found


def _timestamper():
    url = getattr(settings, "SIGNING_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=getattr(settings, "SIGNING_TSA_TIMEOUT", 10))


def _check_credential(officer, credential: SigningCredential | None, agency, kind: str) -> SigningCredential:
    if credential is None or not credential.is_active or credential.kind != kind:
        raise SigningError("invalid", _("Choose one of your signing certificates.") if kind == "personal"
                           else _("Choose the seal of the agency."))
    if kind == SigningCredential.Kind.PERSONAL and credential.holder_id != officer.pk:
        raise SigningError("forbidden", _("This signing certificate is not yours."))
    if kind == SigningCredential.Kind.SEAL and credential.agency_id != agency.pk:
        raise SigningError("forbidden", _("This seal belongs to another agency."))
    return credential


def sign_local(data: bytes, credential: SigningCredential, password: str, *, url: str, slot: int, at,
               reason: str = "") -> tuple[bytes, x509.Certificate]:
    """Sign at once with a PKCS#12 credential (checks: password, validity, non-repudiation)."""
    backend = BACKENDS.get(credential.backend)
    if backend.remote:
        raise SigningError("invalid", _("This certificate signs through the remote-signing service."))
    key, cert, chain = backend.unlock(credential, password)
    certificates.check_usable(cert, at)
    prepared = pdf.prepare(data, cert=cert, chain=chain, block=_block(credential, at), url=url, slot=slot,
                           reason=reason, location=credential.agency.name)
    signature = certificates.sign_hash(key, prepared.to_be_signed)
    return pdf.finish(prepared, cert=cert, chain=chain, signature=signature, timestamper=_timestamper()), cert


def _signer_entry(credential: SigningCredential, cert: x509.Certificate, at) -> dict:
    return {"name": credential.signer_name, "position": credential.position, "agency": credential.agency.name,
            "kind": credential.kind, "at": at.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
            "issuer": cert.issuer.rfc4514_string()}


def _may_approve(officer, dossier: Dossier) -> None:
    agency_ids = {dossier.current_agency_id, dossier.competent_agency_id} - {None}
    if not any(has_permission(officer, "dossier.approve", a) for a in Agency.objects.filter(pk__in=agency_ids)):
        raise SigningError("forbidden", _("Only a leader of the agency handling the dossier signs its result."))


def _pre_check(officer, dossier: Dossier, expected_version) -> None:
    _may_approve(officer, dossier)
    if int(dossier.status) not in (Status.RECEIVED, Status.PROCESSING):
        raise SigningError("not_allowed", _("Dossier %(code)s is not waiting for its result (it is now: %(status)s).")
                           % {"code": dossier.code, "status": dossier.get_status_display()})
    if expected_version is not None and int(expected_version) != dossier.version:
        raise SigningError("stale", _("Someone else has acted on dossier %(code)s in the meantime. Reload the page "
                                      "and try again.") % {"code": dossier.code})
    if SigningRequest.objects.filter(dossier=dossier, purpose="result", state=SigningRequest.State.WAITING).exists():
        raise SigningError("signing_busy", _("The result of dossier %(code)s is already being signed; wait for that "
                                             "signature.") % {"code": dossier.code})


def _title(dossier: Dossier, description: str) -> str:
    return (description or _("Result of: %(procedure)s") % {"procedure": dossier.procedure_version.name})[:300]


def _issue(request: SigningRequest, signed: bytes, signers: list[dict], at) -> SignedDocument:
    """Inside a transaction: the signed document, then the engine's resolve with the signed file."""
    dossier = request.dossier
    document = SignedDocument(
        token=request.token, kind=SignedDocument.Kind.RESULT, title=request.title, dossier=dossier,
        reference=dossier.code, agency=dossier.competent_agency, sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed), pages=pdf.page_count(signed), signers=signers, signed_at=at,
        not_after=min(datetime.datetime.fromisoformat(s["not_after"]) for s in signers), request=request,
    )
    document.file.save(f"{dossier.code}-ky-so.pdf", ContentFile(signed), save=False)
    document.save()
    record_trust(document)
    dossier_services.resolve(
        request.officer, dossier.pk, result_kind=ResultKind.ELECTRONIC, result_description=request.result_description,
        result_file=ContentFile(signed, name=f"{dossier.code}-ket-qua.pdf"), expected_version=request.expected_version,
        at=at,
    )
    return document


def sign_and_issue(officer, dossier: Dossier, upload, *, credential: SigningCredential, password: str = "",
                   seal: SigningCredential | None = None, seal_password: str = "", result_description: str = "",
                   expected_version: int | None = None, at=None) -> SigningRequest:
    """A leader signs the electronic result (then the agency seal, if chosen) and issues it.

    PKCS#12: signed and issued at once (state `done`). Remote: the hash goes to the service and the
    request waits (state `waiting`) for the signer's approval; `check_request` finishes it."""
    at = at or timezone.now()
    dossier = Dossier.objects.select_related("competent_agency", "procedure_version").get(pk=dossier.pk)
    _pre_check(officer, dossier, expected_version)
    credential = _check_credential(officer, credential, dossier.competent_agency, SigningCredential.Kind.PERSONAL)
    if seal is not None:
        _check_credential(officer, seal, dossier.competent_agency, SigningCredential.Kind.SEAL)
    data = read_pdf(upload)
    token = new_token()
    url = absolute(reverse("signing:verify", args=[token]))
    title = _title(dossier, result_description)
    backend = BACKENDS.get(credential.backend)
    base = dict(purpose=SigningRequest.Purpose.RESULT, dossier=dossier, officer=officer, credential=credential,
                seal=seal, title=title, result_description=result_description[:500], token=token,
                expected_version=expected_version)
    if backend.remote:
        if seal is not None:  # refused now, not after the signer approved on the phone
            unlock_seal(seal, seal_password, at)
            base["seal_secret"] = sealed_password(seal_password)
        return _start_remote(backend, data, base, url, at)
    signed, cert = sign_local(data, credential, password, url=url, slot=0, at=at, reason=title)
    signers = [_signer_entry(credential, cert, at)]
    if seal is not None:
        signed, seal_cert = sign_local(signed, seal, seal_password, url=url, slot=1, at=at, reason=title)
        signers.append(_signer_entry(seal, seal_cert, at))
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=dossier.pk)
        try:
            with transaction.atomic():
                request = SigningRequest.objects.create(**base, state=SigningRequest.State.DONE, finished_at=at,
                                                        digest=hashlib.sha256(signed).hexdigest())
        except IntegrityError:
            raise SigningError("signing_busy", _("The result of dossier %(code)s is already being signed.")
                               % {"code": dossier.code}) from None
        _issue(request, signed, signers, at)
    logger.info("result of %s signed and issued by %s (%s)", dossier.code, officer.pk, credential.backend)
    return request


def _start_remote(backend, data: bytes, base: dict, url: str, at) -> SigningRequest:
    credential = base["credential"]
    cert, chain = backend.certificate(credential)
    certificates.check_usable(cert, at)
    prepared = pdf.prepare(data, cert=cert, chain=chain, block=_block(credential, at), url=url, slot=0,
                           reason=base["title"], location=credential.agency.name)
    wait = int(getattr(settings, "SIGNING_REMOTE_WAIT_SECONDS", 300))
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=base["dossier"].pk)
        try:
            with transaction.atomic():
                request = SigningRequest.objects.create(
                    **base, prepared_pdf=prepared.pdf, prepared_state={**prepared.dump(), "at": at.isoformat()},
                    digest=prepared.to_be_signed.hex(), wait_until=at + datetime.timedelta(seconds=wait),
                )
        except IntegrityError:
            raise SigningError("signing_busy", _("The result of dossier %(code)s is already being signed.")
                               % {"code": base["dossier"].code}) from None
        # Sent inside the transaction: if the service does not take it, nothing stays behind.
        request.transaction_id = backend.send(credential, prepared.to_be_signed, doc_id=request.token,
                                              description=base["title"])
        request.save(update_fields=["transaction_id"])
    return request


def _close(request: SigningRequest, state: str, failure: str = "") -> SigningRequest:
    request.state = state
    request.failure = failure[:500]
    request.finished_at = timezone.now()
    request.prepared_pdf = b""
    request.seal_secret = b""
    request.save(update_fields=["state", "failure", "finished_at", "prepared_pdf", "seal_secret"])
    return request


def _password_box():
    """Fernet with a key derived from SECRET_KEY (its own salt): the seal password never rests in
    the database in clear, and a dump without the settings cannot open it."""
    import base64

    from cryptography.fernet import Fernet

    key = hashlib.sha256(b"motcua.signing.seal-password:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def sealed_password(password: str) -> bytes:
    return _password_box().encrypt(password.encode())


def opened_password(secret: bytes) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _password_box().decrypt(bytes(secret)).decode()
    except InvalidToken:  # SECRET_KEY changed while the request waited
        raise SigningError("invalid", _("The seal's password could not be read back; sign again.")) from None


def unlock_seal(seal: SigningCredential, password: str, at) -> None:
    """The seal's checks before a remote signature starts: a PKCS#12 seal, its password, its validity."""
    backend = BACKENDS.get(seal.backend)
    if backend.remote:
        raise SigningError("invalid", _("The agency seal must be a PKCS#12 certificate held by the system."))
    _key, cert, _chain = backend.unlock(seal, password)
    certificates.check_usable(cert, at)


def check_request(request_id: int, *, now=None) -> SigningRequest:
    """Ask the remote service once; finish (embed and issue), or close as rejected / expired /
    failed. Idempotent: a closed request is returned as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        request = SigningRequest.objects.select_for_update(of=("self",)).select_related("credential", "dossier").get(pk=request_id)
        if request.state != SigningRequest.State.WAITING:
            return request
        backend = BACKENDS.get(request.credential.backend)
        try:
            answer = backend.status(request.credential, request.transaction_id)
        except RemoteUnavailable:
            answer = None
        if answer is None or answer.status == "PENDING":
            if request.wait_until and now >= request.wait_until:
                return _close(request, SigningRequest.State.EXPIRED, _("The signer did not approve in time."))
            return request
        if answer.status == "REJECTED":
            return _close(request, SigningRequest.State.REJECTED, _("The signer rejected the signature."))
        if answer.status != "SUCCESS":
            return _close(request, SigningRequest.State.EXPIRED, _("The remote transaction expired."))
        cert, chain = backend.certificate(request.credential)
        prepared = pdf.Prepared.load(bytes(request.prepared_pdf), request.prepared_state)
        if answer.digest and answer.digest.lower() != request.digest:
            return _close(request, SigningRequest.State.FAILED, _("The remote service answered for another hash."))
        try:
            signed = pdf.finish(prepared, cert=cert, chain=chain, signature=answer.signature,
                                timestamper=_timestamper())
        except pdf.WrongSignature:
            return _close(request, SigningRequest.State.FAILED,
                          _("The signature returned does not match the hash sent; it was not embedded."))
        at = datetime.datetime.fromisoformat(request.prepared_state["at"])
        signers = [_signer_entry(request.credential, cert, at)]
        if request.seal_id:
            try:
                signed, seal_cert = sign_local(signed, request.seal, opened_password(request.seal_secret),
                                               url=absolute(reverse("signing:verify", args=[request.token])),
                                               slot=1, at=at, reason=request.title)
            except SigningError as exc:  # the seal expired or was changed while the signer approved
                return _close(request, SigningRequest.State.FAILED, str(exc.message))
            signers.append(_signer_entry(request.seal, seal_cert, at))
        try:
            with transaction.atomic():
                _issue(request, signed, signers, at)
        except dossier_services.DossierActionError as exc:
            return _close(request, SigningRequest.State.FAILED, str(exc.message))
        except IntegrityError:
            # Another check issued it first (SQLite has no row lock; PostgreSQL's lock above
            # serialises the checks): its document stands, this one is dropped.
            if SignedDocument.objects.filter(request=request).exists():
                return SigningRequest.objects.get(pk=request.pk)
            raise
        request.state = SigningRequest.State.DONE
        request.finished_at = now
        request.prepared_pdf = b""
        request.seal_secret = b""
        request.save(update_fields=["state", "finished_at", "prepared_pdf", "seal_secret"])
        return request


def cancel_request(officer, request: SigningRequest) -> SigningRequest:
    with transaction.atomic():
        row = SigningRequest.objects.select_for_update().get(pk=request.pk)
        if row.officer_id != officer.pk:
            raise SigningError("forbidden", _("Only the leader who started the signature can cancel it."))
        if row.state != SigningRequest.State.WAITING:
            return row
        return _close(row, SigningRequest.State.FAILED, _("Cancelled by the signer."))


def result_is_signed(dossier: Dossier, result_file) -> bool:
    """The hook of `resolve`: the file is a result signed here for this dossier."""
    if not result_file:
        return False
    if isinstance(result_file, str):
        return False
    result_file.seek(0)
    digest = hashlib.sha256(result_file.read()).hexdigest()
    result_file.seek(0)
    return SignedDocument.objects.filter(dossier=dossier, kind=SignedDocument.Kind.RESULT, sha256=digest).exists()


# --- verification ------------------------------------------------------------------------------

VALID, MODIFIED, UNTRUSTED, EXPIRED, UNSIGNED = "valid", "modified", "untrusted", "expired", "unsigned"


def validate_pdf(data: bytes) -> dict:
    """pyHanko's validation of every signature against the trusted roots.
    {"verdict", "signatures": [{"name", "intact", "trusted", "coverage"}]}."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in _trust_roots()]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any unreadable file is "unsigned" here
        return {"verdict": UNSIGNED, "signatures": []}
    if not embedded:
        return {"verdict": UNSIGNED, "signatures": []}
    found, verdict = [], VALID
    for sig in embedded:
        status = pdf.outside_event_loop(validate_pdf_signature, sig,
                                        ValidationContext(trust_roots=roots, allow_fetching=False))
        entry = {"name": sig.field_name,
                 "intact": bool(status.intact and status.valid and status.docmdp_ok is not False),
                 "trusted": bool(status.trusted), "coverage": status.coverage.name if status.coverage else "",
                 "signer": certificates.subject_name(x509.load_der_x509_certificate(sig.signer_cert.dump()))}
        found.append(entry)
        if not entry["intact"]:
            verdict = MODIFIED
        elif not entry["trusted"] and verdict == VALID:
            cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
            verdict = EXPIRED if cert.not_valid_after_utc < timezone.now() else UNTRUSTED
    last = found[-1]
    if verdict == VALID and last["coverage"] != "ENTIRE_FILE":
        verdict = MODIFIED  # something was added after the last signature
    return {"verdict": verdict, "signatures": found}


def verdict_of(document: SignedDocument, *, now=None) -> str:
    """The page's verdict on the document as issued: the stored file unchanged, its certificates
    not expired and (at signing) trusted. Cheap: one hash, no PDF parsing."""
    now = now or timezone.now()
    try:
        with document.file.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
    except StorageUnavailable:
        raise  # the store is down (503), the document is not modified
    except OSError:
        return MODIFIED
    if digest != document.sha256:
        return MODIFIED
    if not all(s.get("trusted", True) for s in document.signers):
        return UNTRUSTED
    if document.not_after and document.not_after < now:
        return EXPIRED
    return VALID


def compare_copy(document: SignedDocument, data: bytes) -> dict:
    """A copy uploaded on the verification page, against the original."""
    digest = hashlib.sha256(data).hexdigest()
    if digest == document.sha256:
        return {"verdict": verdict_of(document), "same": True, "sha256": digest, "signatures": []}
    checked = validate_pdf(data)
    # Not byte-identical: whatever its signatures say, it is not the document issued.
    return {"verdict": MODIFIED, "same": False, "sha256": digest, "signatures": checked["signatures"]}


def record_trust(document: SignedDocument) -> None:
    """At issue: whether every signature validated against the trusted roots (stored with the signers)."""
    with document.file.open("rb") as handle:
        checked = validate_pdf(handle.read())
    for entry, sig in zip(document.signers, checked["signatures"]):
        entry["trusted"] = sig["trusted"] and sig["intact"]
    document.save(update_fields=["signers"])


def signed_at_display(document: SignedDocument) -> str:
    return formats.date_format(timezone.localtime(document.signed_at), "H:i d/m/Y")
