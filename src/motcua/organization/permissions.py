"""Permissions are data: each is declared once with its meaning, and each role grants a set.

An officer acts for the agencies of their role assignments (and the agencies served by the
counters of a service point they manage); a province administrator acts province-wide.
"""
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, Counter, Role, RoleAssignment


@dataclass(frozen=True)
class Permission:
    code: str
    meaning: str


PERMISSIONS = {
    p.code: p
    for p in [
        Permission("dossier.view", _("See the dossiers of the agencies one serves")),
        Permission("dossier.receive", _("Receive, refuse at intake and hand back results at the counter")),
        Permission("dossier.examine", _("Examine a dossier, ask for a supplement, draft the result")),
        Permission("dossier.approve", _("Approve or return a dossier, sign the result")),
        Permission("dossier.assign", _("Assign dossiers to officers of one's unit")),
        Permission("service_point.manage", _("Manage counters, staff roster and queue of a service point")),
        Permission("catalog.manage", _("Publish and change the procedure catalogue")),
        Permission("calendar.manage", _("Edit the working calendar")),
        Permission("reports.view", _("See statistics and reports")),
        Permission("postal.work", _("Carry pick-ups, transfers and deliveries; record deliveries")),
    ]
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTER_OFFICER: frozenset({"dossier.view", "dossier.receive"}),
    Role.SPECIALIST: frozenset({"dossier.view", "dossier.examine"}),
    Role.LEADER: frozenset({"dossier.view", "dossier.approve", "dossier.assign", "reports.view"}),
    Role.CENTRE_MANAGER: frozenset({"dossier.view", "service_point.manage", "reports.view"}),
    Role.PROVINCE_ADMIN: frozenset(
        {"dossier.view", "catalog.manage", "calendar.manage", "reports.view", "service_point.manage"}
    ),
    Role.POSTAL_WORKER: frozenset({"postal.work"}),
}


def active_assignments(user, on=None):
    if not user or not user.is_authenticated:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.valid_on(on or timezone.localdate()).filter(user=user)


def roles_of(user) -> set[str]:
    return set(active_assignments(user).values_list("role", flat=True))


def has_permission(user, permission: str, agency: Agency | None = None) -> bool:
    """True if the user holds a role granting `permission` for `agency` (or anywhere if None)."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    scope = scope_of(user)
    if agency is None:
        return scope.holds(permission)
    return agency.pk in scope.agency_ids(permission)


def agencies_for(user, permission: str = "dossier.view"):
    """The agencies for which the user holds `permission` (all agencies for province-wide roles)."""
    return scope_of(user).agencies(permission)


# --- a person's scope, once per request ----------------------------------------------------------

# Bumped in this process whenever something a scope is computed from changes (roles, counters and
# their agencies, seats, agencies' parents, a user's flags): a scope computed before is recomputed.
_generation = 0


def scope_changed(**kwargs) -> None:
    global _generation
    _generation += 1


# The fields of a user a scope is computed from (`Scope.of`). Saving others - last_login at each
# sign-in, a name, a password - leaves the cached scopes as they are.
SCOPE_USER_FIELDS = frozenset({"is_superuser"})


def user_scope_changed(update_fields=None, **kwargs) -> None:
    """A user saved: stale scopes only when the save may have changed a field scopes read (a save
    without `update_fields` may change anything; a deletion always counts)."""
    if update_fields is not None and not SCOPE_USER_FIELDS & set(update_fields):
        return
    scope_changed()


@dataclass(frozen=True)
class Seat:
    """A counter seat in force: the counter, its service point and the agency represented there."""

    counter_id: int
    service_point_id: int
    agency_id: int


class Scope:
    """A person's reach today, computed once per request (`scope_of`) and used by every app's
    selectors and commands: the agencies they hold each permission for, the service points of
    their roles, and (read when first asked) their counter seats.

    One rule, from the role assignments in force: a role grants its permissions (`ROLE_PERMISSIONS`)
    for its agency and that agency's divisions, and for the agencies served by the counters of its
    service point; a province administrator's permissions and a superuser's every permission hold
    for every agency."""

    def __init__(self, user_id=None, *, superuser=False, province_wide=frozenset(), by_permission=None,
                 service_point_ids=()):
        self.user_id = user_id
        self.superuser = superuser
        self.province_wide = frozenset(province_wide)  # permissions held for every agency
        self.by_permission: dict[str, frozenset[int]] = dict(by_permission or {})
        self.service_point_ids = tuple(service_point_ids)  # in the order of the role assignments
        self._all_agency_ids = None
        self._seats = None

    @classmethod
    def of(cls, user) -> "Scope":
        """Compute the scope of `user` now (three queries at most); `scope_of` caches it."""
        if not user or not getattr(user, "is_authenticated", False):
            return cls()
        if getattr(user, "is_superuser", False):
            return cls(user.pk, superuser=True)
        assignments = list(active_assignments(user).order_by("pk").values_list("role", "agency_id", "service_point_id"))
        agency_ids = {agency for _role, agency, _point in assignments if agency}
        point_ids = {point for _role, _agency, point in assignments if point}
        divisions: dict[int, set[int]] = {}
        if agency_ids:  # a role in an agency covers its divisions too
            for pk, parent in Agency.objects.filter(parent_id__in=agency_ids).values_list("pk", "parent_id"):
                divisions.setdefault(parent, set()).add(pk)
        served: dict[int, set[int]] = {}
        if point_ids:
            counters = Counter.objects.filter(service_point_id__in=point_ids).exclude(agencies=None)
            for point, agency in counters.values_list("service_point_id", "agencies"):
                served.setdefault(point, set()).add(agency)
        province_wide, by_permission = set(), {}
        for role, agency, point in assignments:
            granted = ROLE_PERMISSIONS.get(role, frozenset())
            if role == Role.PROVINCE_ADMIN:
                province_wide |= granted
                continue
            reach = ({agency} | divisions.get(agency, set()) if agency else set()) | served.get(point, set())
            for permission in granted:
                by_permission.setdefault(permission, set()).update(reach)
        return cls(user.pk, province_wide=province_wide,
                   by_permission={p: frozenset(ids) for p, ids in by_permission.items()},
                   service_point_ids=tuple(dict.fromkeys(point for _role, _agency, point in assignments if point)))

    def holds(self, permission: str) -> bool:
        """Does any role grant `permission`, for some agency (or everywhere)?"""
        return self.superuser or permission in self.province_wide or permission in self.by_permission

    def is_everywhere(self, permission: str) -> bool:
        return self.superuser or permission in self.province_wide

    def agency_ids(self, permission: str) -> frozenset[int]:
        """The agencies (ids) for which the person holds `permission`."""
        if self.is_everywhere(permission):
            if self._all_agency_ids is None:
                self._all_agency_ids = frozenset(Agency.objects.values_list("pk", flat=True))
            return self._all_agency_ids
        return self.by_permission.get(permission, frozenset())

    def agencies(self, permission: str):
        """The same agencies as a queryset (usable as a subquery)."""
        if self.is_everywhere(permission):
            return Agency.objects.all()
        return Agency.objects.filter(pk__in=self.by_permission.get(permission, ()))

    @property
    def seats(self) -> tuple[Seat, ...]:
        """The person's counter seats in force at active counters, read once when first asked."""
        if self._seats is None:
            if self.user_id is None:
                self._seats = ()
            else:
                from .models import CounterAssignment

                rows = (
                    CounterAssignment.objects.valid_on(timezone.localdate())
                    .filter(user_id=self.user_id, counter__is_active=True)
                    .order_by("counter", "kind")
                    .values_list("counter_id", "counter__service_point_id", "agency_id")
                )
                self._seats = tuple(Seat(*row) for row in rows)
        return self._seats

    def service_point_for(self, agency_id) -> int | None:
        """Where the person sits for `agency_id`: their counter's service point for it, else the
        service point of one of their roles, else None."""
        for seat in self.seats:
            if seat.agency_id == agency_id:
                return seat.service_point_id
        return self.service_point_ids[0] if self.service_point_ids else None


EMPTY_SCOPE = Scope()


def scope_of(user) -> Scope:
    """The person's scope, computed once per request: cached on the user object, which lives for
    one request (and recomputed when roles, counters or seats changed in this process since)."""
    if not user or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = user.__dict__.get("_motcua_scope")
    if cached is not None and cached[0] == _generation:
        return cached[1]
    scope = Scope.of(user)
    user.__dict__["_motcua_scope"] = (_generation, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after changing someone's roles in another process, e.g. a test's)."""
    if user is not None:
        user.__dict__.pop("_motcua_scope", None)


def connect_scope_signals() -> None:
    """Any change to what scopes are computed from makes the cached scopes stale (`apps.ready`)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import CounterAssignment

    for model in (RoleAssignment, CounterAssignment, Counter, Agency, get_user_model()):
        on_save = user_scope_changed if model is get_user_model() else scope_changed
        post_save.connect(on_save, sender=model, dispatch_uid=f"scope-save-{model._meta.label}")
        post_delete.connect(scope_changed, sender=model, dispatch_uid=f"scope-delete-{model._meta.label}")
    m2m_changed.connect(scope_changed, sender=Counter.agencies.through, dispatch_uid="scope-counter-agencies")


def users_with_role(role: str, agency: Agency):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        Q(role_assignments__role=role) & Q(role_assignments__agency=agency)
    ).distinct()


# --- scope of administrative rights (the Django admin) -------------------------------------------


def is_province_wide(user) -> bool:
    """A superuser or a province administrator in force: administrative rights over everything."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return active_assignments(user).filter(role=Role.PROVINCE_ADMIN).exists()


@dataclass(frozen=True)
class AdminScope:
    """What a person may administer: everything (superuser, province administrator), or the
    service points they manage as centre manager and the agencies those points' counters serve
    *now*. Nobody widens their own scope: the agencies are read before any change is saved, and
    a person never changes their own access (roles, counter seats, profile, account flags)."""

    user_id: int | None
    everything: bool
    service_point_ids: frozenset = frozenset()
    agency_ids: frozenset = frozenset()

    # What a centre manager may grant: a counter officer's role for an agency they manage, or the
    # management of their own service point. Other roles (specialist, leader) belong to the
    # agencies themselves, and province administration to the province.
    GRANTABLE_ROLES = (Role.COUNTER_OFFICER, Role.CENTRE_MANAGER)

    def counters(self):
        qs = Counter.objects.all()
        return qs if self.everything else qs.filter(service_point_id__in=self.service_point_ids)

    def service_points(self):
        from .models import ServicePoint

        qs = ServicePoint.objects.all()
        return qs if self.everything else qs.filter(pk__in=self.service_point_ids)

    def agencies(self):
        qs = Agency.objects.all()
        return qs if self.everything else qs.filter(pk__in=self.agency_ids)

    def staff_user_ids(self) -> set[int]:
        """People working at the managed service points: a counter seat or a role there, in force."""
        from .models import CounterAssignment

        today = timezone.localdate()
        seated = CounterAssignment.objects.valid_on(today).filter(
            counter__service_point_id__in=self.service_point_ids
        ).values_list("user_id", flat=True)
        managing = RoleAssignment.objects.valid_on(today).filter(
            service_point_id__in=self.service_point_ids
        ).values_list("user_id", flat=True)
        return set(seated) | set(managing)

    def users(self):
        """The people whose access this scope may change (never the person themselves)."""
        from django.contrib.auth import get_user_model

        qs = get_user_model().objects.all()
        if self.everything:
            return qs
        return qs.filter(pk__in=self.staff_user_ids()).exclude(pk=self.user_id).exclude(is_superuser=True)

    def officers(self):
        """People a manager may seat at a counter or give a role: their own staff, and officers
        (a staff profile) of the agencies they manage; never superusers or themselves."""
        from django.contrib.auth import get_user_model

        qs = get_user_model().objects.all()
        if self.everything:
            return qs
        today = timezone.localdate()
        of_agencies = RoleAssignment.objects.valid_on(today).filter(agency_id__in=self.agency_ids).values_list(
            "user_id", flat=True)
        return qs.filter(
            Q(pk__in=self.staff_user_ids()) | Q(staff_profile__home_agency_id__in=self.agency_ids)
            | Q(pk__in=list(of_agencies))
        ).exclude(pk=self.user_id).exclude(is_superuser=True).distinct()

    def role_assignments(self):
        """The role assignments this scope may see and change."""
        qs = RoleAssignment.objects.all()
        if self.everything:
            return qs
        return qs.filter(
            Q(role=Role.CENTRE_MANAGER, service_point_id__in=self.service_point_ids)
            | Q(role=Role.COUNTER_OFFICER, agency_id__in=self.agency_ids)
        ).exclude(user_id=self.user_id)

    # The checks made on save, whatever the form offered (a tampered POST is refused here).

    def allows_counter(self, service_point_id, agency_ids=()) -> bool:
        if self.everything:
            return True
        return service_point_id in self.service_point_ids and set(agency_ids) <= self.agency_ids

    def allows_user(self, user_id) -> bool:
        if self.everything:
            return True
        return user_id is not None and user_id != self.user_id and self.officers().filter(pk=user_id).exists()

    def allows_role(self, user_id, role, agency_id, service_point_id) -> bool:
        if self.everything:
            return True
        if not self.allows_user(user_id):
            return False
        if role == Role.COUNTER_OFFICER:
            return agency_id in self.agency_ids and service_point_id in (None, *self.service_point_ids)
        if role == Role.CENTRE_MANAGER:
            return service_point_id in self.service_point_ids and agency_id in (None, *self.agency_ids)
        return False

    def allows_counter_assignment(self, user_id, counter, agency_id) -> bool:
        if self.everything:
            return True
        return (
            counter is not None
            and counter.service_point_id in self.service_point_ids
            and agency_id in self.agency_ids
            and self.allows_user(user_id)
        )

    def allows_home_agency(self, agency_id) -> bool:
        return self.everything or agency_id is None or agency_id in self.agency_ids


def admin_scope(user) -> AdminScope:
    """The administrative scope of `user` today (see AdminScope)."""
    if is_province_wide(user):
        return AdminScope(user_id=user.pk, everything=True)
    if not user or not user.is_authenticated:
        return AdminScope(user_id=None, everything=False)
    points = frozenset(
        active_assignments(user).filter(role=Role.CENTRE_MANAGER, service_point__isnull=False)
        .values_list("service_point_id", flat=True)
    )
    agencies = frozenset(
        Counter.objects.filter(service_point_id__in=points).exclude(agencies=None).values_list("agencies", flat=True)
    )
    return AdminScope(user_id=user.pk, everything=False, service_point_ids=points, agency_ids=agencies)
