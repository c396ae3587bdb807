"""`manage.py export_files DIR`: copy every file a row names out of the file storage (the local
folder or S3, whichever is configured) into DIR, with DIR/manifest.json = {stored name: SHA-256}.
With `import_files DIR` it is the files half of a backup (docs/running.md, "Backup and restore")."""
import hashlib
import json
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from motcua.core.storage import named_files


class Command(BaseCommand):
    help = "Copy every stored file that a row names into a folder, with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        manifest, missing = {}, []
        for name in sorted(named_files()):
            try:
                with default_storage.open(name, "rb") as handle:
                    data = handle.read()
            except FileNotFoundError:
                missing.append(name)
                continue
            path = target / name
            if target.resolve() not in path.resolve().parents:
                raise CommandError(f"unsafe stored name {name!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            manifest[name] = hashlib.sha256(data).hexdigest()
        target.mkdir(parents=True, exist_ok=True)
        (target / "manifest.json").write_text(json.dumps({"files": manifest, "missing": missing}, indent=1))
        self.stdout.write(f"{len(manifest)} files exported to {target}; {len(missing)} named by a row but missing.")
        if missing:
            self.stderr.write("missing: " + ", ".join(missing))
