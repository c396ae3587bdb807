"""Messages of the feedback app, through the notifications outbox.

The message texts are `notifications.MessageTemplate` rows of our own kinds (seeded by this app's
migration 0002, editable in the admin): `feedback_answered`, `feedback_refused`,
`feedback_info_requested`. The signed rating link travels in the notifications app's own
"returned" message (`notifications.messages.message_context` calls `links.rating_url`): one
message when the result is returned, not a second one (the `rating_invitation` kind is no longer
sent).
A failure here is logged and never undoes the action that caused it.
"""
import logging

from django.db import transaction
from django.urls import reverse

from motcua.core.site import absolute

logger = logging.getLogger(__name__)


def _queue(kind: str, recipients, context: dict, dossier_code: str = "", agency_id=None) -> int:
    try:
        from motcua.notifications.services import queue_message
        from motcua.notifications.tasks import send
    except ImportError:  # notifications not installed
        return 0
    queued = 0
    for channel, recipient in recipients:
        message, created = queue_message(kind=kind, channel=channel, recipient=recipient, context=context,
                                         dossier_code=dossier_code, agency_id=agency_id)
        if created:
            queued += 1
            # `send`: a broker outage leaves it queued for the sweep, never an error page.
            transaction.on_commit(lambda pk=message.pk: send(pk))
    return queued


def _recipients(phone: str, email: str):
    return [(c, r) for c, r in (("sms", phone), ("email", email)) if r]


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
            "tracking_url": absolute(reverse("feedback:track") + f"?ma={feedback.code}"),
        }
        return _queue(kind, _recipients(feedback.sender_phone, feedback.sender_email), context,
                      feedback.dossier.code if feedback.dossier_id else "", feedback.agency_id)
    except Exception:  # noqa: BLE001 - never break the officer's action
        logger.exception("notifying the sender of feedback %s failed", feedback.pk)
        return 0
