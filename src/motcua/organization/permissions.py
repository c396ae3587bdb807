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
