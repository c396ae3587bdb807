"""Electronic certified copies from originals (chứng thực bản sao điện tử từ bản chính) and the
yearly certification book.

The officer scans the original; the copy is signed like a result (the certifying officer, then
the agency seal if chosen), numbered in the agency's book of the year (paper and electronic copies
numbered apart), charged per page by the dated fee (`CopyFeeRate`), and lands in the requester's
data store. The number is taken under the book's row lock in the same transaction as everything
else: a refusal or a failure leaves no gap, and parallel certifications get consecutive numbers.
"""
from __future__ import annotations

import datetime
import hashlib
import io

from django import forms
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django.core.exceptions import ValidationError

from motcua.core.identity_numbers import validate_citizen_id
from motcua.core.site import absolute
from motcua.documents.services import store_certified_copy
from motcua.organization.permissions import has_permission

from . import pdf, selectors, services
from .errors import SigningError
from .models import CertificationBook, CertifiedCopy, CopyFeeRate, SignedDocument, SigningCredential, new_token

MEDIUM_MARK = {CertificationBook.Medium.PAPER: "BS", CertificationBook.Medium.ELECTRONIC: "BSĐT"}


def fee_rate(on: datetime.date) -> CopyFeeRate:
    rate = CopyFeeRate.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if rate is None:
        raise SigningError("invalid", _("No fee for certified copies is in force on %(date)s; enter the fee table first.")
                           % {"date": on.strftime("%d/%m/%Y")})
    return rate


def copy_fee(pages: int, copies: int = 1, *, on: datetime.date) -> int:
    return fee_rate(on).fee(pages) * copies


def _book(agency, year: int, medium: str) -> CertificationBook:
    """The book row, locked (created on its first use; a parallel creation is caught)."""
    CertificationBook.objects.bulk_create([CertificationBook(agency=agency, year=year, medium=medium)],
                                          ignore_conflicts=True)
    return CertificationBook.objects.select_for_update().get(agency=agency, year=year, medium=medium)


def take_number(agency, year: int, medium: str) -> tuple[CertificationBook, int]:
    """The next number of the book; call inside the transaction that writes the copy."""
    book = _book(agency, year, medium)
    book.last_number += 1
    book.save(update_fields=["last_number"])
    return book, book.last_number


def _check_officer(officer, agency):
    if not has_permission(officer, "dossier.receive", agency):
        raise SigningError("forbidden", _("Only a counter officer of the agency certifies copies."))


def _clean_requester(name: str, id_number: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise SigningError("invalid", _("Give the name of the person asking for the copy."))
    id_number = (id_number or "").strip()
    if id_number:
        try:
            validate_citizen_id(id_number)
        except ValidationError as exc:
            raise SigningError("invalid", exc.messages[0]) from None
    return name[:200], id_number


def scan_to_pdf(upload) -> bytes:
    """The scan as a PDF: a PDF as it is, a JPEG or PNG placed on A4 pages (one per image)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return services.read_pdf(upload)
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff"):
        if getattr(upload, "size", 0) > services.max_bytes():
            raise SigningError("invalid", _("The file is larger than %(mb)s MB, the limit for signing.")
                               % {"mb": services.max_bytes() // (1024 * 1024)})
        from fpdf import FPDF

        doc = FPDF(unit="pt", format="A4")
        doc.add_page()
        try:
            doc.image(io.BytesIO(upload.read()), x=36, y=36, w=523)
        except Exception:  # noqa: BLE001 - a broken image is bad input
            raise SigningError("invalid", _("The scanned image cannot be read.")) from None
        return bytes(doc.output())
    raise SigningError("invalid", _("The scan must be a PDF, JPEG or PNG file."))


def certify_paper_copy(officer, *, agency, document_title: str, pages: int, copies: int = 1,
                       requester_name: str, requester_id_number: str = "", at=None) -> CertifiedCopy:
    """A paper copy: numbered in the paper book and charged; nothing is signed."""
    _check_officer(officer, agency)
    name, id_number = _clean_requester(requester_name, requester_id_number)
    if int(pages) < 1 or int(copies) < 1:
        raise SigningError("invalid", _("A copy has at least one page."))
    at = at or timezone.now()
    fee = copy_fee(int(pages), int(copies), on=timezone.localdate(at))
    with transaction.atomic():
        book, number = take_number(agency, timezone.localtime(at).year, CertificationBook.Medium.PAPER)
        return CertifiedCopy.objects.create(
            book=book, number=number, certified_at=at, officer=officer, requester_name=name,
            requester_id_number=id_number, document_title=document_title[:300], pages=int(pages),
            copies=int(copies), fee=fee,
        )


def certify_electronic_copy(officer, *, agency, scan, document_title: str, requester_name: str,
                            requester_id_number: str = "", credential: SigningCredential, password: str = "",
                            seal: SigningCredential | None = None, seal_password: str = "", at=None) -> CertifiedCopy:
    _check_officer(officer, agency)
    name, id_number = _clean_requester(requester_name, requester_id_number)
    document_title = (document_title or "").strip()
    if not document_title:
        raise SigningError("invalid", _("Name the document that is copied."))
    if credential is None or credential.holder_id != officer.pk or credential.kind != "personal" or not credential.is_active:
        raise SigningError("forbidden", _("Choose one of your signing certificates."))
    if seal is not None and (seal.kind != "seal" or seal.agency_id != agency.pk):
        raise SigningError("forbidden", _("This seal belongs to another agency."))
    at = at or timezone.now()
    data = scan_to_pdf(scan)
    pages = pdf.page_count(data)
    fee = copy_fee(pages, 1, on=timezone.localdate(at))
    token = new_token()
    url = absolute(reverse("signing:verify", args=[token]))
    year = timezone.localtime(at).year
    with transaction.atomic():
        book, number = take_number(agency, year, CertificationBook.Medium.ELECTRONIC)
        reference = f"{number}/{year}/{MEDIUM_MARK[book.medium]}"
        title = _("Certified copy of: %(document)s") % {"document": document_title}
        signed, cert = services.sign_local(data, credential, password, url=url, slot=0, at=at,
                                           reason=_("Certified true copy of the original, book number %(n)s")
                                           % {"n": reference})
        signers = [services._signer_entry(credential, cert, at)]
        if seal is not None:
            signed, seal_cert = services.sign_local(signed, seal, seal_password, url=url, slot=1, at=at,
                                                    reason=title)
            signers.append(services._signer_entry(seal, seal_cert, at))
        document = SignedDocument(
            token=token, kind=SignedDocument.Kind.COPY, title=title[:300], reference=reference, agency=agency,
            sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), pages=pages, signers=signers,
            signed_at=at, not_after=min(datetime.datetime.fromisoformat(s["not_after"]) for s in signers),
        )
        document.file.save(f"ban-sao-{year}-{number}.pdf", ContentFile(signed), save=False)
        document.save()
        services.record_trust(document)
        try:
            with transaction.atomic():
                copy = CertifiedCopy.objects.create(
                    book=book, number=number, certified_at=at, officer=officer, requester_name=name,
                    requester_id_number=id_number, document_title=document_title[:300], pages=pages, fee=fee,
                    signed_document=document,
                )
        except IntegrityError:  # pragma: no cover - the lock makes this impossible
            raise SigningError("stale", _("Try again.")) from None
        if id_number:
            stored = store_certified_copy(id_number, kind=title, number=reference, issuer=agency.name,
                                          issue_date=timezone.localdate(at), file_name=document.file.name,
                                          size=len(signed))
            if stored is not None:
                copy.stored_document_id = stored.pk
                copy.save(update_fields=["stored_document_id"])
    return copy


class CopyRequestForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Certifying agency"))
    medium = forms.ChoiceField(label=gettext_lazy("Kind of copy"), choices=CertificationBook.Medium.choices,
                               initial=CertificationBook.Medium.ELECTRONIC)
    document_title = forms.CharField(label=gettext_lazy("Document copied"), max_length=300)
    requester_name = forms.CharField(label=gettext_lazy("Requested by"), max_length=200)
    requester_id_number = forms.CharField(label=gettext_lazy("Citizen ID of the requester"), max_length=12,
                                          required=False)
    scan = forms.FileField(label=gettext_lazy("Scan of the original (PDF, JPEG, PNG): electronic copies"),
                           required=False)
    pages = forms.IntegerField(label=gettext_lazy("Pages: paper copies"), min_value=1, max_value=1000, required=False)
    copies = forms.IntegerField(label=gettext_lazy("Copies: paper copies"), min_value=1, max_value=100, initial=1,
                                required=False)
    credential = forms.ModelChoiceField(queryset=SigningCredential.objects.none(), required=False,
                                        label=gettext_lazy("Your signing certificate"))
    password = forms.CharField(label=gettext_lazy("Password of the certificate (PKCS#12)"), required=False,
                               widget=forms.PasswordInput, max_length=200)

    def __init__(self, *args, officer, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]
        self.fields["credential"].queryset = selectors.personal_credentials(officer)

    def clean(self):
        data = super().clean()
        if data.get("medium") == CertificationBook.Medium.ELECTRONIC:
            if not data.get("scan"):
                self.add_error("scan", _("Attach the scan of the original."))
            if not data.get("credential"):
                self.add_error("credential", _("Choose one of your signing certificates."))
        elif not data.get("pages"):
            self.add_error("pages", _("Give the number of pages."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        common = {"agency": self.agencies[data["agency"]], "document_title": data["document_title"],
                  "requester_name": data["requester_name"], "requester_id_number": data["requester_id_number"]}
        if data["medium"] == CertificationBook.Medium.PAPER:
            return {"paper": True, **common, "pages": data["pages"], "copies": data.get("copies") or 1}
        return {**common, "scan": data["scan"], "credential": data["credential"], "password": data["password"]}


def certify(officer, *, paper: bool = False, **arguments) -> CertifiedCopy:
    return certify_paper_copy(officer, **arguments) if paper else certify_electronic_copy(officer, **arguments)

