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

    class Meta:
        ordering = ["service_date", "queue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "service_date", "number"], name="queueing_one_number_per_day"),
        ]
        indexes = [models.Index(fields=["queue", "service_date", "status", "queued_at"], name="queueing_waiting")]
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
