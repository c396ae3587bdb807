"""Sign-in by phone number or e-mail address, for citizen and business accounts.

Placed after axes' backend (which refuses locked-out clients) and before Django's ModelBackend
(officers sign in by user name). It answers only for identifiers that look like a phone or an
e-mail, and only for users that have a CitizenAccount.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .models import CitizenAccount
from .validators import looks_like_email, normalise_email, normalise_phone


def find_account(identifier: str) -> CitizenAccount | None:
    identifier = (identifier or "").strip()
    if looks_like_email(identifier):
        lookup = {"email": normalise_email(identifier)}
    else:
        try:
            lookup = {"phone": normalise_phone(identifier)}
        except ValidationError:
            return None
    return CitizenAccount.objects.select_related("user").filter(**lookup).first()


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        account = find_account(username)
        if account is None:
            # Spend the time of one hash so that unknown identifiers are not told apart by timing.
            get_user_model()().set_password(password)
            return None
        user = account.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
