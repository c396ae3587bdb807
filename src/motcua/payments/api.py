"""Payment API: a fee quote for a procedure (public) and online-payment totals (reports)."""
import datetime

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from motcua.catalog.models import ProcedureCase, ProcedureVersion
from motcua.organization.permissions import agencies_for, has_permission

from .fees import compute_fee
from .selectors import online_payment_totals


def _int_list(value: str, name: str) -> list[int]:
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise exceptions.ValidationError({name: [_("Give whole numbers separated by commas.")]}) from None


@extend_schema(
    parameters=[
        OpenApiParameter("case", str, description="Id of the procedure case."),
        OpenApiParameter("online", str, description="1 when the dossier is submitted online."),
        OpenApiParameter("exemptions", str, description="Ids of the exemptions claimed, comma-separated."),
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def fee_quote(request, version_id: int):
    """The fee of a published procedure version: ?case=<id>&online=1&exemptions=<id,id>."""
    version = get_object_or_404(ProcedureVersion.objects.exclude(status=ProcedureVersion.Status.DRAFT), pk=version_id)
    case = None
    if request.query_params.get("case"):
        ids = _int_list(request.query_params["case"], "case")
        case = ProcedureCase.objects.filter(pk__in=ids[:1], version=version).first()
        if case is None:
            raise exceptions.ValidationError({"case": [_("This case does not belong to the procedure.")]})
    online = request.query_params.get("online", "0") in ("1", "true", "yes")
    exemptions = _int_list(request.query_params.get("exemptions", ""), "exemptions")
    return Response(compute_fee(version, case, online=online, exemption_ids=exemptions).as_dict())


def _date(value: str | None) -> datetime.date | None:
    try:
        return parse_date(value or "")
    except ValueError:  # well formed but impossible, e.g. month 13
        return None


@extend_schema(
    parameters=[OpenApiParameter("from", OpenApiTypes.DATE, required=True),
                OpenApiParameter("to", OpenApiTypes.DATE, required=True)],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def online_totals(request):
    """Online payments of a period for the agencies the user may report on: ?from=&to=."""
    if not has_permission(request.user, "reports.view"):
        raise exceptions.PermissionDenied(_("You may not see reports."))
    date_from, date_to = _date(request.query_params.get("from")), _date(request.query_params.get("to"))
    if not date_from or not date_to or date_to < date_from or (date_to - date_from) > datetime.timedelta(days=3700):
        raise exceptions.ValidationError({"from": [_("Give a period: from and to as YYYY-MM-DD, from before to.")]})
    agency_ids = list(agencies_for(request.user, "reports.view").values_list("pk", flat=True))
    return Response(online_payment_totals(date_from, date_to, agency_ids))
