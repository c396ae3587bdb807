"""Public tracking page: anyone with a dossier code sees its status and dates, and the masked
name of the applicant. The path (steps with units and dates) is shown to whoever also gives the
applicant's phone or citizen ID: codes are sequential, so the code alone proves little."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.dossiers.selectors import public_tracking

MAX_CODE_LENGTH = 40
MAX_SECRET_LENGTH = 20


def tracking(request):
    code = (request.GET.get("ma") or "").strip()[:MAX_CODE_LENGTH]
    secret = (request.GET.get("xac_minh") or "").strip()[:MAX_SECRET_LENGTH]
    info = error = None
    status = 200
    if code:
        info = public_tracking(code, secret or None)
        if info is None:
            error = _("No dossier has the code %(code)s. Check the code on your receipt.") % {"code": code}
            status = 404
        elif secret and not info["verified"]:
            error = _("The phone number or citizen ID does not match this dossier, so its path is not shown.")
    context = {"code": code, "secret": secret, "info": info, "error": error}
    return render(request, "portal/tracking.html", context, status=status)
