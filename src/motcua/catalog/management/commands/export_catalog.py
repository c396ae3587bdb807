"""Write the whole catalogue to a JSON or Excel file."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog import import_export


class Command(BaseCommand):
    help = "Export the whole procedure catalogue (all versions) as JSON or Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx"], help="Default: from the output file's extension.")
        parser.add_argument("--output", required=True, help="File to write, or - for standard output (JSON only).")

    def handle(self, *args, **options):
        output = options["output"]
        fmt = options["format"] or ("xlsx" if output.lower().endswith(".xlsx") else "json")
        data = import_export.export_catalog(fmt)
        if output == "-":
            if fmt != "json":
                raise CommandError("Only JSON can be written to standard output.")
            self.stdout.write(data.decode("utf-8"))
            return
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(data):,} bytes, {fmt})."))
