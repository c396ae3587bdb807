"""Public tracking page: anyone with a dossier code sees its status and dates, the applicant's
initials ('N*** V*** A') and the procedure's name unless the catalogue marks it sensitive. The
procedure, the applicant's name and the path (steps with units and dates) are shown to whoever
also gives the applicant's phone or citizen ID: codes are sequential, so the code alone proves
little. Wrong phones/IDs are throttled per client address and per code (feedback.proofs): 429."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core.db_routing import heavy_reads
from motcua.dossiers.selectors import public_tracking
from motcua.feedback.proofs import ProofThrottled, attempt

MAX_CODE_LENGTH = 40
MAX_SECRET_LENGTH = 20


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@heavy_reads
def tracking(request):
    code = (request.GET.get("ma") or "").strip()[:MAX_CODE_LENGTH]
    secret = (request.GET.get("xac_minh") or "").strip()[:MAX_SECRET_LENGTH]
    info = error = None
    status, retry_after = 200, 0
    if code and secret:
        found = {}

        def proven() -> bool:
            found["info"] = public_tracking(code, secret)
            return bool(found["info"] and found["info"]["verified"])

        try:
            attempt(code, client_ip(request), proven)
        except ProofThrottled as throttled:
            error, status, retry_after = throttled.message, 429, throttled.retry_after
            info = public_tracking(code)
        else:
            info = found.get("info")
            if info is not None and not info["verified"]:
                error = _("The phone number or citizen ID does not match this dossier, so its details are not shown.")
    elif code:
        info = public_tracking(code)
    if code and info is None:
        error = _("No dossier has the code %(code)s. Check the code on your receipt.") % {"code": code}
        status = 404
    context = {"code": code, "secret": secret, "info": info, "error": error}
    response = render(request, "portal/tracking.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
