"""The work queue of an officer ("mine") and of the agencies they serve ("unit")."""
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, Procedure
from motcua.dossiers import selectors

from ..access import staff_required

PAGE_SIZE = 25
SCOPES = [("mine", _("Mine")), ("unit", _("My unit"))]
DUE_FILTERS = [
    ("", _("All")),
    ("due_today", _("Due today")),
    ("due_this_week", _("Due this week")),
    ("overdue", _("Overdue")),
    ("waiting_supplement", _("Waiting for supplement")),
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


@staff_required
def work_queue(request):
    scope = request.GET.get("scope") if request.GET.get("scope") in dict(SCOPES) else "mine"
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
        "scopes": SCOPES,
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
