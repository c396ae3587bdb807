"""The report period (?from=&to=, YYYY-MM-DD) every dashboard page, drill-down and download reads.

An impossible period is refused with its message (the views answer 400 with the form), never
replaced by a default: a date that does not exist (2024-02-30), one not written YYYY-MM-DD, one
before 1 January 2000 or after today, an end before the start, a period longer than a year.
"""
from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dossier_table import ReportError, period_bounds

EARLIEST = datetime.date(2000, 1, 1)
MAX_DAYS = 366  # one year, leap or not: the annual report's period
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def default_period() -> tuple[datetime.date, datetime.date]:
    """1 January of this year to today (local time)."""
    today = timezone.localdate()
    return datetime.date(today.year, 1, 1), today


class ReportPeriodForm(forms.Form):
    """Bound to request.GET; missing dates take the default period."""

    def __init__(self, data, *args, **kwargs):
        first, last = default_period()
        data = {"from": data.get("from") or first.isoformat(), "to": data.get("to") or last.isoformat()}
        super().__init__(data, *args, **kwargs)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.CharField(label=label, widget=forms.DateInput(attrs={
                "type": "date", "min": EARLIEST.isoformat(), "max": last.isoformat()}))

    def _date(self, name) -> datetime.date:
        text = self.cleaned_data[name].strip()
        if not ISO_DATE.match(text):
            raise forms.ValidationError(_("Write the date as YYYY-MM-DD, for example 2024-03-31."))
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(_("There is no such day in the calendar: %(value)s.") % {"value": text}) from None
        today = timezone.localdate()
        if not EARLIEST <= value <= today:
            raise forms.ValidationError(_("Choose a day between %(first)s and today (%(today)s).") % {
                "first": f"{EARLIEST:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"})
        return value

    def clean_from(self):
        return self._date("from")

    def clean_to(self):
        return self._date("to")

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if isinstance(first, datetime.date) and isinstance(last, datetime.date):
            try:
                period_bounds(first, last)
            except ReportError as error:
                raise forms.ValidationError(str(error)) from None
            if (last - first).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most one year."))
        return data

    def mark_invalid(self) -> None:
        """aria-invalid on the fields in error, each described by the page's alert (#period-errors)."""
        for name in self.fields:
            if name in self.errors or self.non_field_errors():
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "period-errors"})

    def messages(self) -> list[str]:
        """Every error, each prefixed by its field's label: the page's alert."""
        out = [str(m) for m in self.non_field_errors()]
        for name in ("from", "to"):
            out += [f"{self.fields[name].label}: {m}" for m in self.errors.get(name, [])]
        return out

    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.cleaned_data["from"], self.cleaned_data["to"]
