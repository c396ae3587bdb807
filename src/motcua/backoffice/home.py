"""What waits for an officer, per role: the sections of the home page (/mot-cua/).

Each item is a count and the filtered list that shows exactly those records, so a count on the
home page always equals the length of the list it opens. Every count is read through the same
scoped selectors as the list (organization.permissions.Scope), and a person with several roles
sees one section per role.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import CalendarYear
from motcua.calendar.worktime import year_spans
from motcua.catalog.models import ProcedureVersion, PublicationDecision
from motcua.core.formatting import vn_number
from motcua.core.periods import local_day_bounds
from motcua.dossiers import selectors
from motcua.dossiers.counting import in_time_q
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.feedback import selectors as feedback_selectors
from motcua.feedback.models import OPEN_STATES, Level
from motcua.organization.models import Counter, Role, StaffProfile
from motcua.organization.permissions import roles_of, scope_of
from motcua.payments.selectors import paid_payments

# The order of the sections when a person holds several roles.
ROLE_ORDER = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CENTRE_MANAGER, Role.PROVINCE_ADMIN)
SECTION_TITLES = {
    Role.COUNTER_OFFICER: _("My counter work"),
    Role.SPECIALIST: _("My examination work"),
    Role.LEADER: _("For my approval and my units"),
    Role.CENTRE_MANAGER: _("The centre today"),
    Role.PROVINCE_ADMIN: _("Province administration"),
}
UPCOMING_DAYS = 30  # publication decisions taking effect within this many days


@dataclass
class Item:
    key: str
    label: str
    value: str | int
    url: str
    note: str = ""
    urgent: bool = False  # shown highlighted: something is late or missing

    @property
    def display(self) -> str:
        """Counts in Vietnamese format (1.234); texts (rates, years) as they are."""
        return vn_number(self.value) if isinstance(self.value, int) else self.value


@dataclass
class Section:
    role: str
    title: str
    items: list[Item] = field(default_factory=list)


def _queue(**params) -> str:
    return f"{reverse('backoffice:work_queue')}?{urlencode(params)}"


def _rate(part: int, whole: int) -> str:
    """A percentage in Vietnamese format (58,44%), or a dash when nothing was resolved."""
    return f"{vn_number(100 * part / whole, 2)}%" if whole else "-"


def _counter_section(user, now) -> Section:
    today = timezone.localdate(now)
    unit = selectors.work_queue(user, scope="unit", now=now).order_by().aggregate(
        supplement=Count("pk", filter=Q(status=Status.WAITING_SUPPLEMENT)),
        payment=Count("pk", filter=Q(status=Status.WAITING_PAYMENT)),
    )
    tabs = selectors.queue_tab_counts(user)
    agency_ids = scope_of(user).agency_ids("dossier.view")
    received_today = selectors.tracking_book(agency_ids, today, today).filter(received_by=user).order_by().count()
    book = reverse("backoffice:tracking_book")
    return Section(Role.COUNTER_OFFICER, SECTION_TITLES[Role.COUNTER_OFFICER], [
        Item("online", _("Online dossiers to accept"), tabs["online"], _queue(scope="online")),
        Item("supplements", _("Supplements to receive"), unit["supplement"],
             _queue(scope="unit", due="waiting_supplement")),
        Item("return", _("Results to hand back"), tabs["return"], _queue(scope="return")),
        Item("fees", _("Fees to collect"), unit["payment"], _queue(scope="unit", due="waiting_payment")),
        Item("received_today", _("Received by me today"), received_today,
             f"{book}?{urlencode({'date_from': today.isoformat(), 'date_to': today.isoformat(), 'mine': '1'})}"),
    ])


def _specialist_section(user, now) -> Section:
    mine = selectors.work_queue_counts(user, scope="mine", now=now)
    tabs = selectors.queue_tab_counts(user)
    return Section(Role.SPECIALIST, SECTION_TITLES[Role.SPECIALIST], [
        Item("mine", _("Assigned to me"), mine["all"], _queue(scope="mine")),
        Item("unassigned", _("Unassigned in my unit"), tabs["unassigned"], _queue(scope="unassigned")),
        Item("due_soon", _("Due within 2 working days"), mine["due_soon"], _queue(scope="mine", due="due_soon")),
        Item("overdue", _("Overdue"), mine["overdue"], _queue(scope="mine", due="overdue"), urgent=mine["overdue"] > 0),
    ])


def _month_span(now) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate(now)
    return today.replace(day=1), today


def _on_time(agency_ids, date_from, date_to) -> dict:
    """Dossiers resolved in the period by the agencies (competent), and how many in time."""
    start, end = local_day_bounds(date_from, date_to)
    qs = Dossier.objects.filter(
        status__in=(Status.RESOLVED, Status.RETURNED), finished_at__gte=start, finished_at__lt=end
    )
    if agency_ids is not None:
        qs = qs.filter(competent_agency_id__in=list(agency_ids))
    return qs.order_by().aggregate(finished=Count("pk"), in_time=Count("pk", filter=in_time_q()))


def _dashboard_url(date_from, date_to) -> str:
    return f"{reverse('reports:dashboard')}?{urlencode({'from': date_from.isoformat(), 'to': date_to.isoformat()})}"


def _leader_section(user, now) -> Section:
    mine = selectors.work_queue_counts(user, scope="mine", now=now)
    unit = selectors.work_queue_counts(user, scope="unit", now=now)
    date_from, date_to = _month_span(now)
    figures = _on_time(scope_of(user).agency_ids("reports.view"), date_from, date_to)
    rate = _rate(figures["in_time"], figures["finished"])
    return Section(Role.LEADER, SECTION_TITLES[Role.LEADER], [
        Item("to_approve", _("Waiting for my approval"), mine["all"], _queue(scope="mine")),
        Item("unit_overdue", _("Overdue in my units"), unit["overdue"], _queue(scope="unit", due="overdue"),
             urgent=unit["overdue"] > 0),
        Item("on_time_rate", _("On-time rate this month"), rate, _dashboard_url(date_from, date_to),
             note=_("%(in_time)s of %(finished)s resolved in time") % {k: vn_number(v) for k, v in figures.items()}
             if figures["finished"] else _("No dossier resolved this month yet")),
    ])


def _manager_section(user, now) -> Section:
    scope = scope_of(user)
    everywhere = scope.is_everywhere("reports.view")
    agency_ids = None if everywhere else scope.agency_ids("reports.view")
    date_from, date_to = _month_span(now)
    start, end = local_day_bounds(date_from, date_to)
    received = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        received = received.filter(receiving_agency_id__in=list(agency_ids))
    got = received.order_by().aggregate(
        n=Count("pk"), online=Count("pk", filter=Q(channel_in=Channel.ONLINE))
    )
    figures = _on_time(agency_ids, date_from, date_to)
    rate = _rate(figures["in_time"], figures["finished"])
    unit = selectors.work_queue_counts(user, scope="unit", now=now)
    ratings_url = (f"{reverse('feedback_officer:ratings')}?"
                   f"{urlencode({'date_from': date_from.isoformat(), 'date_to': date_to.isoformat()})}")
    low = (feedback_selectors.ratings_visible_to(user)
           .filter(level=Level.DISSATISFIED, created_at__gte=start, created_at__lt=end).order_by().count())
    open_feedback = feedback_selectors.feedback_visible_to(user).filter(state__in=OPEN_STATES).order_by().count()
    payments = paid_payments(date_to, date_to, agency_ids).order_by().count()
    dashboard = _dashboard_url(date_from, date_to)
    return Section(Role.CENTRE_MANAGER, SECTION_TITLES[Role.CENTRE_MANAGER], [
        Item("received_month", _("Received this month"), got["n"], dashboard,
             note=_("%(online)s online") % {"online": vn_number(got["online"])}),
        Item("resolved_month", _("Resolved this month"), figures["finished"], dashboard),
        Item("on_time_rate", _("On-time rate this month"), rate, dashboard),
        Item("overdue", _("Overdue across agencies"), unit["overdue"], _queue(scope="unit", due="overdue"),
             urgent=unit["overdue"] > 0),
        Item("low_ratings", _("Dissatisfied ratings this month"), low, ratings_url, urgent=low > 0),
        Item("open_feedback", _("Open feedback"), open_feedback,
             f"{reverse('feedback_officer:list')}?trang_thai=open"),
        Item("payments_today", _("Payments to reconcile today"), payments, reverse("payments:reconciliation")),
    ])


def _admin_section(user, now) -> Section:
    today = timezone.localdate(now)
    drafts = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.DRAFT).count()
    upcoming = PublicationDecision.objects.filter(
        effective_on__gte=today, effective_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)
    ).count()
    staff = StaffProfile.objects.count()
    counters = Counter.objects.filter(is_active=True).count()
    years = sorted(CalendarYear.objects.values_list("year", flat=True))
    next_year_missing = today.year + 1 not in years

    def admin(model) -> str:  # the admin's change list of a model (its URL names the app label)
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    return Section(Role.PROVINCE_ADMIN, SECTION_TITLES[Role.PROVINCE_ADMIN], [
        Item("drafts", _("Procedure drafts waiting for publication"), drafts,
             f"{admin(ProcedureVersion)}?status__exact=draft"),
        Item("decisions", _("Decisions taking effect within 30 days"), upcoming,
             admin(PublicationDecision)),
        Item("staff", _("Staff"), staff, admin(StaffProfile)),
        Item("counters", _("Active counters"), counters, admin(Counter)),
        Item("calendar_years", _("Calendar years covered"),
             ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in year_spans(years)) or "-",
             admin(CalendarYear),
             note=_("Next year (%(year)s) is not entered yet") % {"year": today.year + 1} if next_year_missing else "",
             urgent=next_year_missing),
    ])


BUILDERS = {
    Role.COUNTER_OFFICER: _counter_section,
    Role.SPECIALIST: _specialist_section,
    Role.LEADER: _leader_section,
    Role.CENTRE_MANAGER: _manager_section,
    Role.PROVINCE_ADMIN: _admin_section,
}


def home_sections(user, now: datetime.datetime | None = None) -> list[Section]:
    """One section per role the person holds today, in ROLE_ORDER; a superuser sees the centre
    manager's and the province administrator's sections."""
    now = now or timezone.now()
    roles = {Role.CENTRE_MANAGER, Role.PROVINCE_ADMIN} if user.is_superuser else roles_of(user)
    return [BUILDERS[role](user, now) for role in ROLE_ORDER if role in roles]
