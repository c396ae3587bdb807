"""Queue tickets at a service point's counters (lấy số thứ tự).

A `Queue` is one line of people at a service point, shown on the kiosk as a choice (an agency or a
field) and on tickets by its letter ("B-023"). Tickets are numbered per queue per day by a
`QueueDay` row, locked while a number is taken, so numbers have no gaps and no duplicates. Every
change of a ticket is made by one function of `services.py` and recorded as a `TicketEvent`
(append-only).
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.models import AppendOnly, AppendOnlyQuerySet


class PriorityGroup(models.Model):
    """Nhóm ưu tiên: elderly, disabled, pregnant, with a small child, người có công (configurable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("priority group")
        verbose_name_plural = _("priority groups")

    def __str__(self):
        return self.name


class Queue(models.Model):
    """One line of people at a service point. A counter calls the queues of its service point that
    serve one of its agencies (or every queue of the point that names no agency)."""

    service_point = models.ForeignKey(
        "organization.ServicePoint", on_delete=models.CASCADE, related_name="queues", verbose_name=_("service point")
    )
    letter = models.CharField(
        _("letter"), max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters, e.g. B."))],
        help_text=_("Printed before the number: B-023."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("What the kiosk shows, e.g. Land - Construction."))
    agencies = models.ManyToManyField(
        "organization.Agency", blank=True, related_name="queues", verbose_name=_("agencies")
    )
    fields = models.ManyToManyField("catalog.Field", blank=True, related_name="queues", verbose_name=_("fields"))
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), null=True, blank=True, help_text=_("Most tickets a day; empty: no cap.")
    )
    order = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service_point", "order", "letter"]
        constraints = [models.UniqueConstraint(fields=["service_point", "letter"], name="queueing_one_letter_per_point")]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self):
        return f"{self.letter} - {self.name}"


class QueueDay(models.Model):
    """The last number given in a queue on a day; locked (select_for_update) while a ticket is issued."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="days", verbose_name=_("queue"))
    service_date = models.DateField(_("service date"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "service_date"], name="queueing_one_counter_per_day")]
        verbose_name = _("queue day")
        verbose_name_plural = _("queue days")

    def __str__(self):
        return f"{self.queue.letter} {self.service_date}: {self.last_number}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Transferred")
    CLOSED = "closed", pgettext_lazy("ticket", "Closed at closing time")


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("queue"))
    service_date = models.DateField(_("service date"))
    number = models.PositiveIntegerField(_("number"))
    priority_group = models.ForeignKey(
        PriorityGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("priority group"),
    )
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField(_("issued at"))
    # The place in the line: the issue time, or for a transferred ticket the first ticket's issue
    # time, so that a person sent to another queue is not sent to its end.
    queued_at = models.DateTimeField(_("in line since"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    counter = models.ForeignKey(
        "organization.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("counter"),
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("served by"),
    )
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("service ended at"), null=True, blank=True)
    transferred_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="queue_tickets",
        verbose_name=_("dossier"),
    )
    # The start of the booked slot for a ticket taken by an appointment's check-in: such a ticket
    # is called before walk-ins once its slot has begun, and its wait counts from the slot start.
    slot_start = models.DateTimeField(_("appointment slot start"), null=True, blank=True)

    class Meta:
        ordering = ["service_date", "queue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "service_date", "number"], name="queueing_one_number_per_day"),
        ]
        indexes = [
            models.Index(fields=["queue", "service_date", "status", "queued_at"], name="queueing_waiting"),
            # call_next first looks for appointment tickets whose slot has begun: few rows, so a
            # partial index keeps that look-up cheap however many walk-ins wait.
            models.Index(fields=["queue", "service_date", "slot_start"], name="queueing_waiting_appointments",
                         condition=models.Q(status="waiting", slot_start__isnull=False)),
            # The tickets in hand (at most one per counter): every counter receipt first asks
            # whether any exists today (intake_link.link_on_intake), a probe of this tiny index.
            models.Index(fields=["service_date"], name="queueing_in_hand",
                         condition=models.Q(status__in=["called", "serving"])),
        ]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        """What the ticket, the board and the officer show: B-023."""
        return f"{self.queue.letter}-{self.number:03d}"

    @property
    def is_priority(self) -> bool:
        return self.priority_group_id is not None

    @property
    def is_appointment(self) -> bool:
        return self.slot_start is not None


class TicketEvent(AppendOnly):
    """One change of a ticket: who, when, what. Written by `services.py` only, never changed."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Called again")
        STARTED = "started", _("Service started")
        ENDED = "ended", _("Service ended")
        NO_SHOW = "no_show", _("Did not come")
        TRANSFERRED = "transferred", _("Transferred")
        CLOSED = "closed", pgettext_lazy("ticket", "Closed at closing time")
        # The dossier received while serving the ticket (intake_link.py): linked, or the link undone.
        LINKED = "linked", _("Dossier linked")
        UNLINKED = "unlinked", _("Dossier unlinked")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(pgettext_lazy("ticket event", "at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    counter = models.ForeignKey(
        "organization.Counter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("counter"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    @classmethod
    def append_only_refusal(cls, changed: bool) -> Exception:
        return PermissionError("Ticket events are append-only.")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self):
        return f"{self.ticket} {self.get_kind_display()} {self.at:%H:%M:%S}"


# --- online appointments (đặt lịch hẹn trực tuyến) ------------------------------------------------


class SlotTemplate(models.Model):
    """A manager's rule for the bookable slots of a queue (its counters are the "counter group"):
    from `start` to `end`, slots of `slot_minutes`, each taking `capacity` bookings, on one weekday
    or on every open day. Slots are generated from it, the legal calendar and the point's opening
    hours; only the parts inside an opening period are offered."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="slot_templates", verbose_name=_("queue"))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True,
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
                 (5, _("Saturday")), (6, _("Sunday"))],
        help_text=_("Empty: every day the service point is open (make-up Saturdays included)."),
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("bookings per slot"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["queue", "weekday", "start"]
        verbose_name = _("appointment slot template")
        verbose_name_plural = _("appointment slot templates")

    def __str__(self):
        return f"{self.queue.letter} {self.start:%H:%M}-{self.end:%H:%M} / {self.slot_minutes}'"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})
        if not self.slot_minutes or self.slot_minutes < 5:
            raise ValidationError({"slot_minutes": _("A slot lasts at least 5 minutes.")})
        if not self.capacity:
            raise ValidationError({"capacity": _("A slot takes at least one booking.")})


class Slot(models.Model):
    """A bookable slot of a queue on a day, created at its first booking and locked
    (select_for_update) while a booking takes a place, so that a slot is never overbooked."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="slots", verbose_name=_("queue"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        ordering = ["queue", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["queue", "starts_at"], name="queueing_one_slot_per_start")]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")

    def __str__(self):
        return f"{self.queue.letter} {self.starts_at:%Y-%m-%d %H:%M}: {self.booked}/{self.capacity}"


class PhoneDay(models.Model):
    """One row per phone and day, locked while a booking for that day is made, so that the limit of
    bookings per phone a day holds when two are made at the same moment."""

    phone = models.CharField(_("phone"), max_length=15)
    service_date = models.DateField(_("service date"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phone", "service_date"], name="queueing_one_phone_day")]
        verbose_name = _("bookings of a phone on a day")
        verbose_name_plural = _("bookings of a phone on a day")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    WALK_IN = "walk_in", _("Came late: walk-in ticket")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_APPOINTMENTS = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.WALK_IN)


class Appointment(models.Model):
    """A booking of a slot by a citizen: confirmed by SMS with a code, checked in at the kiosk."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("procedure"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=15, help_text=_("International form: 84xxxxxxxxx."))
    code = models.CharField(_("appointment code"), max_length=8)
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    booked_at = models.DateTimeField(_("booked at"))
    # Where the booking came from: each booking sends an SMS, so one address may make only a few
    # an hour (rules.BOOKINGS_PER_ADDRESS_AN_HOUR).
    booked_from = models.GenericIPAddressField(_("booked from (IP address)"), null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment",
        verbose_name=_("ticket"),
    )

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["slot", "code"], name="queueing_one_code_per_slot")]
        indexes = [
            models.Index(fields=["code"], name="queueing_appointment_code"),
            models.Index(fields=["booked_from", "booked_at"], name="queueing_appointment_address"),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return f"{self.code} {self.slot}"


class AppointmentEvent(AppendOnly):
    """One change of an appointment (booked, cancelled, checked in): who, when, what."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        WALK_IN = "walk_in", _("Came late: walk-in ticket")

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events",
                                    verbose_name=_("appointment"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(pgettext_lazy("ticket event", "at"), db_index=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    @classmethod
    def append_only_refusal(cls, changed: bool) -> Exception:
        return PermissionError("Appointment events are append-only.")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")


# --- the Saturday duty roster (lịch trực thứ Bảy) -----------------------------------------------------


class Shift(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    ALL_DAY = "all_day", _("All day")


class SaturdayDuty(models.Model):
    """One officer on duty at a counter on a Saturday, for an agency, in the morning, afternoon or
    all day. On a Saturday the roster, not the counter assignments, decides who may call."""

    date = models.DateField(_("date"))
    counter = models.ForeignKey("organization.Counter", on_delete=models.CASCADE, related_name="saturday_duties",
                                verbose_name=_("counter"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saturday_duties",
                                verbose_name=_("officer"))
    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, related_name="saturday_duties",
                               verbose_name=_("agency represented"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices, default=Shift.MORNING)

    class Meta:
        ordering = ["date", "counter", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["date", "counter", "shift"], name="queueing_one_duty_per_counter_shift"),
        ]
        verbose_name = _("Saturday duty")
        verbose_name_plural = _("Saturday duty roster")

    def __str__(self):
        return f"{self.date} {self.counter} {self.get_shift_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.date and self.date.weekday() != 5:
            raise ValidationError({"date": _("The duty roster is for Saturdays.")})
        if self.counter_id and self.agency_id and not self.counter.agencies.filter(pk=self.agency_id).exists():
            raise ValidationError({"agency": _("This counter does not serve the chosen agency.")})
        if self.date and self.counter_id and self.shift:
            overlapping = {Shift.ALL_DAY: list(Shift.values)}.get(self.shift, [self.shift, Shift.ALL_DAY])
            if SaturdayDuty.objects.filter(date=self.date, counter_id=self.counter_id,
                                           shift__in=overlapping).exclude(pk=self.pk).exists():
                raise ValidationError(_("Someone is already on duty at this counter in this shift."))
