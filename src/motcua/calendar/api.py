"""Public API: due dates and working-day counts. Bad input -> 400 with a message in the
request's language (Vietnamese by default, English with Accept-Language: en or ?lang=en)."""
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.organization.models import ServicePoint

from . import services
from .worktime import UNITS, OutOfCalendarRange

MAX_AMOUNT = 3650


class DueQuery(serializers.Serializer):
    start = serializers.DateTimeField(
        error_messages={
            "required": _("Give the start moment (start), e.g. 2024-02-07T10:00:00+07:00."),
            "invalid": _("The start moment is not a valid ISO date-time, e.g. 2024-02-07T10:00:00+07:00."),
        }
    )
    amount = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        min_value=0,
        max_value=MAX_AMOUNT,
        error_messages={
            "required": _("Give the amount of time (amount)."),
            "invalid": _("The amount must be a number, e.g. 5 or 0.5."),
            "min_value": _("The amount must not be negative."),
            "max_value": _("The amount must be at most {max_value}."),
            "max_digits": _("The amount has too many digits."),
            "max_decimal_places": _("The amount has too many decimal places (at most 4)."),
            "max_whole_digits": _("The amount has too many digits."),
        },
    )
    unit = serializers.ChoiceField(
        choices=UNITS,
        error_messages={
            "required": _("Give the unit (unit): working_days, working_hours or calendar_days."),
            "invalid_choice": _("Unknown unit “{input}”: use working_days, working_hours or calendar_days."),
        },
    )


class WorkingDaysQuery(serializers.Serializer):
    from_ = serializers.DateField(
        error_messages={
            "required": _("Give the first date (from), e.g. 2024-02-01."),
            "invalid": _("The first date is not a valid date (YYYY-MM-DD)."),
        }
    )
    to = serializers.DateField(
        error_messages={
            "required": _("Give the last date (to), e.g. 2024-02-29."),
            "invalid": _("The last date is not a valid date (YYYY-MM-DD)."),
        }
    )
    service_point = serializers.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("The service point must be given by its numeric id."),
            "min_value": _("The service point must be given by its numeric id."),
        },
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise ValidationError({"to": [_("The last date must not be before the first date.")]})
        point = attrs.get("service_point")
        if point is not None and not ServicePoint.objects.filter(pk=point).exists():
            raise ValidationError({"service_point": [_("There is no service point with id %(id)s.") % {"id": point}]})
        return attrs


def _out_of_range(error: OutOfCalendarRange):
    """400: the calendar does not know the year (its days off were never entered), never a guess."""
    return ValidationError({"detail": [services.not_covered_message(error)]})


class DueDateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Due date of a time limit",
        description=(
            "Adds a legal time limit to a start moment using the province's working calendar. "
            "working_days are days of 8 working hours counted from the next working moment (fractions allowed); "
            "calendar_days end at the end of the last day, moved to the end of the next working day if it is a day off. "
            "The calendar answers only for the years whose days off are entered (covered years); any other date "
            "gives 400 with a message naming the year and the years covered."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True, description="ISO 8601; without offset it is local time (UTC+7)."),
            OpenApiParameter("amount", OpenApiTypes.NUMBER, required=True, description="Non-negative, up to 4 decimals."),
            OpenApiParameter("unit", OpenApiTypes.STR, required=True, enum=list(UNITS)),
        ],
        responses={200: inline_serializer("DueDate", {"due": serializers.DateTimeField()})},
        examples=[OpenApiExample("Tết 2024", value={"due": "2024-02-21T10:00:00+07:00"}, response_only=True)],
        tags=["calendar"],
    )
    def get(self, request):
        query = DueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        start: datetime = data["start"]
        try:
            due = services.legal_calendar().add(start, data["amount"], data["unit"])
        except OutOfCalendarRange as error:
            raise _out_of_range(error) from None
        return Response({"due": timezone.localtime(due).isoformat()})


class WorkingDaysView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Number of working days between two dates",
        description=(
            "Counts working days from `from` to `to`, both included. With `service_point`, counts the days that "
            "service point is open (its weekdays with opening hours, minus days off, plus make-up working days). "
            "Both dates must lie in years the calendar covers (otherwise 400)."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("service_point", OpenApiTypes.INT, required=False, description="Service point id."),
        ],
        responses={200: inline_serializer("WorkingDayCount", {"count": serializers.IntegerField()})},
        tags=["calendar"],
    )
    def get(self, request):
        query = WorkingDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            count = services.working_days_between(data["from"], data["to"], data.get("service_point"))
        except OutOfCalendarRange as error:
            raise _out_of_range(error) from None
        return Response({"count": count})
