"""The events of a dossier as the timeline on its page, labelled in the reader's language."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "receive_at_counter": _("Received at the counter"),
    "receive_by_post": _("Received by post"),
    "submit_online": _("Submitted online"),
    "accept_online": _("Online dossier accepted"),
    "refuse_intake": _("Refused at intake"),
    "start_processing": _("Processing started"),
    "request_supplement": _("Supplement requested"),
    "receive_supplement": _("Supplement received"),
    "hand_over": _("Handed over"),
    "request_payment": _("Waiting for the financial obligation"),
    "confirm_payment": _("Payment confirmed"),
    "record_payment": _("Payment recorded"),
    "assign": _("Assigned"),
    "stop": _("Stopped"),
    "withdraw": _("Withdrawn"),
    "resolve": _("Resolved"),
    "apologise": _("Apology with a new appointment"),
    "return_result": _("Result returned"),
    "overdue": _("Became overdue"),
    "step_overdue": _("A step became overdue"),
    "digitise_document": _("Document digitised"),
}


@dataclass
class TimelineEntry:
    event: object
    label: str
    note: str

    def __getattr__(self, name):
        return getattr(self.event, name)


def _note(event) -> str:
    payload = event.payload or {}
    parts = []
    if event.kind == "hand_over" and isinstance(payload.get("to"), dict):
        to = payload["to"]
        parts.append(" · ".join(str(x) for x in (to.get("name"), to.get("unit")) if x))
    if event.kind == "digitise_document" and payload.get("name"):
        parts.append(str(payload["name"]))
    if payload.get("items"):
        parts.append("; ".join(payload["items"]))
    for key in ("reason", "note", "result_description"):
        if payload.get(key):
            parts.append(str(payload[key]))
    return " — ".join(p for p in parts if p)


def timeline_of(dossier) -> list[TimelineEntry]:
    events = dossier.events.select_related("actor__staff_profile").order_by("at", "pk")
    return [TimelineEntry(e, str(EVENT_LABELS.get(e.kind, e.kind)), _note(e)) for e in events]
