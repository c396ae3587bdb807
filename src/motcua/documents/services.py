"""Writes of the data store: store a document, digitise a dossier document at the counter,
file an electronic result, and the dossier-document dict for a re-used stored document."""
import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierDocument, PartyKind, ResultKind
from motcua.dossiers.services import DossierActionError, agency_ids_with

from .models import DocumentOpening, Source, StoredDocument
from .uploads import CheckedFile, checked_content, discard_if_unreferenced, sniff

logger = logging.getLogger(__name__)
# Who looked up whose stored documents at the counter (an audit trail; route it to a file in production).
access_logger = logging.getLogger("motcua.documents.access")


def content_file(checked: CheckedFile) -> ContentFile:
    """The checked upload's content under its safe stored name (`uploads.stored_name`)."""
    return checked_content(checked)


def verified_user(user):
    """`user` if it is a portal account whose identity is verified (VNeID, or an officer saw the ID
    card: docs/accounts.md), else None. A self-declared citizen ID gives access to nobody's
    documents or results, not even to the dossiers' own: only verified stores receive them."""
    if user is None:
        return None
    account = getattr(user, "citizen_account", None)
    return user if account is not None and account.is_verified else None


def account_of_citizen(citizen_id: str):
    """The user of the verified person account with this citizen ID, or None (an unverified account
    that merely declared the ID is never found)."""
    if not citizen_id:
        return None
    try:
        from motcua.accounts.models import VERIFIED_SOURCES, CitizenAccount
    except ImportError:  # the accounts app is optional for the store
        return None
    account = (CitizenAccount.objects.filter(kind="person", citizen_id=citizen_id,
                                             identity_source__in=VERIFIED_SOURCES)
               .select_related("user").first())
    return account.user if account else None


def citizen_reference(citizen_id: str) -> str:
    """A keyed digest of a citizen ID for log lines: the same ID gives the same reference, which
    cannot be turned back into the ID without the server's secret key."""
    return salted_hmac("motcua.documents.access", citizen_id, algorithm="sha256").hexdigest()[:16]


def reusable_at_counter(officer, citizen_id: str) -> list[StoredDocument]:
    """The stored documents a counter officer may re-use for the person with this citizen ID
    (typed by the officer: nobody is browsed by name). Every look-up is logged on the
    `motcua.documents.access` logger with the officer, the time and the citizen ID's reference
    (`citizen_reference`): logs carry no personal data, yet an inquiry that knows the ID finds
    every look-up of that person."""
    owner = account_of_citizen(citizen_id)
    documents = list(usable_for(owner).order_by("kind", "-created_at")) if owner is not None else []
    access_logger.info(
        "stored documents looked up at the counter: officer=%s (id %s) citizen_ref=%s at=%s found=%d",
        getattr(officer, "username", "?"), getattr(officer, "pk", None), citizen_reference(citizen_id),
        timezone.now().isoformat(timespec="seconds"), len(documents),
    )
    return documents


def owner_account(dossier: Dossier):
    """The verified portal account the dossier's documents belong to: the account that submitted
    it, else the verified person account whose citizen ID is the owner's (counter dossiers). None
    if neither, or if the submitting account's identity is not verified."""
    if dossier.account_id:
        return verified_user(dossier.account)
    if dossier.owner_kind != PartyKind.PERSON or not dossier.owner_id_number:
        return None
    return account_of_citizen(dossier.owner_id_number)


def store_upload(owner, checked: CheckedFile, *, kind: str, number: str = "", issuer: str = "",
                 issue_date=None, valid_until=None) -> StoredDocument:
    """The owner adds a document to their own store (checked by `uploads.check_upload`)."""
    if valid_until and issue_date and valid_until < issue_date:
        raise DossierActionError("invalid", _("The validity ends before the issue date."))
    return StoredDocument.objects.create(
        owner=owner, kind=kind.strip()[:500], number=number.strip()[:100], issuer=issuer.strip()[:255],
        issue_date=issue_date, valid_until=valid_until, file=content_file(checked),
        content_type=checked.content_type, size=checked.size, source=Source.UPLOAD,
    )


def store_dossier_document(owner, document: DossierDocument, *, source: str = Source.UPLOAD,
                           number: str = "", issuer: str = "", issue_date=None, valid_until=None):
    """File a dossier document's electronic copy in the owner's store (once per document)."""
    if owner is None or not document.file:
        return None
    stored, _created = StoredDocument.objects.get_or_create(
        owner=owner, source_document=document,
        defaults={
            "kind": document.name[:500], "number": number[:100], "issuer": issuer[:255], "issue_date": issue_date,
            "valid_until": valid_until, "file": document.file.name, "source": source,
            "source_dossier_id": document.dossier_id, "size": _size(document.file),
            "content_type": _content_type(document.file),
        },
    )
    return stored


def _size(field) -> int:
    try:
        return field.size
    except (OSError, ValueError):
        return 0


def _content_type(field) -> str:
    try:
        with field.storage.open(field.name, "rb") as handle:
            return sniff(handle.read(16)) or ""
    except (OSError, ValueError):
        return ""


def store_result(dossier: Dossier):
    """An electronic result lands in its owner's store (idempotent: once per dossier)."""
    if dossier.result_kind != ResultKind.ELECTRONIC or not dossier.result_file:
        return None
    owner = owner_account(dossier)
    if owner is None:
        return None
    issued = timezone.localdate(dossier.finished_at) if dossier.finished_at else timezone.localdate()
    kind = dossier.result_description or _("Result of: %(procedure)s") % {"procedure": dossier.procedure_version.name}
    try:
        with transaction.atomic():
            stored, _created = StoredDocument.objects.get_or_create(
                owner=owner, source=Source.RESULT, source_dossier=dossier,
                defaults={
                    "kind": kind[:500], "number": dossier.code, "issuer": dossier.competent_agency.name[:255],
                    "issue_date": issued, "file": dossier.result_file.name, "size": _size(dossier.result_file),
                    "content_type": _content_type(dossier.result_file),
                },
            )
    except IntegrityError:  # delivered twice at once: the other delivery filed it
        stored = StoredDocument.objects.get(owner=owner, source=Source.RESULT, source_dossier=dossier)
    return stored


def file_for_verified_identity(user, citizen_id: str) -> int:
    """The person of `citizen_id` has just been verified on `user`'s account: file what was held
    back while no verified store existed, i.e. the counter scans and the electronic results of the
    dossiers submitted by this account or received at the counter for this person (owner). Returns
    how many entries were added. Idempotent (each entry is filed once)."""
    from django.db.models import Q

    if verified_user(user) is None or not citizen_id:
        return 0
    dossiers = Dossier.objects.filter(
        Q(account=user) | Q(account__isnull=True, owner_kind=PartyKind.PERSON, owner_id_number=citizen_id)
    ).select_related("procedure_version", "competent_agency", "account")
    added = 0
    for dossier in dossiers:
        for document in dossier.documents.filter(digitization=DossierDocument.Digitization.DIGITISED).exclude(file=""):
            if not StoredDocument.objects.filter(owner=user, source_document=document).exists():
                added += store_dossier_document(user, document, source=Source.DIGITISED) is not None
        if dossier.result_kind == ResultKind.ELECTRONIC and dossier.result_file:
            if not StoredDocument.objects.filter(owner=user, source=Source.RESULT, source_dossier=dossier).exists():
                added += store_result(dossier) is not None
    return added


def may_digitise(officer, dossier: Dossier) -> bool:
    """Counter officers (receive) and specialists (examine) of an agency holding the dossier."""
    agencies = {dossier.receiving_agency_id, dossier.current_agency_id or dossier.competent_agency_id}
    return bool(
        (agency_ids_with(officer, "dossier.receive") | agency_ids_with(officer, "dossier.examine")) & agencies
    )


def ensure_may_digitise(officer, dossier: Dossier) -> None:
    """Raise `forbidden` unless `may_digitise`: the API asks before it reads the file."""
    if not may_digitise(officer, dossier):
        raise DossierActionError("forbidden", _("You are not allowed to digitise documents of this dossier."))


def digitise_document(officer, document: DossierDocument, checked: CheckedFile, *, number: str = "",
                      issuer: str = "", issue_date=None, valid_until=None,
                      expected_version: int | None = None) -> DossierDocument:
    """An officer uploads the scan of a paper document handed in at the counter. The engine's
    `digitise_document` command changes the dossier (digitisation 1, `is_digitized`, row version,
    event); once that has committed, the scan is filed in the owner's store with the metadata
    typed here (`source=digitised`)."""
    ensure_may_digitise(officer, document.dossier)
    if valid_until and issue_date and valid_until < issue_date:
        raise DossierActionError("invalid", _("The validity ends before the issue date."))
    dossier_services.digitise_document(officer, document.dossier_id, document=document,
                                       file=content_file(checked), expected_version=expected_version)
    document.refresh_from_db()
    metadata = {"number": number, "issuer": issuer, "issue_date": issue_date, "valid_until": valid_until}
    transaction.on_commit(lambda: file_digitised(document.pk, **metadata))
    return document


def file_digitised(document_id: int, **metadata) -> StoredDocument | None:
    """File a digitised dossier document in its owner's store, replacing an earlier scan's entry.
    Runs after the dossier change committed: a failure here is logged, the dossier stays digitised."""
    try:
        with transaction.atomic():
            document = DossierDocument.objects.select_related("dossier__account").get(pk=document_id)
            owner = owner_account(document.dossier)
            if owner is None:
                return None
            earlier = StoredDocument.objects.filter(owner=owner, source_document=document)
            replaced = [name for name in earlier.values_list("file", flat=True) if name != document.file.name]
            earlier.delete()
            stored = store_dossier_document(owner, document, source=Source.DIGITISED, **metadata)
            for name in replaced:  # the earlier scan, now referred to by nothing
                transaction.on_commit(lambda name=name: discard_if_unreferenced(name))
            return stored
    except Exception:  # noqa: BLE001 - the dossier is already committed; keep the request alive
        logger.exception("could not file the scan of dossier document %s in the owner's store", document_id)
        return None


def reuse_entry(stored: StoredDocument, required_document) -> dict:
    """The engine's document dict for a stored document picked instead of a new upload: the same
    file, digitisation 2 (a re-used document) or 3 (a re-used result)."""
    return {
        "required_document": required_document.pk, "name": required_document.name,
        "digitization": stored.reuse_status, "file": stored.file.name,
    }


def usable_for(owner, today: datetime.date | None = None):
    """The owner's stored documents that may still be re-used (not expired)."""
    from django.db.models import Q

    today = today or timezone.localdate()
    return StoredDocument.objects.filter(owner=owner).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def record_opening(officer, dossier: Dossier, *, document: DossierDocument | None = None,
                   client_ip: str | None = None, at=None) -> DocumentOpening:
    """Append one row to the access log: `officer` opened `document` of `dossier` (its result
    when `document` is None) from `client_ip`, at `at` (now by default; the demo loader dates its
    openings in the past). Called by the file views once the file is open, never for a refused
    request."""
    field = document.file if document is not None else dossier.result_file
    return DocumentOpening.objects.create(
        officer=officer, at=at or timezone.now(), dossier=dossier, dossier_code=dossier.code[:40],
        kind=DocumentOpening.Kind.DOCUMENT if document is not None else DocumentOpening.Kind.RESULT,
        document=document,
        document_name=(document.name if document is not None else dossier.result_description)[:500],
        file_name=(field.name or "")[:255], client_ip=_ip_or_none(client_ip),
    )


def _ip_or_none(value: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def store_certified_copy(citizen_id: str, *, kind: str, number: str, issuer: str, issue_date, file_name: str,
                         size: int):
    """An electronic certified copy lands in the verified person's store (None: nobody verified
    holds the ID, it stays with the certification book only)."""
    owner = account_of_citizen(citizen_id)
    if owner is None:
        return None
    return StoredDocument.objects.create(
        owner=owner, kind=kind[:500], number=number[:100], issuer=issuer[:255], issue_date=issue_date,
        file=file_name, size=size, content_type="application/pdf", source=Source.CERTIFIED_COPY,
    )
