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
    if user and getattr(user, "is_superuser", False):
        return True
    for assignment in active_assignments(user):
        if permission not in ROLE_PERMISSIONS.get(assignment.role, ()):
            continue
        if agency is None or assignment.role == Role.PROVINCE_ADMIN:
            return True
        if agency.pk in _agency_ids_of_assignment(assignment):
            return True
    return False


def agencies_for(user, permission: str = "dossier.view"):
    """The agencies for which the user holds `permission` (all agencies for province-wide roles)."""
    if user and getattr(user, "is_superuser", False):
        return Agency.objects.all()
    ids: set[int] = set()
    for assignment in active_assignments(user):
        if permission not in ROLE_PERMISSIONS.get(assignment.role, ()):
            continue
        if assignment.role == Role.PROVINCE_ADMIN:
            return Agency.objects.all()
        ids |= _agency_ids_of_assignment(assignment)
    return Agency.objects.filter(pk__in=ids)


def _agency_ids_of_assignment(assignment) -> set[int]:
    ids = set()
    if assignment.agency_id:
        ids.add(assignment.agency_id)
        # A role in an agency covers its divisions too.
        ids |= set(Agency.objects.filter(parent_id=assignment.agency_id).values_list("pk", flat=True))
    if assignment.service_point_id:
        ids |= set(
            Counter.objects.filter(service_point_id=assignment.service_point_id)
            .values_list("agencies", flat=True)
            .exclude(agencies=None)
        )
    return ids


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
