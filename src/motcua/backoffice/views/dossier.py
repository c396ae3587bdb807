"""The dossier page: summary, documents, process control sheet, timeline, and the actions this
officer may take now, each posting with the row version it was rendered with."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.dossiers.models import Status

from .. import form_commands
from motcua.organization.access import staff_required
from ..actions import ACTIONS, ORDER, build_form
from ..timeline import timeline_of


# Where a dossier no longer being handled stands: its last step's name stays on the row (for the
# record), so the page says this instead of "at the approval step".
WHERE_NOW = {
    Status.NEW: gettext_lazy("Waiting for intake: submitted online, not yet accepted"),
    Status.NOT_RECEIVED: gettext_lazy("Finished: refused at intake"),
    Status.WITHDRAWN: gettext_lazy("Finished: withdrawn"),
    Status.STOPPED: gettext_lazy("Finished: handling stopped"),
    Status.RESOLVED: gettext_lazy("Result issued, waiting to be returned to the applicant"),
    Status.RETURNED: gettext_lazy("Finished: the result has been returned"),
}


@staff_required
def dossier_detail(request, code):
    dossier = form_commands.visible_dossier(request.user, code)
    allowed = set(form_commands.actions_for(request.user, dossier))
    actions = [
        {"name": name, "label": ACTIONS[name].label, "form": build_form(name, dossier)}
        for name in ORDER
        if name in allowed
    ]
    steps = dossier.steps.select_related(
        "agency", "given_by__staff_profile", "assignee__staff_profile", "finished_by__staff_profile"
    ).order_by("order")
    context = {
        "dossier": dossier,
        "actions": actions,
        "documents": dossier.documents.all(),
        "steps": steps,
        "events": timeline_of(dossier),
        "where_now": WHERE_NOW.get(dossier.status, ""),
        "printouts": form_commands.printouts_for(dossier),
        # Paper documents get a "Digitise" link for officers who may attach a scan now.
        "can_digitise": "digitise_document" in allowed,
    }
    return render(request, "backoffice/dossier.html", context)


@staff_required
@require_POST
def dossier_action(request, code, action):
    dossier = form_commands.visible_dossier(request.user, code)
    if action not in ACTIONS:
        raise Http404
    form = build_form(action, dossier, request.POST, request.FILES)
    try:
        expected_version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The form is incomplete; reload the page and try again."))
        return redirect("backoffice:dossier", code=code)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
            for name, errs in form.errors.items()
        )
        messages.error(request, _("Nothing was changed. %(problems)s") % {"problems": problems})
        return redirect("backoffice:dossier", code=code)
    try:
        ACTIONS[action].run(request.user, dossier, form.cleaned_data, expected_version)
    except form_commands.ActionError as error:
        messages.error(request, _("Nothing was changed. %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action].label})
    return redirect("backoffice:dossier", code=code)
