"""The access audit: every change of somebody's access, and every population register lookup,
written as an append-only `AccessAuditEntry` (who, when, from which page, before and after).

Access changes are caught by model signals, so that every path writes them (the admin, the demo
loader, a shell): role assignments, counter assignments, counters (their service point and the
agencies they serve), staff profiles (home agency), and users' active/staff/superuser flags and
groups. The person acting and the page come from the request being served
(`AccessAuditMiddleware`) or from `acting_as(user, source)`; without either the row says "system".
"""
import contextlib
import contextvars
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone

from .models import AccessAuditEntry, Counter, CounterAssignment, RoleAssignment, StaffProfile

Kind = AccessAuditEntry.Kind
Action = AccessAuditEntry.Action

_context: contextvars.ContextVar = contextvars.ContextVar("motcua_access_audit", default=None)


class AccessAuditMiddleware:
    """Remember the request being served, so that an access change knows who made it and where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set({"request": request})
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


@contextlib.contextmanager
def acting_as(user, source: str = "", ip_address: str | None = None):
    """Attribute the access changes made inside the block to `user` (commands, services, tests)."""
    token = _context.set({"user": user, "source": source, "ip": ip_address})
    try:
        yield
    finally:
        _context.reset(token)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def current_actor():
    """(user or None, source page, ip) of the change being made now."""
    context = _context.get()
    if not context:
        return None, "system", None
    request = context.get("request")
    if request is not None:
        user = getattr(request, "user", None)
        user = user if user is not None and user.is_authenticated else None
        return user, request.path[:255], client_ip(request)
    return context.get("user"), (context.get("source") or "system")[:255], context.get("ip")


def _user_label(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None) if user.pk else None
    name = profile.full_name if profile else user.get_full_name()
    return f"{user.get_username()} ({name})"[:255] if name else user.get_username()


def record(kind, action, *, subject=None, subject_label="", object_label="", before=None, after=None,
           actor=None, source=None, ip_address=None, citizen_id_digest="") -> AccessAuditEntry:
    now_actor, now_source, now_ip = current_actor()
    actor = actor if actor is not None else now_actor
    return AccessAuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None else "",
        kind=kind,
        action=action,
        subject=subject if subject is not None and subject.pk else None,
        subject_label=(subject_label or _user_label(subject))[:255],
        object_label=str(object_label)[:255],
        citizen_id_digest=citizen_id_digest,
        before=before,
        after=after,
        source=(source if source is not None else now_source)[:255],
        ip_address=ip_address if ip_address is not None else now_ip,
    )


# --- citizen IDs in the log: masked for reading, keyed hash for searching -------------------------


def mask_citizen_id(citizen_id: str) -> str:
    citizen_id = (citizen_id or "").strip()
    if len(citizen_id) <= 5:
        return "*" * len(citizen_id)
    return citizen_id[:3] + "*" * (len(citizen_id) - 5) + citizen_id[-2:]


def citizen_id_digest(citizen_id: str) -> str:
    key = f"motcua-access-audit:{settings.SECRET_KEY}".encode()
    return hmac.new(key, (citizen_id or "").strip().encode(), hashlib.sha256).hexdigest()


# --- snapshots of the rows that carry access ----------------------------------------------------


def _agency(agency) -> str | None:
    return f"{agency.code} {agency.name}" if agency is not None else None


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _snapshot_role(row: RoleAssignment) -> dict:
    return {
        "user": row.user.get_username() if row.user_id else None,
        "role": row.role,
        "agency": _agency(row.agency) if row.agency_id else None,
        "service_point": row.service_point.code if row.service_point_id else None,
        "valid_from": _day(row.valid_from),
        "valid_to": _day(row.valid_to),
    }


def _snapshot_seat(row: CounterAssignment) -> dict:
    return {
        "user": row.user.get_username() if row.user_id else None,
        "service_point": row.counter.service_point.code if row.counter_id else None,
        "counter": row.counter.number if row.counter_id else None,
        "agency": _agency(row.agency) if row.agency_id else None,
        "kind": row.kind,
        "valid_from": _day(row.valid_from),
        "valid_to": _day(row.valid_to),
    }


def _snapshot_counter(row: Counter, with_agencies: bool = True) -> dict:
    data = {
        "service_point": row.service_point.code if row.service_point_id else None,
        "number": row.number,
        "is_active": row.is_active,
    }
    if with_agencies and row.pk:
        data["agencies"] = sorted(a.code for a in row.agencies.all())
    return data


def _snapshot_profile(row: StaffProfile) -> dict:
    return {
        "user": row.user.get_username() if row.user_id else None,
        "home_agency": _agency(row.home_agency) if row.home_agency_id else None,
    }


USER_FLAGS = ("is_active", "is_staff", "is_superuser")


def _snapshot_user(row) -> dict:
    return {name: getattr(row, name) for name in USER_FLAGS}


TRACKED = {
    RoleAssignment: (Kind.ROLE_ASSIGNMENT, _snapshot_role, lambda row: row.user),
    CounterAssignment: (Kind.COUNTER_ASSIGNMENT, _snapshot_seat, lambda row: row.user),
    Counter: (Kind.COUNTER, lambda row: _snapshot_counter(row, with_agencies=False), lambda row: None),
    StaffProfile: (Kind.STAFF_PROFILE, _snapshot_profile, lambda row: row.user),
}


def _counter_subject(row: Counter) -> str:
    return row.service_point.name if row.service_point_id else ""


def _subject_label(row, subject) -> str:
    return _counter_subject(row) if isinstance(row, Counter) else ""


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or sender not in TRACKED or instance._state.adding or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._access_audit_before = TRACKED[sender][1](old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or sender not in TRACKED:
        return
    kind, snapshot, subject_of = TRACKED[sender]
    after = snapshot(instance)
    before = None if created else getattr(instance, "_access_audit_before", None)
    instance._access_audit_before = after
    if not created and before == after:
        return
    subject = subject_of(instance)
    record(kind, Action.CREATED if created or before is None else Action.CHANGED, subject=subject,
           subject_label=_subject_label(instance, subject), object_label=instance, before=before, after=after)


def _before_delete(sender, instance, **kwargs):
    if sender not in TRACKED:
        return
    kind, snapshot, subject_of = TRACKED[sender]
    try:
        before = _snapshot_counter(instance) if isinstance(instance, Counter) else snapshot(instance)
        label = str(instance)
    except Exception:  # a related row already gone in a cascade: keep what the row itself holds
        before, label = {"id": instance.pk}, f"{sender.__name__} #{instance.pk}"
    subject = None
    try:
        subject = subject_of(instance)
    except Exception:
        pass
    # The label only, never the link: the row may be deleted with its user (a cascade), and a link
    # to a user being deleted would break the deletion.
    if isinstance(instance, Counter):
        subject_label = _counter_subject(instance)
    else:
        subject_label = _user_label(subject) if subject is not None and subject.pk else ""
    record(kind, Action.DELETED, subject_label=subject_label, object_label=label, before=before, after=None)


def _counter_agencies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A counter's agencies decide what its service point's manager sees."""
    if reverse:
        counters = Counter.objects.filter(pk__in=pk_set or ()) if action not in ("pre_clear", "post_clear") else []
        # An agency's counters changed from the agency side: audit each counter touched.
        if action.startswith("pre_"):
            instance._access_audit_counters = {c.pk: sorted(a.code for a in c.agencies.all()) for c in counters}
        elif action.startswith("post_"):
            for counter in counters:
                before = getattr(instance, "_access_audit_counters", {}).get(counter.pk)
                after = sorted(a.code for a in counter.agencies.all())
                if before != after:
                    record(Kind.COUNTER, Action.CHANGED, subject_label=_counter_subject(counter),
                           object_label=counter, before={"agencies": before}, after={"agencies": after})
        return
    if action.startswith("pre_"):
        instance._access_audit_agencies = sorted(a.code for a in instance.agencies.all())
        return
    before = getattr(instance, "_access_audit_agencies", None)
    after = sorted(a.code for a in instance.agencies.all())
    if before == after:
        return
    instance._access_audit_agencies = after
    record(Kind.COUNTER, Action.CHANGED, subject_label=_counter_subject(instance), object_label=instance,
           before={"agencies": before}, after={"agencies": after})


def _user_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return  # e.g. last_login at every sign-in
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._access_audit_before = _snapshot_user(old) if old is not None else None


def _user_after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    after = _snapshot_user(instance)
    if created:
        if any(after.values()) and (instance.is_staff or instance.is_superuser):
            record(Kind.USER_ACCOUNT, Action.CREATED, subject=instance, object_label=instance.get_username(),
                   after=after)
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return
    before = getattr(instance, "_access_audit_before", None)
    instance._access_audit_before = after
    if before is not None and before != after:
        changed = [name for name in USER_FLAGS if before[name] != after[name]]
        record(Kind.USER_ACCOUNT, Action.CHANGED, subject=instance, object_label=instance.get_username(),
               before={name: before[name] for name in changed}, after={name: after[name] for name in changed})


def _user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or not isinstance(instance, get_user_model()):
        return
    if action.startswith("pre_"):
        instance._access_audit_groups = sorted(instance.groups.values_list("name", flat=True))
        return
    before = getattr(instance, "_access_audit_groups", None)
    after = sorted(instance.groups.values_list("name", flat=True))
    if before == after:
        return
    instance._access_audit_groups = after
    record(Kind.USER_ACCOUNT, Action.CHANGED, subject=instance, object_label=instance.get_username(),
           before={"groups": before}, after={"groups": after})


def connect():
    for model in TRACKED:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"access_audit_pre_{model.__name__}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"access_audit_post_{model.__name__}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"access_audit_delete_{model.__name__}")
    m2m_changed.connect(_counter_agencies_changed, sender=Counter.agencies.through,
                        dispatch_uid="access_audit_counter_agencies")
    User = get_user_model()
    pre_save.connect(_user_before_save, sender=User, dispatch_uid="access_audit_user_pre")
    post_save.connect(_user_after_save, sender=User, dispatch_uid="access_audit_user_post")
    m2m_changed.connect(_user_groups_changed, sender=User.groups.through, dispatch_uid="access_audit_user_groups")
