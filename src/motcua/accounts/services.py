"""Every write on an account goes through one function here, in one transaction, with an event."""
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import AccountEvent, AccountKind, CitizenAccount, IdentitySource

PROFILE_FIELDS = ["full_name", "citizen_id", "birth_date", "phone", "email", "address", "business_name", "tax_code"]


def _new_username() -> str:
    # Citizens sign in by phone or e-mail; the Django user name is an internal handle.
    return f"citizen-{secrets.token_hex(8)}"


def _blank_to_none(value):
    return value or None


def _record(account, action, changed_fields=(), ip_address=None):
    AccountEvent.objects.create(account=account, action=action, changed_fields=list(changed_fields),
                                ip_address=ip_address)


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
    if not changed:
        return []
    account.save()
    if "email" in changed:
        account.user.email = account.email or ""
        account.user.save(update_fields=["email"])
    action = (AccountEvent.Action.REGISTER_MATCHED if register_match and "identity_source" in changed
              else AccountEvent.Action.PROFILE_UPDATED)
    _record(account, action, changed, ip_address)
    return changed


class OIDCLinkError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@transaction.atomic
def sign_in_with_oidc(issuer: str, subject: str, citizen_id: str, full_name: str = "", birth_date=None,
                      ip_address: str | None = None) -> tuple[CitizenAccount, bool]:
    """Find the account of a person verified by the identity provider, link it, or create it.

    Found by (issuer, subject) first, then by the citizen ID of a personal account. The verified
    name, birth date and citizen ID replace whatever was typed before.
    """
    accounts = CitizenAccount.objects.select_for_update().select_related("user")
    account = accounts.filter(oidc_issuer=issuer, oidc_subject=subject).first()
    if account is not None and account.citizen_id and account.citizen_id != citizen_id:
        raise OIDCLinkError("citizen_id_changed")
    action = AccountEvent.Action.OIDC_SIGNED_IN
    if account is None:
        account = accounts.filter(kind=AccountKind.PERSON, citizen_id=citizen_id).first()
        if account is not None and account.oidc_subject and account.oidc_issuer == issuer:
            raise OIDCLinkError("linked_elsewhere")
        action = AccountEvent.Action.OIDC_LINKED
    created = account is None
    if created:
        user = get_user_model().objects.create_user(username=_new_username(), password=None)
        account = CitizenAccount(user=user, kind=AccountKind.PERSON)
        action = AccountEvent.Action.OIDC_CREATED
    if not account.user.is_active:
        raise OIDCLinkError("inactive")
    account.oidc_issuer, account.oidc_subject = issuer, subject
    account.citizen_id = citizen_id
    account.full_name = full_name or account.full_name or citizen_id
    account.birth_date = birth_date or account.birth_date
    account.identity_source = IdentitySource.OIDC
    account.identity_verified_at = timezone.now()
    account.save()
    _record(account, action, ["citizen_id", "full_name", "birth_date"] if action != AccountEvent.Action.OIDC_SIGNED_IN
            else [], ip_address)
    return account, created
