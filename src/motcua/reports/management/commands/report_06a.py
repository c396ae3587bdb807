"""python manage.py report_06a --from 2021-11-01 --to 2022-04-15 [--group-by field] [--service-point CODE]
--format json|csv|xlsx [--output FILE] [--lang vi|en]"""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.organization.models import ServicePoint
from motcua.reports.dossier_table import GROUPS, ReportError, dossier_table
from motcua.reports.exports import to_csv, to_json, to_xlsx


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s “%(value)s” is not a date (YYYY-MM-DD).") % {"option": option, "value": value}
        ) from None


def period_and_service_point(options) -> tuple[datetime.date, datetime.date, ServicePoint | None]:
    """--from, --to and --service-point of a report command, checked (CommandError otherwise)."""
    date_from = _date(options["date_from"], "--from")
    date_to = _date(options["date_to"], "--to")
    service_point = None
    if options["service_point"]:
        service_point = ServicePoint.objects.filter(code=options["service_point"]).first()
        if service_point is None:
            raise CommandError(
                _("Service point “%(code)s” does not exist.") % {"code": options["service_point"]}
            )
    return date_from, date_to, service_point


class Command(BaseCommand):
    help = "The dossier table (Biểu II.06a/VPCP/KSTT) for a period, as JSON, CSV or Excel."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD (included)")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD (included)")
        parser.add_argument("--group-by", choices=list(GROUPS), default=None)
        parser.add_argument("--service-point", default=None, help="code of the receiving service point")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", default=None, help="file to write (default: standard output)")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of messages")

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            return self._handle(options)

    def _handle(self, options):
        date_from, date_to, service_point = period_and_service_point(options)
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError(_("Give --output FILE for the Excel format."))
        try:
            table = dossier_table(date_from, date_to, group_by=options["group_by"], service_point=service_point)
        except ReportError as error:
            raise CommandError(str(error)) from None

        if options["format"] == "xlsx":
            content = to_xlsx(table)
        elif options["format"] == "csv":
            content = to_csv(table)
        else:
            content = to_json(table) + "\n"
        if options["output"]:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(options["output"], mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
                out.write(content)
            self.stderr.write(_("Written to %(path)s.") % {"path": options["output"]})
        else:
            self.stdout.write(content, ending="")
