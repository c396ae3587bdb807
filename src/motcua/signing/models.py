"""Signing credentials, the signatures asked for and made, the signed documents behind the public
verification page, and the certification book of certified copies.

`SigningCredential`: a leader's personal certificate or an agency's seal certificate, used through
a backend (`pkcs12`: the key file here, opened with the password typed at signing time; `remote` /
`remote-simulator`: the key stays at the remote-signing service, which knows the signer by
`remote_user_id`).

`SigningRequest`: one "sign and issue" (or one certified copy) in progress or done. At most one
open request per dossier (a constraint): two leaders signing at once, one wins.

`SignedDocument`: what the QR code of a signed PDF points to (`/xac-thuc/<token>/`): title,
dossier code, signers, time, SHA-256 of the file as issued. No personal data.

`CertificationBook` / `CertifiedCopy`: the agency's yearly book of certified copies, numbered
apart for paper and electronic copies; `CopyFeeRate` the fee per page as dated data.
"""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(18)


class TrustAnchor(models.Model):
    """A root certificate the verification trusts (the national root CA in production; the demo's
    local root in the demo)."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")

    def __str__(self):
        return self.name


class SigningCredential(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal signature")
        SEAL = "seal", _("Agency seal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="signing_credentials", verbose_name=_("holder"))
    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, related_name="signing_credentials",
                               verbose_name=_("agency"))
    signer_name = models.CharField(_("signer name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    backend = models.CharField(_("backend"), max_length=30, default="pkcs12")
    certificate_pem = models.TextField(_("certificate (PEM)"), blank=True)
    chain_pem = models.TextField(_("issuer chain (PEM)"), blank=True)
    pkcs12 = models.BinaryField(_("PKCS#12 file"), blank=True, default=b"", editable=True)
    remote_user_id = models.CharField(_("account at the remote-signing service"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")

    def __str__(self):
        return f"{self.signer_name} ({self.get_kind_display()}, {self.backend})"


class SigningRequest(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for the signer to approve")
        DONE = "done", _("Signed")
        REJECTED = "rejected", _("Rejected by the signer")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    OPEN = (State.WAITING,)

    class Purpose(models.TextChoices):
        RESULT = "result", _("Result of a dossier")
        COPY = "copy", _("Electronic certified copy")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.RESULT)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="signing_requests", verbose_name=_("dossier"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("officer"))
    credential = models.ForeignKey(SigningCredential, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("credential"))
    seal = models.ForeignKey(SigningCredential, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("agency seal"))
    title = models.CharField(_("title"), max_length=300)
    result_description = models.CharField(_("result"), max_length=500, blank=True)
    expected_version = models.PositiveIntegerField(null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token)
    prepared_pdf = models.BinaryField(blank=True, default=b"")
    prepared_state = models.JSONField(default=dict, blank=True)
    digest = models.CharField(_("hash sent to the signer (hex)"), max_length=64, blank=True)
    # The seal's PKCS#12 password while a remote signature waits (the seal follows the approval),
    # encrypted with a key derived from SECRET_KEY and wiped when the request closes.
    seal_secret = models.BinaryField(blank=True, default=b"", editable=False)
    transaction_id = models.CharField(_("remote transaction"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    wait_until = models.DateTimeField(_("wait until"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing request")
        verbose_name_plural = _("signing requests")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=models.Q(state="waiting", purpose="result"),
                                    name="signing_one_open_request_per_dossier"),
        ]


class SignedDocument(models.Model):
    class Kind(models.TextChoices):
        RESULT = "result", _("Result of a dossier")
        COPY = "copy", _("Electronic certified copy")

    token = models.CharField(max_length=40, unique=True, default=new_token)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESULT)
    title = models.CharField(_("title"), max_length=300)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="signed_documents", verbose_name=_("dossier"))
    reference = models.CharField(_("dossier code or book number"), max_length=60, blank=True)
    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    file = models.FileField(_("signed file"), upload_to="signed/%Y/%m/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    signers = models.JSONField(_("signers"), default=list)  # [{name, position, agency, kind, at, not_after}]
    signed_at = models.DateTimeField(_("signed at"))
    not_after = models.DateTimeField(_("certificates valid until"), null=True, blank=True)
    request = models.OneToOneField(SigningRequest, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="signed_document")

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")

    def __str__(self):
        return f"{self.title} ({self.reference})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("signing:verify", args=[self.token])


class CopyFeeRate(models.Model):
    """The fee of a certified copy, per page, from `valid_from` (the latest row not after the day)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    first_pages = models.PositiveSmallIntegerField(_("pages at the first rate"), default=2)
    first_rate = models.PositiveIntegerField(_("rate of the first pages (đồng per page)"), default=2000)
    later_rate = models.PositiveIntegerField(_("rate of later pages (đồng per page)"), default=1000)
    cap = models.PositiveIntegerField(_("at most per copy (đồng)"), default=200000)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("certified copy fee")
        verbose_name_plural = _("certified copy fees")

    def fee(self, pages: int) -> int:
        first = min(pages, self.first_pages)
        return min(first * self.first_rate + max(pages - first, 0) * self.later_rate, self.cap)


class CertificationBook(models.Model):
    class Medium(models.TextChoices):
        PAPER = "paper", _("Paper copies")
        ELECTRONIC = "electronic", _("Electronic copies")

    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    year = models.PositiveSmallIntegerField(_("year"))
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certification book")
        verbose_name_plural = _("certification books")
        constraints = [models.UniqueConstraint(fields=["agency", "year", "medium"], name="signing_one_book")]

    def __str__(self):
        return f"{self.agency} {self.year} {self.medium}"


class CertifiedCopy(models.Model):
    book = models.ForeignKey(CertificationBook, on_delete=models.PROTECT, related_name="copies",
                             verbose_name=_("book"))
    number = models.PositiveIntegerField(_("number in the book"))
    certified_at = models.DateTimeField(_("certified at"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("officer"))
    requester_name = models.CharField(_("requested by"), max_length=200)
    requester_id_number = models.CharField(_("citizen ID of the requester"), max_length=12, blank=True)
    document_title = models.CharField(_("document"), max_length=300)
    pages = models.PositiveIntegerField(_("pages"))
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    fee = models.PositiveIntegerField(_("fee (đồng)"))
    signed_document = models.OneToOneField(SignedDocument, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="certified_copy")
    stored_document_id = models.PositiveIntegerField(null=True, blank=True)  # the owner's data store entry

    class Meta:
        ordering = ["-certified_at", "-number"]
        verbose_name = _("certified copy")
        verbose_name_plural = _("certified copies")
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="signing_one_number_per_book")]

    @property
    def book_number(self) -> str:
        return f"{self.number}/{self.book.year}/{'BS' if self.book.medium == 'paper' else 'BSĐT'}"


class SimulatedSigner(models.Model):
    """A signer account of the remote-signing simulator: the key lives "at the service"."""

    class Behaviour(models.TextChoices):
        NORMAL = "normal", _("Normal")
        WRONG_DIGEST = "wrong_digest", _("Answers with a signature of another digest")
        DOWN = "down", _("Service unavailable")

    user_id = models.CharField(max_length=100, unique=True)
    key_pem = models.TextField()
    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True)
    behaviour = models.CharField(max_length=20, choices=Behaviour.choices, default=Behaviour.NORMAL)

    class Meta:
        verbose_name = _("simulated remote signer")
        verbose_name_plural = _("simulated remote signers")


class SimulatedTransaction(models.Model):
    """A hash sent to the simulator, waiting for the signer's approval "on the phone"."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for approval")
        SUCCESS = "SUCCESS", _("Approved")
        REJECTED = "REJECTED", _("Rejected")
        EXPIRED = "EXPIRED", _("Expired")

    transaction_id = models.CharField(max_length=40, unique=True, default=new_token)
    signer = models.ForeignKey(SimulatedSigner, on_delete=models.CASCADE, related_name="transactions")
    doc_id = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    data_to_be_signed = models.CharField(max_length=64)  # hex SHA-256
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    signature = models.TextField(blank=True)  # base64
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
