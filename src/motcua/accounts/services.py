"""Every write on an account goes through one function here, in one transaction, with an event."""
import hashlib
import functools
import logging
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.core.site import absolute

from .models import (
    VERIFIED_SOURCES,
    AccountEvent,
    AccountKind,
    CitizenAccount,
    IdentifierRefusal,
    IdentitySource,
    PasswordReset,
)
from .validators import normalise_identifier, validate_citizen_id

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ["full_name", "citizen_id", "birth_date", "phone", "email", "address", "business_name", "tax_code"]


def _new_username() -> str:
    # Citizens sign in by phone or e-mail; the Django user name is an internal handle.
    return f"citizen-{secrets.token_hex(8)}"


def _blank_to_none(value):
    return value or None


def _record(account, action, changed_fields=(), ip_address=None, actor=None):
    AccountEvent.objects.create(account=account, action=action, changed_fields=list(changed_fields),
                                ip_address=ip_address, actor=actor)


@transaction.atomic
def sign_up(data: dict, password: str, ip_address: str | None = None) -> CitizenAccount:
    """Create the user and the account from a validated sign-up form's data."""
    user = get_user_model()(username=_new_username(), email=data.get("email") or "", is_staff=False)
    user.set_password(password)
    user.save()
    account = CitizenAccount.objects.create(
        user=user,
        kind=data["kind"],
        full_name=data["full_name"],
        citizen_id=_blank_to_none(data.get("citizen_id")),
        birth_date=data.get("birth_date"),
        phone=_blank_to_none(data.get("phone")),
        email=_blank_to_none(data.get("email")),
        address=data.get("address") or "",
        business_name=data.get("business_name") or "" if data["kind"] == AccountKind.BUSINESS else "",
        tax_code=data.get("tax_code") or "" if data["kind"] == AccountKind.BUSINESS else "",
        identity_source=IdentitySource.PASSWORD,
    )
    _record(account, AccountEvent.Action.SIGNED_UP, ip_address=ip_address)
    for field in CONTACT_FIELDS:
        if getattr(account, field):
            _issue_contact_code(account, field, ip_address)
    return account


@transaction.atomic
def update_profile(account: CitizenAccount, data: dict, register_match: bool = False,
                   ip_address: str | None = None) -> list[str]:
    """Save the edited profile; returns the names of the fields that changed.

    `register_match`: the name, birth date and citizen ID saved are those the population register
    gave for this citizen ID, so the identity counts as matched (unless VNeID already verified it).
    """
    account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
    changed = []
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in {"citizen_id", "phone", "email"}:
            value = _blank_to_none(value)
        elif value is None and field != "birth_date":
            value = ""
        if getattr(account, field) != value:
            setattr(account, field, value)
            changed.append(field)
    identity_changed = {"full_name", "citizen_id", "birth_date"} & set(changed)
    if register_match and account.identity_source == IdentitySource.PASSWORD:
        account.identity_source = IdentitySource.POPULATION_REGISTER
        account.identity_verified_at = timezone.now()
        changed.append("identity_source")
    elif identity_changed and account.identity_source == IdentitySource.POPULATION_REGISTER and not register_match:
        # Edited by hand after the match: no longer vouched for.
        account.identity_source = IdentitySource.PASSWORD
        account.identity_verified_at = None
        changed.append("identity_source")
    for field in CONTACT_FIELDS:
        if field in changed:
            # A new phone or e-mail is not verified until its code comes back.
            setattr(account, f"{field}_verified_at", None)
    if not changed:
        return []
    account.save()
    if "email" in changed:
        account.user.email = account.email or ""
        account.user.save(update_fields=["email"])
    action = (AccountEvent.Action.REGISTER_MATCHED if register_match and "identity_source" in changed
              else AccountEvent.Action.PROFILE_UPDATED)
    _record(account, action, changed, ip_address)
    for field in CONTACT_FIELDS:
        if field in changed:
            _replace_active_codes(account, field)
            if getattr(account, field):
                _issue_contact_code(account, field, ip_address)
    return changed


class IdentityError(Exception):
    """A verification refused; `code` says why (the pages translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# Kept as an alias: the VNeID pages catch this name.
OIDCLinkError = IdentityError


def _verified_holder(citizen_id: str, exclude=None) -> CitizenAccount | None:
    holders = CitizenAccount.objects.filter(kind=AccountKind.PERSON, citizen_id=citizen_id,
                                            identity_source__in=VERIFIED_SOURCES)
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    return holders.first()


def detach_unverified_claims(citizen_id: str, verified: CitizenAccount, ip_address: str | None = None) -> list[int]:
    """The person of `citizen_id` has just been verified on `verified`: every other personal account
    that merely declared this ID loses it (citizen ID emptied, a register match undone), gets a
    `citizen_id_detached` event and is told on its profile page. Returns the detached accounts' ids."""
    claims = (CitizenAccount.objects.select_for_update().filter(kind=AccountKind.PERSON, citizen_id=citizen_id)
              .exclude(pk=verified.pk).exclude(identity_source__in=VERIFIED_SOURCES))
    detached = []
    for claim in claims:
        claim.citizen_id = None
        claim.identity_source = IdentitySource.PASSWORD
        claim.identity_verified_at = None
        claim.save(update_fields=["citizen_id", "identity_source", "identity_verified_at", "updated_at"])
        _record(claim, AccountEvent.Action.CITIZEN_ID_DETACHED, ["citizen_id"], ip_address)
        logger.warning("citizen ID claim detached from account %s: verified on account %s", claim.pk, verified.pk)
        detached.append(claim.pk)
    return detached


def _file_held_documents(account: CitizenAccount) -> None:
    """Once committed, the documents and results held back while the identity was unverified land
    in the verified store (`documents.services.file_for_verified_identity`)."""
    def run(user=account.user, citizen_id=account.citizen_id):
        try:
            from motcua.documents.services import file_for_verified_identity
        except ImportError:  # the data store is optional
            return
        try:
            file_for_verified_identity(user, citizen_id)
        except Exception:  # noqa: BLE001 - the verification stands; the filing can be redone
            logger.exception("could not file the held documents of account %s", account.pk)

    transaction.on_commit(run)


def _mark_verified(account: CitizenAccount, citizen_id: str, source: str, officer=None) -> None:
    if account.kind != AccountKind.PERSON:
        raise IdentityError("not_person")
    if account.is_verified and account.citizen_id != citizen_id:
        raise IdentityError("citizen_id_changed")
    if _verified_holder(citizen_id, exclude=account) is not None:
        raise IdentityError("verified_elsewhere")
    account.citizen_id = citizen_id
    account.identity_source = source
    account.identity_verified_at = timezone.now()
    account.identity_verified_by = officer


@transaction.atomic
def sign_in_with_oidc(issuer: str, subject: str, citizen_id: str, full_name: str = "", birth_date=None,
                      ip_address: str | None = None) -> tuple[CitizenAccount, bool]:
    """Sign in the account linked to this VNeID identity, or create a verified account for it.

    Never links by citizen ID: an existing password account with the same ID is not inherited
    (its owner signs in with the password and links VNeID from the profile, `link_oidc`). If a
    verified account already holds the ID, the sign-in is refused (`verified_elsewhere`): that
    holder links VNeID the same way. Mere claims of the ID by unverified accounts are detached.
    """
    accounts = CitizenAccount.objects.select_for_update().select_related("user")
    account = accounts.filter(oidc_issuer=issuer, oidc_subject=subject).first()
    if account is not None:
        if account.citizen_id and account.citizen_id != citizen_id:
            raise IdentityError("citizen_id_changed")
        if not account.user.is_active:
            raise IdentityError("inactive")
        _record(account, AccountEvent.Action.OIDC_SIGNED_IN, [], ip_address)
        return account, False
    if _verified_holder(citizen_id) is not None:
        raise IdentityError("verified_elsewhere")
    user = get_user_model().objects.create_user(username=_new_username(), password=None)
    account = CitizenAccount(user=user, kind=AccountKind.PERSON, oidc_issuer=issuer, oidc_subject=subject)
    _mark_verified(account, citizen_id, IdentitySource.OIDC)
    account.full_name = full_name or citizen_id
    account.birth_date = birth_date
    account.save()
    detach_unverified_claims(citizen_id, account, ip_address)
    _record(account, AccountEvent.Action.OIDC_CREATED, ["citizen_id", "full_name", "birth_date"], ip_address)
    _file_held_documents(account)
    return account, True


@transaction.atomic
def link_oidc(account: CitizenAccount, issuer: str, subject: str, citizen_id: str, full_name: str = "",
              birth_date=None, ip_address: str | None = None) -> CitizenAccount:
    """The signed-in holder of `account` (who proved it with the password) links a VNeID identity:
    the account becomes verified with the identity's citizen ID, name and birth date."""
    account = CitizenAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    linked = CitizenAccount.objects.filter(oidc_issuer=issuer, oidc_subject=subject).exclude(pk=account.pk)
    if linked.exists():
        raise IdentityError("linked_elsewhere")
    if account.oidc_subject and (account.oidc_issuer, account.oidc_subject) != (issuer, subject):
        raise IdentityError("linked_elsewhere")
    _mark_verified(account, citizen_id, IdentitySource.OIDC)
    account.oidc_issuer, account.oidc_subject = issuer, subject
    account.full_name = full_name or account.full_name
    account.birth_date = birth_date or account.birth_date
    account.save()
    detach_unverified_claims(citizen_id, account, ip_address)
    _record(account, AccountEvent.Action.OIDC_LINKED, ["citizen_id", "full_name", "birth_date"], ip_address)
    _file_held_documents(account)
    return account


def may_verify_at_counter(officer) -> bool:
    """Counter officers: those who receive dossiers at some agency."""
    from motcua.dossiers.services import agency_ids_with

    return bool(agency_ids_with(officer, "dossier.receive"))


@transaction.atomic
def verify_at_counter(officer, account: CitizenAccount, citizen_id: str, ip_address: str | None = None) -> CitizenAccount:
    """A counter officer saw the holder's ID card: the account is verified with the card's citizen ID
    (audited: a `counter_verified` event naming the officer). Claims of the ID by other unverified
    accounts are detached."""
    if not may_verify_at_counter(officer):
        raise IdentityError("forbidden")
    validate_citizen_id(citizen_id)
    account = CitizenAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    if not account.user.is_active:
        raise IdentityError("inactive")
    if account.is_verified and account.citizen_id == citizen_id:
        return account
    _mark_verified(account, citizen_id, IdentitySource.COUNTER, officer=officer)
    account.save()
    detach_unverified_claims(citizen_id, account, ip_address)
    _record(account, AccountEvent.Action.COUNTER_VERIFIED, ["citizen_id", "identity_source"], ip_address,
            actor=officer)
    _file_held_documents(account)
    return account


# Forgotten password: a 6-digit one-time code sent to the phone or e-mail typed (docs/accounts.md).
RESET_CODE_VALIDITY = timedelta(minutes=15)
RESET_MAX_WRONG_CODES = 5
RESET_WINDOW = timedelta(hours=1)
RESET_CODES_PER_ACCOUNT = 3  # per RESET_WINDOW; also per phone/e-mail typed, account or not
RESET_REQUESTS_PER_ADDRESS = 10  # per RESET_WINDOW and client address
RESET_KEPT_FOR = timedelta(days=7)
_DIGEST_SALT = "motcua.accounts.password_reset.identifier"
_CODE_SALT = "motcua.accounts.password_reset.code"
_RESET = PasswordReset.Purpose.PASSWORD_RESET


class ResetThrottled(Exception):
    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope  # "identifier" or "address"


class ResetRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # "wrong", "void", "expired", "used"


def identifier_digest(kind: str, value: str) -> str:
    """A keyed hash of a normalised phone/e-mail: requests are counted without keeping who asked."""
    return salted_hmac(_DIGEST_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()


def _hash_code(code: str, nonce: str | None = None) -> str:
    # Keyed by SECRET_KEY: a copy of the table alone does not give the 10^6 codes away.
    nonce = nonce or secrets.token_hex(8)
    return f"{nonce}${salted_hmac(_CODE_SALT, f'{nonce}:{code}', algorithm='sha256').hexdigest()}"


def _code_matches(code: str, code_hash: str) -> bool:
    if not code_hash or "$" not in code_hash:
        return False
    nonce = code_hash.split("$", 1)[0]
    return constant_time_compare(_hash_code(code, nonce), code_hash)


def _lock(*keys: str) -> None:
    """Serialise the throttle's count-then-insert per key. PostgreSQL: transaction-level advisory
    locks; SQLite runs one writing transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _account_for(kind: str, value: str) -> CitizenAccount | None:
    """The active citizen/business account with this phone/e-mail, verified, locked. Officers have
    no CitizenAccount, so they are never found: an administrator resets their passwords."""
    account = (CitizenAccount.objects.select_for_update(of=("self",)).select_related("user")
               .filter(**{kind: value}).first())
    if account is None or not account.user.is_active:
        return None
    if not account.is_verified_contact(kind):
        # A code goes only to a phone/e-mail proved to be the holder's: an unverified one is
        # answered like an unknown one (nothing sent, same page).
        return None
    return account


def _send_reset_code(account: CitizenAccount, kind: str, recipient: str, code: str) -> None:
    from motcua.notifications.models import Channel, EventKind

    context = {
        "reset_code": code,
        "valid_minutes": int(RESET_CODE_VALIDITY.total_seconds() // 60),
        "full_name": account.full_name,
        "reset_url": absolute(reverse("accounts:password_reset_confirm")),
    }
    channel = Channel.SMS if kind == "phone" else Channel.EMAIL
    _queue_account_message(EventKind.PASSWORD_RESET, channel, recipient, context)


def _queue_account_message(kind: str, channel: str, recipient: str, context: dict) -> bool:
    """Put one account message (not about a dossier) in the outbox and hand it to the worker once
    the transaction commits. False when the outbox already held it."""
    from motcua.notifications.services import queue_message
    from motcua.notifications.tasks import send

    message, created = queue_message(kind=kind, channel=channel, recipient=recipient, context=context)
    if not created:
        return False
    transaction.on_commit(functools.partial(send, message.pk))
    return True


def request_password_reset(identifier: str, ip_address: str | None = None) -> None:
    """Send a new one-time code to the phone/e-mail typed if it names an active citizen or business
    account; otherwise do nothing visible. Either way the request is counted for the throttle.

    Raises ResetThrottled beyond RESET_REQUESTS_PER_ADDRESS requests from the address, or
    RESET_CODES_PER_ACCOUNT requests for the phone/e-mail, in the last hour. An account asked for
    under several identifiers still gets at most RESET_CODES_PER_ACCOUNT codes an hour: beyond
    that the request is counted and answered like any other, but nothing is sent.
    """
    kind, value = normalise_identifier(identifier)
    digest = identifier_digest(kind, value)
    with transaction.atomic():
        _lock(f"password-reset:address:{ip_address or ''}", f"password-reset:identifier:{digest}")
        now = timezone.now()
        recent = PasswordReset.objects.filter(purpose=_RESET, created_at__gt=now - RESET_WINDOW)
        if ip_address and recent.filter(ip_address=ip_address).count() >= RESET_REQUESTS_PER_ADDRESS:
            raise ResetThrottled("address")
        if recent.filter(identifier_digest=digest).count() >= RESET_CODES_PER_ACCOUNT:
            raise ResetThrottled("identifier")
        PasswordReset.objects.filter(created_at__lt=now - RESET_KEPT_FOR).delete()
        account = _account_for(kind, value)
        if account is not None and recent.filter(account=account).count() >= RESET_CODES_PER_ACCOUNT:
            account = None
        # The new request replaces the previous one (for an unknown identifier, its stand-in).
        previous = PasswordReset.objects.filter(purpose=_RESET, status=PasswordReset.Status.ACTIVE)
        previous = previous.filter(account=account) if account else previous.filter(account__isnull=True,
                                                                                    identifier_digest=digest)
        previous.update(status=PasswordReset.Status.REPLACED)
        code = f"{secrets.randbelow(10 ** 6):06d}" if account else ""
        PasswordReset.objects.create(
            account=account, identifier_digest=digest, channel="sms" if kind == "phone" else "email",
            code_hash=_hash_code(code) if account else "", ip_address=ip_address or None,
            created_at=now, expires_at=now + RESET_CODE_VALIDITY,
        )
        if account is not None:
            _send_reset_code(account, kind, value, code)


def reset_password(identifier: str, code: str, password: str, ip_address: str | None = None) -> CitizenAccount:
    """Set a new password with the one-time code; returns the account.

    Raises ResetRefused("wrong" | "void" | "expired" | "used") with nothing changed except the
    wrong-code count (the RESET_MAX_WRONG_CODES-th wrong code voids the code), or ValidationError
    when the password fails the validators for this user (the code then stays usable). "expired" and
    "used" are only told to whoever typed the right code; an unknown phone/e-mail gets the same
    answers as an account's (its stand-in request counts wrong codes too).
    """
    kind, value = normalise_identifier(identifier)
    with transaction.atomic():
        account = _account_for(kind, value)
        resets = PasswordReset.objects.select_for_update().filter(purpose=_RESET)
        if account is not None:
            reset = resets.filter(account=account).order_by("-created_at", "-id").first()
        else:
            reset = resets.filter(account__isnull=True, identifier_digest=identifier_digest(kind, value)) \
                .order_by("-created_at", "-id").first()
        outcome = _check_code(reset, code)
        if outcome is None:
            user = account.user
            password_validation.validate_password(password, user)
            user.set_password(password)  # a new session hash: the user's other sessions end
            user.save(update_fields=["password"])
            reset.status, reset.used_at = PasswordReset.Status.USED, timezone.now()
            reset.save(update_fields=["status", "used_at"])
            _record(account, AccountEvent.Action.PASSWORD_RESET, ["password"], ip_address)
    # Raised outside the transaction so that a wrong code's count is kept.
    if outcome is not None:
        raise ResetRefused(outcome)
    return account


def _check_code(reset: PasswordReset | None, code: str) -> str | None:
    """None if the code opens this request; otherwise why not (counting a wrong code)."""
    if reset is None or reset.status == PasswordReset.Status.REPLACED:
        return "wrong"
    expired = timezone.now() >= reset.expires_at
    if _code_matches(code, reset.code_hash):
        if reset.status == PasswordReset.Status.USED:
            return "used"
        if reset.status == PasswordReset.Status.VOID:
            return "void"
        return "expired" if expired else None
    if expired or reset.status == PasswordReset.Status.USED:
        return "wrong"
    if reset.status == PasswordReset.Status.ACTIVE:
        reset.failed_attempts += 1
        if reset.failed_attempts >= RESET_MAX_WRONG_CODES:
            reset.status = PasswordReset.Status.VOID
        reset.save(update_fields=["failed_attempts", "status"])
    return "void" if reset.status == PasswordReset.Status.VOID else "wrong"


# Verified phone and e-mail (docs/accounts.md): the same machinery as the forgotten password — a
# 6-digit code, kept as a keyed hash, valid RESET_CODE_VALIDITY, void after RESET_MAX_WRONG_CODES
# wrong codes, at most RESET_CODES_PER_ACCOUNT codes per channel and RESET_WINDOW.
CONTACT_FIELDS = ("phone", "email")
_CONTACT_PURPOSES = {"phone": PasswordReset.Purpose.PHONE, "email": PasswordReset.Purpose.EMAIL}
_CONTACT_VERIFIED = {"phone": AccountEvent.Action.PHONE_VERIFIED, "email": AccountEvent.Action.EMAIL_VERIFIED}


def _replace_active_codes(account: CitizenAccount, field: str) -> None:
    PasswordReset.objects.filter(account=account, purpose=_CONTACT_PURPOSES[field],
                                 status=PasswordReset.Status.ACTIVE).update(status=PasswordReset.Status.REPLACED)


def _issue_contact_code(account: CitizenAccount, field: str, ip_address: str | None = None) -> bool:
    """Send a new code to the account's phone or e-mail (`field`), replacing the previous one; in the
    caller's transaction, the account row locked. False when the channel's throttle is full."""
    from motcua.notifications.models import Channel, EventKind

    purpose, value, now = _CONTACT_PURPOSES[field], getattr(account, field), timezone.now()
    recent = PasswordReset.objects.filter(account=account, purpose=purpose, created_at__gt=now - RESET_WINDOW)
    if recent.count() >= RESET_CODES_PER_ACCOUNT:
        return False
    _replace_active_codes(account, field)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    channel = Channel.SMS if field == "phone" else Channel.EMAIL
    # The digest ties the code to this phone/e-mail: it cannot verify another one typed later.
    PasswordReset.objects.create(
        account=account, purpose=purpose, identifier_digest=identifier_digest(field, value), channel=channel,
        code_hash=_hash_code(code), ip_address=ip_address or None, created_at=now,
        expires_at=now + RESET_CODE_VALIDITY,
    )
    context = {"verification_code": code, "valid_minutes": int(RESET_CODE_VALIDITY.total_seconds() // 60),
               "full_name": account.full_name, "verify_url": absolute(reverse("accounts:verify_contact"))}
    _queue_account_message(EventKind.CONTACT_VERIFICATION, channel, value, context)
    return True


def send_contact_code(account: CitizenAccount, field: str, ip_address: str | None = None) -> bool:
    """A new code for the account's unverified phone or e-mail ("send the code again"). False when
    there is nothing to verify; raises ResetThrottled("identifier") beyond the channel's throttle."""
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
        if not getattr(account, field) or account.is_verified_contact(field):
            return False
        if not _issue_contact_code(account, field, ip_address):
            raise ResetThrottled("identifier")
    return True


def verify_contact(account: CitizenAccount, field: str, code: str, ip_address: str | None = None) -> CitizenAccount:
    """The holder typed the code sent to the account's phone or e-mail: the channel is verified
    (audited: a `phone_verified` / `email_verified` event with the client address).

    Raises ResetRefused("wrong" | "void" | "expired" | "used") as `reset_password` does, the wrong
    code counted (the RESET_MAX_WRONG_CODES-th voids it). A code sent to an earlier phone/e-mail of
    the account is "wrong".
    """
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
        value = getattr(account, field)
        if not value:
            outcome = "wrong"
        elif account.is_verified_contact(field):
            return account
        else:
            latest = (PasswordReset.objects.select_for_update()
                      .filter(account=account, purpose=_CONTACT_PURPOSES[field]).order_by("-created_at", "-id").first())
            if latest is not None and latest.identifier_digest != identifier_digest(field, value):
                latest = None
            outcome = _check_code(latest, code)
        if outcome is None:
            now = timezone.now()
            setattr(account, f"{field}_verified_at", now)
            account.save(update_fields=[f"{field}_verified_at", "updated_at"])
            latest.status, latest.used_at = PasswordReset.Status.USED, now
            latest.save(update_fields=["status", "used_at"])
            _record(account, _CONTACT_VERIFIED[field], [field], ip_address)
    # Raised outside the transaction so that a wrong code's count is kept.
    if outcome is not None:
        logger.warning("contact verification code refused (%s): account=%s channel=%s", outcome, account.pk, field)
        raise ResetRefused(outcome)
    return account


@transaction.atomic
def trust_contacts(account: CitizenAccount, ip_address: str | None = None) -> CitizenAccount:
    """Count the account's present phone and e-mail as verified without a code: for what VNeID
    vouched for and for the demo's own citizens (their numbers reach no one). Audited."""
    account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
    changed = [field for field in CONTACT_FIELDS if getattr(account, field) and not account.is_verified_contact(field)]
    if not changed:
        return account
    now = timezone.now()
    for field in changed:
        setattr(account, f"{field}_verified_at", now)
        _replace_active_codes(account, field)
    account.save(update_fields=[f"{field}_verified_at" for field in changed] + ["updated_at"])
    _record(account, AccountEvent.Action.CONTACTS_TRUSTED, changed, ip_address)
    return account


# Sign-up and profile: a phone, e-mail or citizen ID already in use gets one neutral message
# (forms.IDENTIFIER_TAKEN); such refusals are counted per client address (docs/accounts.md).
IDENTIFIER_REFUSALS_PER_ADDRESS = 10  # per IDENTIFIER_REFUSAL_WINDOW
IDENTIFIER_REFUSAL_WINDOW = timedelta(hours=1)


def identifier_refusals_exceeded(ip_address: str | None) -> bool:
    """This address was refused IDENTIFIER_REFUSALS_PER_ADDRESS times lately: its sign-ups and
    profile saves are all answered 429 (whatever they hold) until the window has passed."""
    if not ip_address:
        return False
    since = timezone.now() - IDENTIFIER_REFUSAL_WINDOW
    return (IdentifierRefusal.objects.filter(ip_address=ip_address, created_at__gt=since).count()
            >= IDENTIFIER_REFUSALS_PER_ADDRESS)


@transaction.atomic
def record_identifier_refusal(ip_address: str | None) -> None:
    _lock(f"identifier-refusal:address:{ip_address or ''}")
    now = timezone.now()
    IdentifierRefusal.objects.filter(created_at__lt=now - RESET_KEPT_FOR).delete()
    IdentifierRefusal.objects.create(ip_address=ip_address or None, created_at=now)


# The holder of an account whose phone, e-mail or citizen ID was typed at sign-up is told, at most
# once per IN_USE_NOTICE_INTERVAL and recipient (the notice must not become a way to flood them).
IN_USE_NOTICE_INTERVAL = timedelta(hours=24)
_USED = {"phone": "số điện thoại", "email": "địa chỉ thư điện tử", "citizen_id": "số định danh cá nhân"}


def notify_in_use(account: CitizenAccount, field: str) -> bool:
    """Queue the `account_in_use` notice to the holder: by SMS to the phone (the phone or the citizen
    ID was typed, and the account has a phone) or by e-mail. Returns whether a notice was queued."""
    from motcua.notifications.models import Channel, EventKind, OutboxMessage

    if not account.user.is_active:
        return False
    if field == "email" or not account.phone:
        channel, recipient = Channel.EMAIL, account.email
    else:
        channel, recipient = Channel.SMS, account.phone
    if not recipient:
        return False
    recent = OutboxMessage.objects.filter(event_kind=EventKind.ACCOUNT_IN_USE, recipient=recipient,
                                          created_at__gt=timezone.now() - IN_USE_NOTICE_INTERVAL)
    if recent.exists():
        return False
    context = {"full_name": account.full_name, "used": _USED[field],
               "sign_in_url": absolute(reverse("accounts:login")),
               "reset_url": absolute(reverse("accounts:password_reset"))}
    return _queue_account_message(EventKind.ACCOUNT_IN_USE, channel, recipient, context)
