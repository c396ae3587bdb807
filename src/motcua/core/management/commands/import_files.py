"""`manage.py import_files DIR`: put the files of an `export_files` folder into the configured file
storage under their stored names, each checked against the manifest's SHA-256 (docs/running.md,
"Backup and restore"). A file already there with the same content is left as it is."""
import hashlib
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Put the files of an export_files folder back into the file storage under their names."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        source = Path(folder)
        try:
            manifest = json.loads((source / "manifest.json").read_text())["files"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{source}/manifest.json is missing or unreadable: {exc}") from exc
        written = kept = 0
        for name, digest in sorted(manifest.items()):
            data = (source / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                raise CommandError(f"{name}: the copy does not match its SHA-256 in the manifest")
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    if hashlib.sha256(handle.read()).hexdigest() == digest:
                        kept += 1
                        continue
                default_storage.delete(name)
            stored = default_storage._save(name, ContentFile(data))  # the exact name, no suffix
            if stored != name:
                raise CommandError(f"{name} was stored as {stored}")
            written += 1
        self.stdout.write(f"{written} files imported, {kept} already there.")
