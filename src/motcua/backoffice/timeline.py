"""The events of a dossier as the timeline on its page, labelled in the reader's language, with
each person by name and role (officers), by name (citizens), or as the system."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from motcua.dossiers.transitions import event_label
from motcua.organization.models import Role, RoleAssignment

SYSTEM = pgettext_lazy("timeline actor", "System")
APPLICANT = pgettext_lazy("timeline actor", "Applicant")
CITIZEN = pgettext_lazy("timeline actor", "Citizen")
ADMINISTRATOR = pgettext_lazy("timeline actor", "Administrator")
# Who did it when the actor is a trusted component (payload["system"], services.SystemActor).
SYSTEM_NAMES = {"payment_gateway": pgettext_lazy("timeline actor", "System (payment gateway)")}


@dataclass
class TimelineEntry:
    event: object
    label: str
    note: str
    who: str = ""

    def __getattr__(self, name):
        return getattr(self.event, name)


class People:
    """Names and roles of the users a timeline mentions, read in three queries."""

    def __init__(self, user_ids, dossier):
        self.dossier = dossier
        ids = {pk for pk in user_ids if pk}
        self.users = {
            u.pk: u for u in get_user_model().objects.filter(pk__in=ids).select_related("staff_profile", "citizen_account")
        }
        labels = dict(Role.choices)
        self.roles: dict[int, list[str]] = {}
        assignments = RoleAssignment.objects.valid_on(timezone.localdate()).filter(user_id__in=ids).order_by("pk")
        for user_id, role in assignments.values_list("user_id", "role"):
            names = self.roles.setdefault(user_id, [])
            if str(labels.get(role, role)) not in names:
                names.append(str(labels.get(role, role)))

    def name(self, user_id) -> str:
        """The person's name only (for notes: "handed to Trần Văn Thẩm")."""
        user = self.users.get(user_id)
        if user is None:
            return ""
        profile = getattr(user, "staff_profile", None)
        account = getattr(user, "citizen_account", None)
        if profile is not None:
            return profile.full_name
        if account is not None:
            return account.full_name
        # Vietnamese order: family name first (the demo and the admin store it in last_name).
        return " ".join(p for p in (user.last_name, user.first_name) if p) or user.get_username()

    def who(self, event) -> str:
        """Officers by name and role, citizens by name, no actor as the system."""
        if not event.actor_id:
            return str(SYSTEM_NAMES.get((event.payload or {}).get("system"), SYSTEM))
        user = self.users.get(event.actor_id)
        if user is None:
            return str(SYSTEM)
        name = self.name(event.actor_id)
        if getattr(user, "citizen_account", None) is not None:
            role = APPLICANT if user.pk == self.dossier.account_id else CITIZEN
            return f"{name} ({role})"
        roles = self.roles.get(user.pk)
        if roles:
            return f"{name} ({', '.join(roles)})"
        profile = getattr(user, "staff_profile", None)
        if profile is not None and profile.title:
            return f"{name} ({profile.title})"
        if user.is_superuser:
            return f"{name} ({ADMINISTRATOR})"
        return name


def _officer_ids(event) -> list:
    payload = event.payload or {}
    ids = []
    if isinstance(payload.get("to"), dict):
        ids.append(payload["to"].get("officer"))
    if event.kind in ("assign", "take"):
        ids.append(payload.get("officer"))
    return [pk for pk in ids if isinstance(pk, int)]


def _note(event, people: People) -> str:
    payload = event.payload or {}
    parts = []
    if event.kind == "hand_over" and isinstance(payload.get("to"), dict):
        to = payload["to"]
        officer = people.name(to.get("officer")) if isinstance(to.get("officer"), int) else ""
        parts.append(" · ".join(str(x) for x in (to.get("name"), to.get("unit"), officer) if x))
    if event.kind == "assign" and isinstance(payload.get("officer"), int):
        parts.append(people.name(payload["officer"]))
    if event.kind == "digitise_document" and payload.get("name"):
        parts.append(str(payload["name"]))
    if payload.get("items"):
        parts.append("; ".join(str(item) for item in payload["items"]))
    for key in ("reason", "note", "result_description"):
        if payload.get(key):
            parts.append(str(payload[key]))
    return " — ".join(p for p in parts if p)


def timeline_of(dossier) -> list[TimelineEntry]:
    events = list(dossier.events.order_by("at", "pk"))
    people = People({e.actor_id for e in events} | {pk for e in events for pk in _officer_ids(e)}, dossier)
    return [TimelineEntry(e, event_label(e.kind), _note(e, people), people.who(e)) for e in events]
