"""The restore drill (docs/running.md, "Backup and restore"), with the documented commands: load
the demo into a fresh PostgreSQL database, back it up (pg_dump + export_files), restore it into
another fresh database and an empty file folder (pg_restore + import_files), and check that the
06a report of the restored database equals the original's cell by cell and that every document's
file has the same SHA-256."""
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres") or not shutil.which("pg_dump") or not shutil.which("pg_restore"),
    reason="the drill uses pg_dump and pg_restore: PostgreSQL only (set DATABASE_URL=postgres://...)")


def _url(name: str) -> str:
    return urlunparse(urlparse(URL)._replace(path=f"/{name}"))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def databases():
    names = [f"motcua_drill_{kind}_{os.getpid()}" for kind in ("original", "restored")]
    for name in names:
        _admin(f"DROP DATABASE IF EXISTS {name}")
        _admin(f"CREATE DATABASE {name}")
    yield [_url(name) for name in names]
    for name in names:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(database_url: str, media: Path, var: Path, *args) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "MOTCUA_VAR_DIR": str(var),
           "DEBUG": "1", "STORAGE_BACKEND": "local", "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def report(database_url, media, var) -> list[list[str]]:
    today = datetime.date.today()
    import csv
    import io

    out = manage(database_url, media, var, "report_06a", "--from", f"{today.year - 2}-01-01",
                 "--to", today.isoformat(), "--group-by", "field", "--format", "csv")
    return list(csv.reader(io.StringIO(out)))


def test_a_restored_backup_gives_the_same_report_and_the_same_files(databases, tmp_path):
    original, restored = databases
    media, var = tmp_path / "media-original", tmp_path / "var"
    manage(original, media, var, "migrate", "--no-input", "-v", "0")
    manage(original, media, var, "load_demo")
    table = report(original, media, var)
    assert len(table) > 3 and any(cell not in ("", "0") for row in table[2:] for cell in row[1:])
    # Backup: the database and the files.
    dump = tmp_path / "motcua.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", original], check=True)
    manage(original, media, var, "export_files", str(tmp_path / "files"))
    exported = json.loads((tmp_path / "files" / "manifest.json").read_text())
    assert exported["files"] and not exported["missing"]
    # Restore into a fresh database and an empty folder.
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)], check=True)
    restored_media = tmp_path / "media-restored"
    manage(restored, restored_media, var, "import_files", str(tmp_path / "files"))
    # The same 06a report, cell by cell ...
    assert report(restored, restored_media, var) == table
    # ... and every file a row names, read from the restored folder, has the same SHA-256.
    manage(restored, restored_media, var, "export_files", str(tmp_path / "check"))
    again = json.loads((tmp_path / "check" / "manifest.json").read_text())
    assert again == exported
    # The receipts' PDFs live in the database: restored with it.
    dumped = manage(original, media, var, "shell", "-c", PDF_DIGESTS)
    assert manage(restored, restored_media, var, "shell", "-c", PDF_DIGESTS) == dumped


PDF_DIGESTS = ("import hashlib; from motcua.payments.models import EReceipt; "
               "print(sorted((r.pk, hashlib.sha256(bytes(r.pdf or b'')).hexdigest()) for r in EReceipt.objects.all()))")
