"""Messages of the feedback app, through the notifications outbox.

The message texts are `notifications.MessageTemplate` rows of our own kinds (seeded by this app's
migration 0002, editable in the admin): `rating_invitation` (the signed rating link, sent when a
result is returned), `feedback_answered`, `feedback_refused`, `feedback_info_requested`.
A failure here is logged and never undoes the action that caused it.
"""
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from .links import rating_url

logger = logging.getLogger(__name__)

RATING_INVITATION = "rating_invitation"


def _queue(kind: str, recipients, context: dict, dossier_code: str = "", agency_id=None) -> int:
    try:
        from motcua.notifications.services import queue_message
        from motcua.notifications.tasks import deliver_message
    except ImportError:  # notifications not installed
        return 0
    queued = 0
    for channel, recipient in recipients:
        message, created = queue_message(kind=kind, channel=channel, recipient=recipient, context=context,
                                         dossier_code=dossier_code, agency_id=agency_id)
        if created:
            queued += 1
            transaction.on_commit(lambda pk=message.pk: deliver_message.delay(pk))
    return queued


def _recipients(phone: str, email: str):
    return [(c, r) for c, r in (("sms", phone), ("email", email)) if r]


def invite_to_rate(dossier) -> int:
    """Send the applicant the signed rating link, once per dossier."""
    from motcua.notifications.models import OutboxMessage

    if OutboxMessage.objects.filter(event_kind=RATING_INVITATION, dossier_code=dossier.code).exists():
        return 0
    context = {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure_name": dossier.procedure_version.name,
        "rating_url": rating_url(dossier.code),
    }
    return _queue(RATING_INVITATION, _recipients(dossier.applicant_phone, dossier.applicant_email), context,
                  dossier.code, dossier.competent_agency_id)


def notify_sender(feedback, kind: str) -> int:
    """Tell the sender their feedback was answered, refused, or needs more information."""
    try:
        if feedback.is_anonymous:
            return 0
        context = {
            "code": feedback.code,
            "title": feedback.title,
            "sender_name": feedback.sender_name,
            "reason": feedback.refusal_reason,
            "request": feedback.info_request,
            "tracking_url": settings.SITE_URL.rstrip("/") + reverse("feedback:track") + f"?ma={feedback.code}",
        }
        return _queue(kind, _recipients(feedback.sender_phone, feedback.sender_email), context,
                      feedback.dossier.code if feedback.dossier_id else "", feedback.agency_id)
    except Exception:  # noqa: BLE001 - never break the officer's action
        logger.exception("notifying the sender of feedback %s failed", feedback.pk)
        return 0
