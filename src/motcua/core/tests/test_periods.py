"""core.periods: a period of days as [local midnight of the first day, local midnight after the last)."""
import datetime
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from motcua.core.periods import local_day_bounds

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_both_days_are_included_to_their_last_minute_in_local_time():
    start, end = local_day_bounds(datetime.date(2024, 2, 28), datetime.date(2024, 2, 29))
    assert start == datetime.datetime(2024, 2, 28, tzinfo=HCM)
    assert end == datetime.datetime(2024, 3, 1, tzinfo=HCM)
    assert end - start == datetime.timedelta(days=2)
    assert start <= datetime.datetime(2024, 2, 29, 23, 59, tzinfo=HCM) < end
    assert start.astimezone(datetime.timezone.utc) == datetime.datetime(2024, 2, 27, 17, tzinfo=datetime.timezone.utc)


def test_the_default_zone_not_one_a_request_activated():
    with timezone.override(ZoneInfo("Europe/Berlin")):
        start, _end = local_day_bounds(datetime.date(2024, 1, 1), datetime.date(2024, 1, 1))
    assert start == datetime.datetime(2024, 1, 1, tzinfo=HCM)
    with override_settings(TIME_ZONE="Europe/Berlin"):  # a summer-time change inside the period
        start, end = local_day_bounds(datetime.date(2024, 3, 31), datetime.date(2024, 3, 31))
    utc = datetime.timezone.utc
    assert end.astimezone(utc) - start.astimezone(utc) == datetime.timedelta(hours=23)
