"""Admin forms: add a run of days at once (a yearly announcement), refusing dates already present."""
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay

MAX_RANGE_DAYS = 31


class CalendarDayRangeForm(forms.Form):
    first_day = forms.DateField(label=_("first day"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("last day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if not first or not last:
            return cleaned
        if last < first:
            raise ValidationError({"last_day": _("The last day must not be before the first day.")})
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise ValidationError(
                {"last_day": _("Add at most %(n)d days at once.") % {"n": MAX_RANGE_DAYS}}
            )
        clashes = CalendarDay.objects.filter(date__range=(first, last)).order_by("date")
        if clashes:
            listed = ", ".join(f"{formats.date_format(day.date, 'd/m/Y')} ({day.name})" for day in clashes)
            raise ValidationError(
                _("These dates are already in the calendar: %(dates)s. Edit or delete them first, or choose another range.")
                % {"dates": listed}
            )
        return cleaned

    def dates(self):
        day, last = self.cleaned_data["first_day"], self.cleaned_data["last_day"]
        while day <= last:
            yield day
            day += timedelta(days=1)

    def save(self) -> list[CalendarDay]:
        """Create one row per date, all or none (full_clean on each, e.g. make-up days on weekdays)."""
        data = self.cleaned_data
        created = []
        with transaction.atomic():
            for day in self.dates():
                row = CalendarDay(date=day, kind=data["kind"], name=data["name"], note=data["note"])
                row.full_clean()
                row.save()
                created.append(row)
        return created
