"""python manage.py report_periodic --from 2021-11-01 --to 2022-04-15 --format docx|pdf --output F
[--service-point CODE] [--lang vi|en]"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.reports.dossier_table import ReportError
from motcua.reports.management.commands.report_06a import period_and_service_point
from motcua.reports.periodic import report_content, to_docx, to_pdf


class Command(BaseCommand):
    help = "The periodic report drafted in Vietnamese, as Word (.docx) or PDF, for the officer to edit."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD (included)")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD (included)")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--service-point", default=None, help="code of the receiving service point")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of messages")

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            date_from, date_to, service_point = period_and_service_point(options)
            try:
                content = report_content(date_from, date_to, service_point=service_point)
            except ReportError as error:
                raise CommandError(str(error)) from None
            data = to_docx(content) if options["format"] == "docx" else to_pdf(content)
            with open(options["output"], "wb") as out:
                out.write(data)
            self.stderr.write(_("Written to %(path)s.") % {"path": options["output"]})
