"""Who may open the officer pages (back office, feedback, payments, reports, documents): a signed-in
user with an active staff role (or a superuser).

Every such page is further scoped to the agencies the officer serves (`agencies_for`), so an
officer of another agency meets a 404, never the dossier.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from motcua.organization.permissions import active_assignments


def is_active_staff(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or active_assignments(user).exists()


def staff_required(view):
    """Send anonymous users to the officer login page; refuse signed-in users without a role."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not is_active_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
