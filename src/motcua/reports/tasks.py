"""Periodic work on reports (Celery; eager in the embedded default)."""
from celery import shared_task


@shared_task(ignore_result=True)
def store_snapshots() -> int:
    """Nightly: store the province-wide dashboard of every closed standard period (year, halves,
    quarters, months) of last year and of this year so far, and the public statistics of its
    closed months, quarters and years in Vietnamese and English, so their first view is read back.
    Periods already stored are read back, not computed again; a year the working calendar does
    not cover is skipped (logged). Returns the dashboard periods stored or kept."""
    import datetime
    import logging

    from django.utils import timezone, translation

    from .dashboard import dashboard_data
    from .dossier_table import ReportError, check_period_covered
    from .management.commands.report_snapshots import standard_periods
    from .publicstats import store_public_figures
    from .snapshots import is_closed

    this_year = timezone.localdate().year
    stored = 0
    with translation.override("vi"):
        for year in (this_year - 1, this_year):
            try:
                check_period_covered(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            except ReportError as error:
                logging.getLogger(__name__).warning("report snapshots of %s skipped: %s", year, error)
                continue
            for date_from, date_to in standard_periods(year):
                if is_closed(date_to):
                    dashboard_data(date_from, date_to, "field", agency_ids=None)
                    stored += 1
            store_public_figures(year)
    return stored

