"""The editable calendar: days off, make-up working days and office hours.

The statutory holidays are seeded from the `holidays` package; each year administrators add the
government's announced swaps (days off bridged by a make-up Saturday) here. The legal working
calendar used for due dates is built from these rows (see services.legal_calendar).
"""
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """One date that departs from the weekly pattern: a day off, or a make-up working day.

    One installation serves one province, so a date appears at most once.
    """

    class Kind(models.TextChoices):
        PUBLIC_HOLIDAY = "public_holiday", _("Public holiday")
        ANNOUNCED_DAY_OFF = "announced_day_off", _("Announced day off")
        MAKEUP_WORKING_DAY = "makeup_working_day", _("Make-up working day")

    OFF_KINDS = (Kind.PUBLIC_HOLIDAY, Kind.ANNOUNCED_DAY_OFF)

    date = models.DateField(
        _("date"), unique=True, error_messages={"unique": _("This date is already in the calendar.")}
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. the number of the announcement."))
    seeded = models.BooleanField(
        _("seeded"), default=False, help_text=_("Created by the seed_calendar command from the holidays package.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = pgettext_lazy("working calendar", "calendar days")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} - {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind in self.OFF_KINDS

    def clean(self):
        super().clean()
        if not self.date:
            return
        existing = CalendarDay.objects.filter(date=self.date).exclude(pk=self.pk).first()
        if existing:
            raise ValidationError(
                {
                    "date": _("%(date)s is already in the calendar as “%(name)s” (%(kind)s).")
                    % {
                        "date": formats.date_format(self.date, "d/m/Y"),
                        "name": existing.name,
                        "kind": existing.get_kind_display(),
                    }
                }
            )
        if self.kind == self.Kind.MAKEUP_WORKING_DAY:
            office = OfficeHours.in_force(self.date)
            if office.works_on_weekday(self.date.weekday()):
                raise ValidationError(
                    {"kind": _("%(date)s is already a regular working day; a make-up working day must fall on a day not normally worked (e.g. a Saturday).")
                     % {"date": formats.date_format(self.date, "d/m/Y")}}
                )


class CalendarYear(models.Model):
    """A year whose days off are known: its holidays and the government's announced days off are
    entered. The legal calendar answers for covered years only; a date of any other year is refused
    (never guessed from the weekly pattern). seed_calendar records the years it seeds."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(1901), MaxValueValidator(2199)],
        error_messages={"unique": _("This year is already covered by the calendar.")},
    )
    seeded = models.BooleanField(
        _("seeded"), default=False, help_text=_("Recorded by the seed_calendar command.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. the announcement of the year's days off."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("covered year")
        verbose_name_plural = _("covered years")

    def __str__(self):
        return str(self.year)


class OfficeHours(models.Model):
    """The office hours of the province's agencies, in force from a date until the next row.

    Two periods a day (morning and afternoon; leave the afternoon empty for a single period) and
    the weekly working days. The row with the latest start date not in the future is in force.
    """

    effective_from = models.DateField(
        _("in force from"), unique=True, error_messages={"unique": _("Office hours already start on this date.")}
    )
    morning_start = models.TimeField(_("morning starts"), default=time(7, 0))
    morning_end = models.TimeField(_("morning ends"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon starts"), default=time(13, 30), null=True, blank=True)
    afternoon_end = models.TimeField(_("afternoon ends"), default=time(17, 0), null=True, blank=True)
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        default=time(15, 0),
        help_text=_("Same-day procedures received after this time are returned the next working day."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self):
        return _("Office hours from %(date)s") % {"date": formats.date_format(self.effective_from, "d/m/Y")}

    @classmethod
    def in_force(cls, day):
        """The row in force on `day`, or the unsaved default (07:00-11:30, 13:30-17:00, Mon-Fri)."""
        row = cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
        return row or cls()

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(i for i, field in enumerate(self.WEEKDAY_FIELDS) if getattr(self, field))

    def works_on_weekday(self, weekday: int) -> bool:
        return weekday in self.weekdays

    @property
    def periods(self) -> tuple:
        periods = [(self.morning_start, self.morning_end)]
        if self.afternoon_start and self.afternoon_end:
            periods.append((self.afternoon_start, self.afternoon_end))
        return tuple(periods)

    def clean(self):
        super().clean()
        errors = {}
        if self.morning_start and self.morning_end and self.morning_end <= self.morning_start:
            errors["morning_end"] = _("The morning must end after it starts.")
        if bool(self.afternoon_start) != bool(self.afternoon_end):
            errors["afternoon_end"] = _("Give both the start and the end of the afternoon, or neither.")
        elif self.afternoon_start and self.afternoon_end:
            if self.afternoon_end <= self.afternoon_start:
                errors["afternoon_end"] = _("The afternoon must end after it starts.")
            elif self.morning_end and self.afternoon_start < self.morning_end:
                errors["afternoon_start"] = _("The afternoon must start after the morning ends.")
        if not self.weekdays:
            errors["monday"] = _("Choose at least one working weekday.")
        if errors:
            raise ValidationError(errors)
