"""A period of days as the moments queries compare with, in the province's local time.

    start, end = local_day_bounds(date(2024, 1, 1), date(2024, 3, 31))
    Dossier.objects.filter(received_at__gte=start, received_at__lt=end)

Both dates are included: the period is [00:00 of the first day, 00:00 of the day after the
last), in the default time zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh), never a zone a request
may have activated, so a report, a selector and a printout of the same days read the same rows.
A moment at 23:59 on the last day is in the period; one at 00:00 the next day is not.
"""
from __future__ import annotations

import datetime

from django.utils import timezone


def local_day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end): 00:00 local time of `first` and of the day after `last`."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end
