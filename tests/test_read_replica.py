"""The read replica for real (motcua.core.db_routing, docs/running.md "A read replica"): a fresh
PostgreSQL primary (wal_level=replica) and a streaming replica made from it by `pg_basebackup -R`,
each on a free loopback port in a temporary folder, then the drill below in a child process whose
DATABASE_URL and DATABASE_REPLICA_URL point at them:

1. migrate the primary; receive a dossier; the replica shows it after replication;
2. the public statistics page and the reports dashboard (heavy reads) are answered with their
   queries on the replica;
3. replay paused on the replica (real lag): an officer withdraws the dossier through the back
   office (at the applicant's request) and then tracks it: they see their own change (the primary), while an anonymous visitor
   still sees the replica's older status; once the lag passes DATABASE_REPLICA_MAX_LAG everyone
   reads from the primary;
4. the replica stopped (`pg_ctl stop -m immediate`) under a kept connection: tracking and the
   public statistics still answer 200, from the primary; /readyz answers 200, "degraded".

Needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup, postgres; Debian's
postgresql-15 puts them in /usr/lib/postgresql/15/bin; PG_BIN names another folder): skipped
without them on a developer's machine, failed in CI. Marked `smoke`: `make test` runs it after the
parallel part, with the browser tests. About 30 s."""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
DATABASE = "motcua"


def server_binaries() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("pg_ctl")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).exists() for tool in TOOLS):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_server_user() -> list[str]:
    """initdb and postgres refuse to run as root: as the `postgres` account then."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="module")
def replica_pair():
    """A primary and its streaming replica, started; stopped and removed at the end."""
    bin_dir = server_binaries()
    reason = ""
    if bin_dir is None:
        reason = "the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed (postgresql-15)"
    elif os.geteuid() == 0 and not shutil.which("runuser"):
        reason = "running as root without runuser to start PostgreSQL as the postgres account"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    user = as_server_user()
    root = Path(tempfile.mkdtemp(prefix="motcua-replica-"))
    if user:
        shutil.chown(root, "postgres")
    pair = SimpleNamespace(bin=bin_dir, root=root, user=user, primary=root / "primary", replica=root / "replica",
                           primary_port=free_port(), replica_port=free_port())

    def run(*args, **kwargs):
        return subprocess.run([*user, *map(str, args)], check=True, capture_output=True, text=True, timeout=120,
                              **kwargs)

    def pg_ctl(data, *args):
        return run(bin_dir / "pg_ctl", "-D", data, *args)

    started = []
    try:
        run(bin_dir / "initdb", "-D", pair.primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale",
            "--no-sync")
        with open(pair.primary / "postgresql.conf", "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {pair.primary_port}\n"
                       f"unix_socket_directories = '{root}'\nwal_level = replica\nmax_wal_senders = 5\n"
                       "fsync = off\nfull_page_writes = off\nshared_buffers = 16MB\nmax_connections = 40\n")
        pg_ctl(pair.primary, "-l", root / "primary.log", "-w", "-t", "60", "start")
        started.append(pair.primary)
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=pair.primary_port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        run(bin_dir / "pg_basebackup", "-h", "127.0.0.1", "-p", pair.primary_port, "-U", "postgres", "-D",
            pair.replica, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with open(pair.replica / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {pair.replica_port}\n")
        pg_ctl(pair.replica, "-l", root / "replica.log", "-w", "-t", "60", "start")
        started.append(pair.replica)
        yield pair
    finally:
        for data in reversed(started):
            subprocess.run([*user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def test_heavy_reads_go_to_a_real_replica_and_fall_back_to_the_primary(replica_pair):
    pair = replica_pair
    url = "postgres://postgres@127.0.0.1:{}/" + DATABASE
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings_test", "DEBUG": "0",
           "DATABASE_URL": url.format(pair.primary_port), "DATABASE_REPLICA_URL": url.format(pair.replica_port),
           "DATABASE_REPLICA_MAX_LAG": "6", "DATABASE_REPLICA_CHECK_SECONDS": "1",
           "DATABASE_READ_YOUR_WRITES_SECONDS": "30", "PYTHONPATH": str(ROOT / "src"),
           "REPLICA_DRILL": json.dumps({"pg_ctl": str(pair.bin / "pg_ctl"), "replica": str(pair.replica),
                                        "user": pair.user})}
    for name in ("DATABASE_TRANSACTION_POOLING", "REDIS_URL", "MOTCUA_VAR_DIR", "MEDIA_ROOT"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, __file__], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    steps = [line for line in result.stdout.splitlines() if line.startswith("[replica]")]
    print("\n".join(steps))  # shown with -s or on failure
    logs = "".join((pair.root / f"{name}.log").read_text()[-1500:] for name in ("primary", "replica")
                   if (pair.root / f"{name}.log").exists())
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-6000:] + logs
    assert steps[-1] == "[replica] all steps passed", steps
    for expected in ("the replica has the dossier", "public statistics read on the replica",
                     "the reports dashboard read on the replica",
                     "the officer reads their own withdrawal", "lag over the maximum",
                     "replica stopped: tracking answers 200 from the primary", "readyz degraded"):
        assert any(expected in line for line in steps), (expected, steps)


# --- the drill, in the child process -----------------------------------------------------------

def step(text: str) -> None:
    print(f"[replica] {text}", flush=True)


def wait_for(condition, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def drill() -> None:  # noqa: PLR0915 - one story, told in order
    import datetime
    from decimal import Decimal

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from motcua.calendar.testing import cover_years
    from motcua.catalog import services as catalog
    from motcua.catalog.models import Field
    from motcua.core import db_routing
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier, Status
    from motcua.organization.models import AdministrativeLevel, Agency, Role, RoleAssignment, ServicePoint
    from motcua.testing.world import APPLICANT, MONDAY

    drill_env = json.loads(os.environ["REPLICA_DRILL"])
    assert settings.DATABASES["replica"]["PORT"] != settings.DATABASES["default"]["PORT"]
    call_command("migrate", verbosity=0, interactive=False)
    step("migrated the primary")

    cover_years(range(2015, datetime.date.today().year + 2))
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    land = Agency.objects.create(code="000.00.20.H99", name="Sở Nông nghiệp và Môi trường", level=province)
    centre = ServicePoint.objects.create(code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh",
                                         kind=ServicePoint.Kind.PROVINCIAL_CENTRE)
    version = catalog.create_procedure(
        "1.004227.000.00.00.H99", "1.004227", name="Đăng ký biến động quyền sử dụng đất",
        field=Field.objects.create(code="dat-dai", name="Đất đai"), time_limit=Decimal("10"),
        time_limit_unit="working_days", levels=[province], competent_agencies=[land],
        documents=[{"name": "Đơn đăng ký biến động", "originals": 1}],
        steps=[{"order": 1, "name": "Tiếp nhận hồ sơ", "role": "counter_officer", "budget_hours": 4},
               {"order": 2, "name": "Thẩm định hồ sơ", "role": "specialist", "budget_hours": 60}],
        publish=True, valid_from=datetime.date(2025, 1, 1))
    counter = get_user_model().objects.create_user(username="counter", password="x")
    RoleAssignment.objects.create(user=counter, role=Role.COUNTER_OFFICER, agency=land)
    documents = [{"required_document": d.pk, "originals": 1, "copies": 0, "digitization": 1}
                 for d in version.documents.all()]
    dossier = services.receive_at_counter(counter, procedure_version=version, applicant=APPLICANT,
                                          documents=documents, service_point=centre, received_at=MONDAY)
    code = dossier.code
    wait_for(lambda: Dossier.objects.using("replica").filter(code=code).exists(), "the dossier on the replica")
    step(f"the replica has the dossier {code} received on the primary")

    def label(status) -> str:
        with translation.override("vi"):
            return str(Status(status).label)

    anonymous = Client()
    db_routing.forget()
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        response = anonymous.get("/thong-ke/")
    assert response.status_code == 200, response.status_code
    app_queries = [q["sql"] for q in on_replica.captured_queries if "pg_is_in_recovery" not in q["sql"]]
    assert app_queries, "no query of the page went to the replica"
    step(f"public statistics read on the replica ({len(app_queries)} queries there, "
         f"{len(on_primary.captured_queries)} on the primary)")
    leader = Client()
    leader.force_login(get_user_model().objects.create_superuser(username="leader", password="x"))
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = leader.get("/mot-cua/bao-cao/")
    assert response.status_code == 200, response.status_code
    app_queries = [q["sql"] for q in on_replica.captured_queries if "pg_is_in_recovery" not in q["sql"]]
    assert any("dossiers_dossier" in sql for sql in app_queries), "the dashboard did not read the replica"
    step(f"the reports dashboard read on the replica ({len(app_queries)} queries there)")
    before = anonymous.get("/tra-cuu/", {"ma": code})
    assert before.status_code == 200 and label(dossier.status) in before.content.decode()

    # Real lag: a fresh commit replayed, then replay paused on the replica.
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS drill_probe (at timestamptz)")
        cursor.execute("INSERT INTO drill_probe VALUES (now())")
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]

    def replayed():
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            return cursor.fetchone()[0]

    wait_for(replayed, "the probe's replay")
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    paused_at = time.monotonic()

    officer = Client()
    officer.force_login(counter)
    dossier.refresh_from_db()
    response = officer.post(f"/mot-cua/ho-so/{code}/thao-tac/withdraw/",
                           {"version": dossier.version, "withdraw-reason": "Người nộp đề nghị rút hồ sơ"})
    assert response.status_code == 302 and db_routing.PIN_COOKIE in response.cookies, response
    dossier.refresh_from_db()
    old, new = label(Status.RECEIVED), label(dossier.status)
    assert old != new, (old, new)
    db_routing.forget()
    own = officer.get("/tra-cuu/", {"ma": code}).content.decode()
    others = anonymous.get("/tra-cuu/", {"ma": code}).content.decode()
    status = db_routing.replica_status()
    assert time.monotonic() - paused_at < 6, "too slow for the lag window of this drill"
    assert status.available and status.lag is not None and status.lag > 0, status
    assert new in own and old not in own, "the officer does not see their own withdrawal"
    assert old in others and new not in others, "the anonymous visitor was not answered by the lagging replica"
    step(f"the officer reads their own withdrawal ({new}) from the primary; a visitor still sees "
         f"{old} on the replica ({status.lag:.1f} s behind)")
    wait_for(lambda: time.monotonic() - paused_at > 6.5, "the lag", timeout=10)
    db_routing.forget()
    others = anonymous.get("/tra-cuu/", {"ma": code}).content.decode()
    status = db_routing.replica_status()
    assert not status.available and "DATABASE_REPLICA_MAX_LAG" in status.reason, status
    assert new in others, "a lagging replica still answered"
    step(f"lag over the maximum: everyone reads from the primary ({status.reason})")
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    db_routing.forget()
    wait_for(lambda: db_routing.replica_status(refresh=True).available, "the replica to catch up")

    # The replica stopped under a kept, healthy-looking connection (the check's answer still held).
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    assert db_routing.replica_status(refresh=True).available
    subprocess.run([*drill_env["user"], drill_env["pg_ctl"], "-D", drill_env["replica"], "-m", "immediate", "stop"],
                   check=True, capture_output=True, timeout=60)
    response = anonymous.get("/tra-cuu/", {"ma": code})
    assert response.status_code == 200 and new in response.content.decode()
    status = db_routing.replica_status()
    assert not status.available and status.reason.startswith(("OperationalError", "InterfaceError")), status
    step(f"replica stopped: tracking answers 200 from the primary (remembered: {status.reason[:80]})")
    assert anonymous.get("/thong-ke/").status_code == 200
    assert anonymous.get("/api/v1/tracking/" + code + "/").status_code == 200
    ready = anonymous.get("/readyz")
    payload = ready.json()
    assert ready.status_code == 200 and payload["status"] == "degraded", payload
    assert payload["checks"]["replica"].startswith("degraded:"), payload
    step(f"readyz degraded, still 200: {payload['checks']['replica'][:80]}")
    step("all steps passed")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    drill()
