"""Tablets registered to a counter: the counter's rating page works only on such a device, or in
the session of an officer seated at that counter today.

An officer seated at the counter, a manager of its service point (`service_point.manage`), a
province administrator or a superuser registers the tablet on the tablet itself
(`/danh-gia/quay/<counter>/thiet-bi/`): the browser gets a cookie signed with SECRET_KEY holding
the device's id and a random token, limited to the counter's rating path; the table keeps only a
keyed hash of the token. The same people revoke a device; a revoked device is refused at once.
"""
from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from motcua.organization.models import Counter, CounterAssignment, Role
from motcua.organization.permissions import ROLE_PERMISSIONS, active_assignments

from . import conf
from .errors import FeedbackError
from .models import CounterDevice
from .text import clean_text

logger = logging.getLogger(__name__)

COOKIE = "motcua_rating_device"
_SALT = "motcua.feedback.rating-device"


def _hash(token: str) -> str:
    return salted_hmac(_SALT, token, algorithm="sha256").hexdigest()


def seated_at(user, counter: Counter) -> bool:
    """The user holds a counter assignment at this counter today."""
    if not user or not user.is_authenticated:
        return False
    return CounterAssignment.objects.valid_on(timezone.localdate()).filter(user=user, counter=counter).exists()


def may_manage(user, counter: Counter) -> bool:
    """Who registers and revokes the counter's tablets."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser or seated_at(user, counter):
        return True
    for assignment in active_assignments(user):
        if "service_point.manage" not in ROLE_PERMISSIONS.get(assignment.role, ()):
            continue
        if assignment.role == Role.PROVINCE_ADMIN or assignment.service_point_id == counter.service_point_id:
            return True
    return False


def counters_of(user):
    """The counters whose tablets the user looks after: seated there today, or managing the service
    point (province administrators reach every counter by its page, not by this list)."""
    if not user or not user.is_authenticated:
        return Counter.objects.none()
    seated = CounterAssignment.objects.valid_on(timezone.localdate()).filter(user=user).values_list("counter_id")
    points = [a.service_point_id for a in active_assignments(user)
              if a.service_point_id and "service_point.manage" in ROLE_PERMISSIONS.get(a.role, ())]
    return (Counter.objects.filter(Q(pk__in=seated) | Q(service_point_id__in=points), is_active=True)
            .select_related("service_point").order_by("service_point__name", "number"))


def register(actor, counter: Counter, name: str = "") -> tuple[CounterDevice, str]:
    """A new device of the counter and its token (to be put in the device's cookie, never stored)."""
    if not may_manage(actor, counter):
        raise FeedbackError("forbidden", _("Only an officer of this counter or its service point's manager may "
                                           "register a tablet for it."))
    name = clean_text(name, 100, _("Device name")) or _("Tablet of counter %(number)s") % {"number": counter.number}
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        device = CounterDevice.objects.create(counter=counter, name=name, token_hash=_hash(token),
                                              registered_by=actor, registered_at=timezone.now())
    logger.info("rating device %s registered for counter %s by %s", device.pk, counter.pk, actor.pk)
    return device, token


def revoke(actor, device: CounterDevice) -> CounterDevice:
    if not may_manage(actor, device.counter):
        raise FeedbackError("forbidden", _("Only an officer of this counter or its service point's manager may "
                                           "revoke its tablets."))
    with transaction.atomic():
        row = CounterDevice.objects.select_for_update().get(pk=device.pk)
        if row.revoked_at is None:
            row.revoked_at, row.revoked_by = timezone.now(), actor
            row.save(update_fields=["revoked_at", "revoked_by"])
            logger.info("rating device %s revoked by %s", row.pk, actor.pk)
    return row


def cookie_path(counter: Counter) -> str:
    return reverse("feedback:kiosk", args=[counter.pk])


def set_cookie(response, counter: Counter, device: CounterDevice, token: str) -> None:
    response.set_signed_cookie(
        COOKIE, f"{device.pk}:{token}", salt=_SALT, max_age=conf.device_max_age_seconds(), path=cookie_path(counter),
        httponly=True, samesite="Strict", secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


def device_of(request, counter: Counter) -> CounterDevice | None:
    """The active device of this counter that the request's signed cookie names, if any."""
    try:
        value = request.get_signed_cookie(COOKIE, default=None, salt=_SALT, max_age=conf.device_max_age_seconds())
    except signing.BadSignature:
        return None
    if not value or ":" not in value:
        return None
    pk, token = value.split(":", 1)
    if not (pk.isascii() and pk.isdigit() and len(pk) < 12):
        return None
    device = CounterDevice.objects.filter(pk=int(pk), counter=counter, revoked_at__isnull=True).first()
    if device is None or not constant_time_compare(device.token_hash, _hash(token)):
        return None
    return device


def tablet_allowed(request, counter: Counter) -> bool:
    """The rating page of `counter` may be used here: a registered device, or its seated officer."""
    device = device_of(request, counter)
    if device is not None:
        CounterDevice.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
        return True
    return seated_at(request.user, counter)
