"""The administrator's pages of the catalogue sync: run it (a button), read each draft's diff and
warnings, publish it or discard it. Only holders of "catalog.manage"; nothing publishes by itself."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import national_sync
from motcua.catalog.models import CatalogueSync, CatalogueSyncItem
from motcua.organization.access import staff_required
from motcua.organization.permissions import has_permission

from .base import get_catalogue, unit_code


def may_manage(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or has_permission(user, "catalog.manage")))


def _require_manager(user):
    if not may_manage(user):
        raise PermissionDenied


def run_sync(user=None, codes=None) -> CatalogueSync:
    """One sync with the configured adapter, for the button and `manage.py sync_catalogue`."""
    return national_sync.sync(get_catalogue(), unit=unit_code(), user=user, codes=codes)


@staff_required
def overview(request):
    _require_manager(request.user)
    if request.method == "POST":
        run = run_sync(request.user)
        if run.error:
            messages.error(request, _("The national procedure database could not be read: %(error)s. Nothing was "
                                      "lost; try again later.") % {"error": run.error})
        else:
            found = national_sync.counts(run)
            messages.success(request, _(
                "Sync done: %(new)s new and %(changed)s changed procedures wait for review, %(unchanged)s unchanged, "
                "%(failed)s failed.") % found)
        return redirect("integrations:catalogue_sync")
    runs = list(CatalogueSync.objects.select_related("started_by")[:5])
    return render(request, "integrations/catalogue_sync.html", {
        "pending": national_sync.pending_items(),
        "runs": [(run, national_sync.counts(run)) for run in runs],
        "problems": [(item, [national_sync.warning_text(w) for w in item.warnings])
                     for item in (runs[0].items.filter(outcome__in=["failed", "skipped"]) if runs else [])],
    })


def _item(pk) -> CatalogueSyncItem:
    return get_object_or_404(CatalogueSyncItem.objects.select_related("draft", "procedure", "sync"), pk=pk)


@staff_required
def review(request, pk):
    _require_manager(request.user)
    item = _item(pk)
    if item.draft_id is None:
        raise Http404
    current = item.procedure.current_version if item.procedure_id else None
    changes = national_sync.diff_versions(current, item.draft)
    pending = item.review == CatalogueSyncItem.Review.PENDING
    return render(request, "integrations/catalogue_review.html", {
        "item": item, "current": current, "changes": changes, "pending": pending,
        "warnings": [national_sync.warning_text(w) for w in item.warnings],
        "decision": national_sync.latest_decision(item),
        "valid_from": national_sync.default_valid_from(item) if pending else None,
        "has_steps": item.draft.steps.exists(),
    })


@staff_required
@require_POST
def decide(request, pk):
    _require_manager(request.user)
    item = _item(pk)
    try:
        if request.POST.get("action") == "discard":
            national_sync.discard_item(item.pk, request.user)
            messages.success(request, _("The sync draft of %(code)s was discarded.") % {"code": item.national_code})
            return redirect("integrations:catalogue_sync")
        valid_from = None
        if request.POST.get("valid_from"):
            valid_from = parse_date(request.POST["valid_from"]) if _is_date(request.POST["valid_from"]) else None
            if valid_from is None:
                messages.error(request, _("The date it takes effect is not a date (YYYY-MM-DD)."))
                return redirect("integrations:catalogue_review", pk=item.pk)
        version = national_sync.publish_item(item.pk, request.user, valid_from)
    except national_sync.ReviewRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("integrations:catalogue_review", pk=item.pk)
    messages.success(request, _("%(name)s is published, in force from %(day)s.") % {
        "name": version.name, "day": version.valid_from.strftime("%d/%m/%Y")})
    return redirect("integrations:catalogue_sync")


def _is_date(text: str) -> bool:
    try:
        return parse_date(text) is not None
    except ValueError:
        return False
