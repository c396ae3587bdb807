"""Reads about accounts for other apps."""
from django.core.exceptions import ValidationError

from .models import CitizenAccount
from .validators import normalise_email, normalise_phone


def _same(field: str, typed: str, held: str) -> bool:
    try:
        return (normalise_phone(typed) if field == "phone" else normalise_email(typed)) == held
    except ValidationError:
        return False


def only_verified_contacts(user_id, recipients: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of the (channel, address) pairs of a dossier submitted online by this user, those the user's
    citizen or business account proved to hold by a code ("sms" its phone, "email" its e-mail; any
    spelling of the same number). All of them when the user has no such account (an officer or a
    partner system): there is nothing to check against."""
    account = CitizenAccount.objects.filter(user_id=user_id).first()
    if account is None:
        return list(recipients)
    kept = []
    for channel, address in recipients:
        field = "phone" if channel == "sms" else "email"
        if account.is_verified_contact(field) and _same(field, address, getattr(account, field)):
            kept.append((channel, address))
    return kept
