"""Any change to the calendar tables (or a service point's opening hours) drops the cached calendars."""
from django.db.models.signals import post_delete, post_save

from . import services


def _changed(sender, **kwargs):
    services.invalidate()


def connect():
    from motcua.organization.models import OpeningHours

    from .models import CalendarDay, OfficeHours

    for model in (CalendarDay, OfficeHours, OpeningHours):
        post_save.connect(_changed, sender=model, dispatch_uid=f"workcalendar-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"workcalendar-delete-{model._meta.label}")
