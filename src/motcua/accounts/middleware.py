"""Officers' sessions end after an idle time and when the browser closes (counter PCs are shared).

An officer is any signed-in user without a citizen account (counter officers, specialists,
leaders, managers, administrators). Citizens keep Django's SESSION_COOKIE_AGE. Settings:
OFFICER_SESSION_IDLE_MINUTES (0 = no idle limit), OFFICER_SESSION_AT_BROWSER_CLOSE.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CitizenAccount

SESSION_OFFICER = "motcua_officer_session"
SESSION_LAST_SEEN = "motcua_last_seen"
# The last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_GRANULARITY = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def _is_officer(user) -> bool:
    return not CitizenAccount.objects.filter(user_id=user.pk).exists()


def _start(session, officer: bool) -> None:
    session[SESSION_OFFICER] = officer
    if officer:
        session[SESSION_LAST_SEEN] = _now()
        if settings.OFFICER_SESSION_AT_BROWSER_CLOSE:
            session.set_expiry(0)


def on_user_logged_in(sender, request, user, **kwargs):
    """Receiver of user_logged_in (connected in AccountsConfig.ready)."""
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        _start(session, _is_officer(user))


class OfficerSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        if SESSION_OFFICER not in session:
            # A session from before this rule (or signed in without the signal): classify it once.
            _start(session, _is_officer(request.user))
        if not session[SESSION_OFFICER]:
            return
        idle_minutes = settings.OFFICER_SESSION_IDLE_MINUTES
        now = _now()
        last_seen = session.get(SESSION_LAST_SEEN, now)
        if idle_minutes and now - last_seen > idle_minutes * 60:
            logout(request)
            messages.info(request, _("You were signed out after %(minutes)s minutes without activity. Sign in "
                                     "again.") % {"minutes": idle_minutes})
            return
        if now - last_seen >= LAST_SEEN_GRANULARITY or SESSION_LAST_SEEN not in session:
            session[SESSION_LAST_SEEN] = now
