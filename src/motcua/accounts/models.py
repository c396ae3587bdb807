"""The account of a person or a business on the portal: a profile next to the Django user.

Officers are Django users without a CitizenAccount; a citizen's user is never staff. The phone
(0xxxxxxxxx) and the e-mail (lower case) identify the account at sign-in, so each is unique among
accounts; empty ones are stored as NULL so that many accounts may lack one.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class IdentitySource(models.TextChoices):
    # How far the identity data is vouched for: self-declared, VNeID, or matched with the register.
    PASSWORD = "password", _("Declared by the account holder")
    OIDC = "oidc", _("Verified by the national identity app (VNeID)")
    POPULATION_REGISTER = "population_register", _("Matched with the population register")
    COUNTER = "counter", _("Verified at the counter from the ID card")


# Only these prove that the account holder IS the person of the citizen ID (docs/accounts.md,
# "Who is verified"): a password sign-up and a register match only say the ID is well formed and exists.
VERIFIED_SOURCES = (IdentitySource.OIDC, IdentitySource.COUNTER)


class CitizenAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_account")
    kind = models.CharField(_("account kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.PERSON)
    full_name = models.CharField(_("full name"), max_length=150)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=10, null=True, blank=True, unique=True)
    email = models.EmailField(_("e-mail"), null=True, blank=True, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    business_name = models.CharField(_("business name"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    identity_source = models.CharField(
        _("identity verified by"), max_length=20, choices=IdentitySource.choices, default=IdentitySource.PASSWORD
    )
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("identity verified by (officer)"),
    )
    # The phone and the e-mail are verified by a one-time code sent to them (`services.verify_contact`);
    # a change of either empties its date. Only a verified channel gets password-reset codes and
    # the notices of the account's online dossiers (docs/accounts.md, "Verified phone and e-mail").
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    oidc_issuer = models.CharField(max_length=255, blank=True)
    oidc_subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")
        constraints = [
            # One verified personal account per citizen ID (a business's representative may also
            # have one). Unverified claims do not block anybody: the verified holder detaches them.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(kind="person", citizen_id__isnull=False, identity_source__in=["oidc", "counter"]),
                name="accounts_unique_verified_citizen_id",
            ),
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"], condition=~Q(oidc_subject=""),
                name="accounts_unique_oidc_subject",
            ),
            models.CheckConstraint(condition=Q(kind__in=["person", "business"]), name="accounts_kind_valid"),
        ]

    def __str__(self):
        return self.business_name or self.full_name

    @property
    def is_business(self) -> bool:
        return self.kind == AccountKind.BUSINESS

    @property
    def is_verified(self) -> bool:
        """The holder proved to be the person of the citizen ID (VNeID, or an officer saw the card)."""
        return bool(self.citizen_id) and self.identity_source in VERIFIED_SOURCES

    @property
    def phone_verified(self) -> bool:
        return bool(self.phone) and self.phone_verified_at is not None

    @property
    def email_verified(self) -> bool:
        return bool(self.email) and self.email_verified_at is not None

    def is_verified_contact(self, field: str) -> bool:
        """`field` is "phone" or "email"."""
        return self.phone_verified if field == "phone" else self.email_verified

    @property
    def citizen_id_detached(self) -> bool:
        """The citizen ID this account declared was taken back by its verified holder."""
        return not self.citizen_id and self.events.filter(action=AccountEvent.Action.CITIZEN_ID_DETACHED).exists()

    @property
    def identity_locked(self) -> bool:
        """Data vouched for by VNeID or by an officer is not edited by hand."""
        return self.identity_source in VERIFIED_SOURCES


class AccountEvent(models.Model):
    """Audit trail of an account: who changed what, when (no passwords, no tokens)."""

    class Action(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        PROFILE_UPDATED = "profile_updated", _("Profile updated")
        REGISTER_MATCHED = "register_matched", _("Matched with the population register")
        OIDC_CREATED = "oidc_created", _("Created through VNeID")
        OIDC_LINKED = "oidc_linked", _("Linked to VNeID")
        OIDC_SIGNED_IN = "oidc_signed_in", _("Signed in through VNeID")
        PASSWORD_RESET = "password_reset", _("Password reset with a one-time code")
        COUNTER_VERIFIED = "counter_verified", _("Identity verified at the counter")
        CITIZEN_ID_DETACHED = "citizen_id_detached", _("Citizen ID removed: verified by its holder")
        PHONE_VERIFIED = "phone_verified", _("Phone verified with a one-time code")
        EMAIL_VERIFIED = "email_verified", _("E-mail verified with a one-time code")
        CONTACTS_TRUSTED = "contacts_trusted", _("Phone and e-mail counted as verified (VNeID or demo data)")

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The officer who acted (a counter verification); empty when the account holder acted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    changed_fields = models.JSONField(default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")


class PasswordReset(models.Model):
    """One one-time code request that was let through the throttle: a "forgotten password" request,
    or (`purpose` phone / email) the code that verifies the account's phone or e-mail.

    Every password-reset request gets a row, whether or not the phone/e-mail belongs to an account, so that the
    throttle and the wrong-code count behave the same for everybody and the pages tell nobody who
    has an account. Only a row with an account carries a code, and only its keyed hash; the typed
    identifier is kept as a keyed hash too (`services.identifier_digest`).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Waiting for the code")
        USED = "used", _("Used")
        REPLACED = "replaced", _("Replaced by a newer request")
        VOID = "void", _("Void after too many wrong codes")

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("Forgotten password")
        PHONE = "phone", _("Verify the phone")
        EMAIL = "email", _("Verify the e-mail")

    # Indexed with created_at below.
    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, null=True, blank=True, db_index=False,
                                related_name="password_resets")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.PASSWORD_RESET)
    identifier_digest = models.CharField(max_length=64)
    channel = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=128, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["identifier_digest", "created_at"], name="accounts_reset_identifier"),
            models.Index(fields=["ip_address", "created_at"], name="accounts_reset_ip"),
            models.Index(fields=["account", "created_at"], name="accounts_reset_account"),
            models.Index(fields=["created_at"], name="accounts_reset_created"),
        ]
        verbose_name = _("one-time code request")
        verbose_name_plural = _("one-time code requests")

    def __str__(self):
        return f"{self.get_status_display()} ({self.created_at:%d/%m/%Y %H:%M})"


class IdentifierRefusal(models.Model):
    """A sign-up or profile save refused because its phone, e-mail or citizen ID is another
    account's. Only the client address and the time are kept: the refusals are counted per address
    (`services.record_identifier_refusal`) so that the neutral answer cannot be used to sweep
    through phone numbers or citizen IDs."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="accounts_idrefusal_ip")]
        verbose_name = _("refused sign-up (data in use)")
        verbose_name_plural = _("refused sign-ups (data in use)")
