"""The back-office page "synchronisation with the national portal": what is waiting, what is
stuck and why, the last calls; an administrator of the dossier's agency may resend a dossier."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.models import Dossier
from motcua.organization.access import staff_required
from motcua.organization.permissions import admin_scope, scope_of

from . import selectors, services
from .errors import NationalSyncError
from .models import ErrorKind


def agency_scope(user):
    """None for the whole province, else the agencies whose dossiers the person may watch: those
    they administer and those they hold dossiers for."""
    admin = admin_scope(user)
    if admin.everything:
        return None
    return set(admin.agency_ids) | set(scope_of(user).agency_ids("dossier.view"))


def may_resend(user, dossier: Dossier) -> bool:
    admin = admin_scope(user)
    return admin.everything or dossier.competent_agency_id in admin.agency_ids


@staff_required
def status(request):
    agencies = agency_scope(request.user)
    if agencies is not None and not agencies:
        raise PermissionDenied(_("This page is for officers and administrators of an agency."))
    admin = admin_scope(request.user)
    kinds = dict(ErrorKind.choices)
    rows = selectors.stuck(agencies)
    for row in rows:
        row["reason"] = kinds.get(row["error_kind"], _("Waiting for the next attempt")) if row["error_kind"] else \
            _("Not yet sent")
    return render(request, "national/status.html", {
        "rows": rows, "figures": selectors.figures(agencies), "attempts": selectors.recent_attempts(agencies),
        "can_resend": admin.everything or bool(admin.agency_ids), "kinds": kinds,
    })


@staff_required
@require_POST
def resend(request):
    code = (request.POST.get("code") or "").strip()
    try:
        dossier = Dossier.objects.filter(code=code).first()
        if dossier is None:
            raise NationalSyncError("not_found", _("No dossier has the code “%(code)s”.") % {"code": code})
        if not may_resend(request.user, dossier):
            raise NationalSyncError("forbidden", _("Only an administrator of the agency of dossier %(code)s may "
                                                   "send it again.") % {"code": code})
    except NationalSyncError as error:
        messages.error(request, error.message)
        return redirect("national:status")
    result = services.resend(code=code)
    messages.success(request, _("Dossier %(code)s: %(count)d rows will be sent again within a minute.")
                     % {"code": code, "count": result["requeued"] + result["queued"]})
    return redirect("national:status")
