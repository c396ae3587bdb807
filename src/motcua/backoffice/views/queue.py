"""The work queue of an officer ("mine") and of the agencies they serve ("unit")."""
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, Procedure, TimeUnit
from motcua.catalog.services import effective_limit
from motcua.core.formatting import vn_number
from motcua.dossiers import selectors, services

from motcua.organization.access import staff_required

PAGE_SIZE = 25
SCOPES = [
    ("mine", _("Mine")),
    ("unit", _("My unit")),
    ("unassigned", _("Unassigned in my unit")),
    ("online", _("Online dossiers waiting for intake")),
    ("return", _("Results to hand back")),
]
DUE_FILTERS = [
    ("", _("All")),
    ("due_today", _("Due today")),
    ("due_this_week", _("Due this week")),
    ("due_soon", _("Due within 2 working days")),
    ("overdue", _("Overdue")),
    ("waiting_supplement", _("Waiting for supplement")),
    ("waiting_payment", _("Waiting for a fee")),
]


def _facet(queue, key: str, model):
    """[{code, name, count}] of the procedures or fields in the queue, for the filter selects."""
    rows = queue.order_by().values(key).annotate(n=Count("pk"))
    counts = {row[key]: row["n"] for row in rows}
    if model is Procedure:
        objects = model.objects.filter(pk__in=counts).select_related("current_version")
        return sorted(
            ({"code": p.code, "name": p.current_version.name if p.current_version_id else p.code, "count": counts[p.pk]}
             for p in objects),
            key=lambda item: item["name"],
        )
    return [{"code": f.code, "name": f.name, "count": counts[f.pk]} for f in model.objects.filter(pk__in=counts)]


def _scopes_for(user) -> list[dict]:
    """The tabs this officer has, with their counts: "Mine" and "My unit" always; the unit's
    unassigned dossiers for specialists and leaders; online dossiers waiting for intake for
    counter officers."""
    counts = selectors.queue_tab_counts(user)
    shown = {
        "mine": True,
        "unit": True,
        "unassigned": bool(selectors.unassigned_agency_ids(user)),
        "online": bool(services.agency_ids_with(user, "dossier.receive")),
    }
    shown["return"] = shown["online"]
    counts["mine"] = selectors.work_queue(user, scope="mine").order_by().count()
    counts["unit"] = selectors.work_queue(user, scope="unit").order_by().count()
    return [{"key": key, "label": label, "count": counts[key]} for key, label in SCOPES if shown[key]]


def online_limit(dossier) -> str:
    """The time limit an online dossier gets once accepted, marked as the online limit when the
    catalogue sets one for the procedure (or its case); '' if unknown."""
    version, case = dossier.procedure_version, dossier.case
    has_online = version.online_time_limit is not None or (case is not None and case.online_time_limit is not None)
    try:
        amount, unit = effective_limit(version, case, online=True)
    except (TypeError, ValueError):
        return ""
    text = f"{vn_number(amount, 2 if amount % 1 else 0)} {TimeUnit(unit).label}"
    return _("%(limit)s (online limit)") % {"limit": text} if has_online else text


def _online_intake(request, scopes):
    queue = selectors.online_intake_queue(request.user).select_related(
        "procedure_version", "case", "receiving_agency", "service_point"
    )
    page_obj = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for dossier in page_obj:
        dossier.online_limit = online_limit(dossier)
        dossier.waiting_days = max(0, (now - dossier.submitted_at).days) if dossier.submitted_at else 0
    return render(request, "backoffice/queue.html", {
        "scopes": scopes, "scope": "online", "page_obj": page_obj, "querystring": urlencode({"scope": "online"}),
        "now": now,
    })


def _results_to_return(request, scopes):
    queue = selectors.results_to_return_queue(request.user).select_related("procedure_version", "case")
    page_obj = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier in page_obj:
        dossier.owed = max(0, dossier.fee_due - dossier.fee_paid)  # the engine refuses to return while owed
    return render(request, "backoffice/queue.html", {
        "scopes": scopes, "scope": "return", "page_obj": page_obj, "querystring": urlencode({"scope": "return"}),
        "now": timezone.now(),
    })


@staff_required
def work_queue(request):
    scopes = _scopes_for(request.user)
    keys = [item["key"] for item in scopes]
    scope = request.GET.get("scope") if request.GET.get("scope") in keys else "mine"
    if scope == "online":
        return _online_intake(request, scopes)
    if scope == "return":
        return _results_to_return(request, scopes)
    due = request.GET.get("due", "") if request.GET.get("due", "") in dict(DUE_FILTERS) else ""
    procedure_code = request.GET.get("procedure", "")
    field_code = request.GET.get("field", "")
    narrowing = {}
    procedure = Procedure.objects.filter(code=procedure_code).first() if procedure_code else None
    field = Field.objects.filter(code=field_code).first() if field_code else None
    if procedure_code:
        narrowing["procedure"] = procedure.pk if procedure else -1  # unknown code: an empty queue
    if field_code:
        narrowing["field"] = field.pk if field else -1
    now = timezone.now()

    counts = selectors.work_queue_counts(request.user, scope=scope, now=now, **narrowing)
    due_filters = [{"key": key, "label": label, "count": counts["all" if not key else key]} for key, label in DUE_FILTERS]
    queue = selectors.work_queue(request.user, scope=scope, now=now, **narrowing, **({due: True} if due else {}))
    base_queue = selectors.work_queue(request.user, scope=scope, now=now)
    page_obj = Paginator(queue.select_related("procedure_version"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in {"scope": scope, "due": due, "procedure": procedure_code, "field": field_code}.items() if v}
    context = {
        "scopes": scopes,
        "scope": scope,
        "due": due,
        "due_filters": due_filters,
        "procedure_code": procedure_code,
        "field_code": field_code,
        "procedure_choices": _facet(base_queue, "procedure_id", Procedure),
        "field_choices": _facet(base_queue, "field_id", Field),
        "page_obj": page_obj,
        "querystring": urlencode(params),
        "now": now,
    }
    return render(request, "backoffice/queue.html", context)
