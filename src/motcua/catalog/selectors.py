"""Reads of the public catalogue: search, filters, and what a citizen needs to know."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.text import fold
from motcua.organization.models import AdministrativeLevel, Agency, Counter, ServicePoint

from .models import Fee, Field, ProcedureVersion, TimeUnit

ONLINE_LEVELS = [value for value, _label in ProcedureVersion.OnlineLevel.choices]


def published() -> QuerySet[ProcedureVersion]:
    """One version in force per procedure (abolished and superseded ones are not public)."""
    return ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)


def search(queryset: QuerySet[ProcedureVersion], text: str | None) -> QuerySet[ProcedureVersion]:
    """Every word of `text` must appear in the folded name or codes, ignoring case and diacritics.

    "dang ky khai sinh" finds "Đăng ký khai sinh"; "1.001193" finds it by its code. A LIKE over
    the folded column is enough for a province's catalogue (a few thousand rows, see
    docs/performance.md).
    """
    for word in fold(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


class UnknownFilter(ValueError):
    """A filter value that names nothing; `param` says which filter."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def filter_catalogue(
    queryset: QuerySet[ProcedureVersion],
    *,
    field: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """Filter by field code, agency identifier code, level code, online level.

    An unknown value raises UnknownFilter instead of quietly giving an empty list.
    """
    if field:
        if not Field.objects.filter(code=field).exists():
            raise UnknownFilter("field", _("Unknown field code: %(code)s") % {"code": field})
        queryset = queryset.filter(field__code=field)
    if agency:
        agency_obj = Agency.objects.filter(code=agency).first()
        if agency_obj is None:
            raise UnknownFilter("agency", _("Unknown agency identifier code: %(code)s") % {"code": agency})
        competent = ProcedureVersion.competent_agencies.through.objects.filter(agency=agency_obj)
        receiving = ProcedureVersion.receiving_agencies.through.objects.filter(agency=agency_obj)
        queryset = queryset.filter(
            Q(pk__in=competent.values("procedureversion_id")) | Q(pk__in=receiving.values("procedureversion_id"))
        )
    if level:
        if not AdministrativeLevel.objects.filter(code=level).exists():
            raise UnknownFilter("level", _("Unknown level code: %(code)s") % {"code": level})
        queryset = queryset.filter(levels__code=level)
    if online_level:
        if online_level not in ONLINE_LEVELS:
            raise UnknownFilter(
                "online_level",
                _("Unknown online level: %(value)s (use %(choices)s)")
                % {"value": online_level, "choices": ", ".join(ONLINE_LEVELS)},
            )
        queryset = queryset.filter(online_level=online_level)
    return queryset


def for_list(queryset: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return queryset.select_related("procedure", "field").prefetch_related("levels").order_by("name", "pk")


def for_detail(queryset: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return queryset.select_related("procedure", "field").prefetch_related(
        "levels",
        "competent_agencies",
        "receiving_agencies",
        "cases",
        "documents__case",
        Prefetch("fees", queryset=Fee.objects.select_related("case").prefetch_related("exemptions")),
        "steps__case",
        "steps__agency",
    )


def published_by_code(code: str) -> ProcedureVersion | None:
    return for_detail(published().filter(procedure__code=code)).first()


@dataclass
class SubmissionPlace:
    service_point: ServicePoint
    counters: list[Counter]


def where_to_submit(version: ProcedureVersion) -> tuple[list[Agency], list[SubmissionPlace]]:
    """The receiving agencies (the competent ones when none is named) and the service points
    whose active counters serve them, with those counters."""
    agencies = list(version.receiving_agencies.all()) or list(version.competent_agencies.all())
    counters = (
        Counter.objects.filter(is_active=True, agencies__in=agencies)
        .select_related("service_point")
        .distinct()
        .order_by("service_point__name", "number")
    )
    places: dict[int, SubmissionPlace] = {}
    for counter in counters:
        place = places.setdefault(counter.service_point_id, SubmissionPlace(counter.service_point, []))
        place.counters.append(counter)
    return agencies, list(places.values())


def format_amount(value) -> str:
    """3.00 -> "3", 0.50 -> "0,5" (Vietnamese) or "0.5" (English)."""
    value = Decimal(value).normalize()
    if value == value.to_integral():
        return str(int(value))
    return formats.number_format(value, use_l10n=True)


def time_limit_text(amount, unit: str) -> str:
    """ "5 ngày làm việc", "4 giờ làm việc", "15 ngày" in the active language."""
    count = 1 if Decimal(amount) == 1 else 2
    number = format_amount(amount)
    if unit == TimeUnit.WORKING_HOURS:
        text = ngettext("%(amount)s working hour", "%(amount)s working hours", count)
    elif unit == TimeUnit.CALENDAR_DAYS:
        text = ngettext("%(amount)s day", "%(amount)s days", count)
    else:
        text = ngettext("%(amount)s working day", "%(amount)s working days", count)
    return text % {"amount": number}


def channels(version: ProcedureVersion) -> list[str]:
    """Channel codes the procedure accepts: counter, online, post."""
    flags = [("counter", version.accepts_counter), ("online", version.accepts_online), ("post", version.accepts_post)]
    return [code for code, accepted in flags if accepted]
