"""Any change to the calendar tables (or a service point's opening hours) drops the cached calendars."""
from django.db.models.signals import post_delete, post_migrate, post_save

from . import services


def _changed(sender, **kwargs):
    services.tables_changed()


def connect():
    from motcua.organization.models import OpeningHours

    from .models import CalendarDay, CalendarYear, OfficeHours

    for model in (CalendarDay, CalendarYear, OfficeHours, OpeningHours):
        post_save.connect(_changed, sender=model, dispatch_uid=f"workcalendar-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"workcalendar-delete-{model._meta.label}")
    # flush (used between transactional tests) and migrate empty or fill tables without row signals.
    post_migrate.connect(_flushed, dispatch_uid="workcalendar-post-migrate")


def _flushed(sender, **kwargs):
    services.invalidate()
