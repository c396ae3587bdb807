"""API tokens (`Authorization: Token <key>`) that expire and can be revoked.

A token is DRF's `authtoken.Token` (one per user, created by an administrator in the admin). It
is valid for API_TOKEN_TTL_DAYS (default 30) from its creation; after that, and once revoked, it
answers 401 with a message saying so. Revoking deletes it: the user revokes their own with
`DELETE /api/v1/auth/token/`; an administrator deletes it in the admin ("Tokens"), and a new one
is issued by adding it again (docs/running.md).
"""
import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class TokenRejected(exceptions.APIException):
    """401 whichever authentication class comes first (DRF would turn AuthenticationFailed into a
    403 when the first one is the session's)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_invalid"


def ttl() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "API_TOKEN_TTL_DAYS", 30)))


def expires_at(token: Token) -> datetime.datetime:
    return token.created + ttl()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None:
            raise TokenRejected(_("This API token is not valid or was revoked: ask your administrator for a new one."),
                                code="token_invalid")
        if not token.user.is_active:
            raise TokenRejected(_("The account of this API token is disabled."), code="token_invalid")
        if timezone.now() >= expires_at(token):
            moment = formats.date_format(timezone.localtime(expires_at(token)), "d/m/Y H:i")
            raise TokenRejected(_("This API token expired on %(moment)s: ask your administrator for a new one.")
                                % {"moment": moment}, code="token_expired")
        return token.user, token
