"""Legacy import: historical dossiers from another system, so past reports can be rebuilt.

    result = import_file("dossiers.csv")      # or .xlsx
    result = import_rows([{"code": ..., ...}])  # the same rules, from dicts (tests, scripts)

Every row is checked (procedure, agency and service point must exist; dates, statuses and
channels must make sense together); if any row is bad, nothing is written and every bad row is
reported with its line and reason. The file is read and checked in chunks by a reader thread
while the main thread writes the previous chunk, all in one transaction that is rolled back if a
bad row turns up later: on PostgreSQL, COPY (psycopg 3) into a staging table and, at the end,
one INSERT ... SELECT in time order; on other databases, executemany batches.

This is the one place outside `dossiers/services.py` that writes Dossier rows directly: a legacy
dossier arrives finished or half-way with its own dates, which no command function can replay.
It writes no DossierEvent (the legacy system holds that history; one event per row would double
the rows written and halve the rate). docs/import.md documents the format and the choices.
"""
from __future__ import annotations

import csv
import datetime
import enum
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.counting import FINISHED_STATUSES, counts_as_received, is_classified
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import PENDING_STATUSES, Channel, Dossier, ReturnChannel, Status
from motcua.organization.models import Agency, ServicePoint
from motcua.postal.legacy import LEG_COLUMNS, import_legs, legs_of

from . import snapshots

COLUMNS = (
    "code", "procedure_code", "agency_code", "service_point_code", "channel", "received_at", "due_at",
    "finished_at", "returned_at", "status", "return_channel", "digitized", "paid_online", "fee_amount",
)
OPTIONAL_COLUMNS = tuple(LEG_COLUMNS)  # the postal legs (postal.legacy)
POSTAL_KEY = "_postal_legs"  # carried beside a row's columns, taken off before writing
REQUIRED_COLUMNS = ("code", "procedure_code", "agency_code", "channel", "received_at", "status")
PLACEHOLDER = "(dữ liệu chuyển đổi)"

# Received, finished and classified as the engine and the reports count them (dossiers.counting).
FINISHED = set(FINISHED_STATUSES)
PENDING = set(PENDING_STATUSES)
RETURN_CHANNELS = {
    "": ReturnChannel.COUNTER, "1": ReturnChannel.COUNTER, "counter": ReturnChannel.COUNTER,
    "2": ReturnChannel.ONLINE, "online": ReturnChannel.ONLINE, "3": ReturnChannel.POST, "post": ReturnChannel.POST,
}
BOOLEANS = {"": False, "0": False, "1": True, "false": False, "true": True}
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
BATCH = 5000
# Rows per chunk: the reader thread checks chunk k+1 while the main thread writes chunk k.
CHUNK = 20_000
CHANNELS = tuple(int(c) for c in Channel.values)
STATUSES = tuple(int(c) for c in Status.values)
CODE_MAX_LENGTH = Dossier._meta.get_field("code").max_length


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    check_seconds: float = 0.0  # reading and checking

    @property
    def ok(self) -> bool:
        return not self.errors


class BadValue(ValueError):
    pass


# --- reading ----------------------------------------------------------------------------------


def read_file(path: str | Path) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """(header, rows as (line number, {column: value})) of a .csv (UTF-8, comma) or .xlsx file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise BadValue(_("Unsupported file type “%(suffix)s”: give a .csv or .xlsx file.") % {"suffix": suffix})


def _read_csv(path: Path):
    handle = path.open(encoding="utf-8-sig", newline="")
    # Excel in Vietnamese settings (decimal comma) saves CSV with semicolons.
    first = handle.readline()
    handle.seek(0)
    reader = csv.reader(handle, delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [h.strip().lower() for h in next(reader, [])]

    def rows():
        with handle:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                yield reader.line_num, dict(zip(header, values))

    return header, rows()


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(cells, ())]

    def rows():
        try:
            for number, values in enumerate(cells, start=2):
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield number, {h: ("" if v is None else v) for h, v in zip(header, values)}
        finally:
            workbook.close()

    return header, rows()


# --- checking ---------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _moment(value, column: str, required: bool = False) -> datetime.datetime | None:
    """A moment: ISO 8601 (2021-11-01 08:30[:00], with or without offset) or 01/11/2021 08:30;
    without an offset it is local time (Asia/Ho_Chi_Minh)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time.min)
    else:
        text = _text(value)
        if not text:
            if required:
                raise BadValue(_("%(column)s is required.") % {"column": column})
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            moment = None
            for fmt in DATE_FORMATS:
                try:
                    moment = datetime.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if moment is None:
                raise BadValue(
                    _("%(column)s “%(value)s” is not a date and time (use 2021-11-01 08:30 or 01/11/2021 08:30).")
                    % {"column": column, "value": text}
                ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
    return moment


def _choice(value, column: str, allowed: tuple[int, ...]) -> int:
    text = _text(value)
    if not text.isdigit() or int(text) not in allowed:
        raise BadValue(
            _("%(column)s “%(value)s” is not one of %(allowed)s.")
            % {"column": column, "value": text, "allowed": ", ".join(str(a) for a in allowed)}
        )
    return int(text)


def _flag(value, column: str) -> bool:
    text = _text(value).lower()
    if text not in BOOLEANS:
        raise BadValue(_("%(column)s “%(value)s” must be 0 or 1.") % {"column": column, "value": text})
    return BOOLEANS[text]


def _amount(value) -> int:
    text = _text(value)
    if not text:
        return 0
    if not text.isdigit():
        raise BadValue(_("fee_amount “%(value)s” must be a whole number of đồng, digits only.") % {"value": text})
    return int(text)


class _Catalogue:
    """Procedures, agencies and service points by code, each read once (three queries)."""

    def __init__(self):
        self.procedures = {
            code: (pk, version_id, field_id)
            for code, pk, version_id, field_id in Procedure.objects.values_list(
                "code", "pk", "current_version_id", "current_version__field_id"
            )
        }
        self.agencies = {code: (pk, level_id) for code, pk, level_id in Agency.objects.values_list("code", "pk", "level_id")}
        self.service_points = dict(ServicePoint.objects.values_list("code", "pk"))
        # Set when the Dossier model has these columns (added after the first version).
        self.has_is_digitized = _has_field("is_digitized")
        self.has_paid_online = _has_field("paid_online")


def _has_field(name: str) -> bool:
    return any(f.name == name for f in Dossier._meta.concrete_fields)


def check_row(values: dict, catalogue: _Catalogue) -> dict:
    """The Dossier column values for one row, or BadValue with the first reason it is wrong."""
    code = _text(values.get("code", ""))
    if not code:
        raise BadValue(_("code is required."))
    if len(code) > CODE_MAX_LENGTH:
        raise BadValue(_("code “%(code)s…” is too long: at most %(limit)d characters, but %(length)d were given.")
                       % {"code": code[:CODE_MAX_LENGTH], "limit": CODE_MAX_LENGTH, "length": len(code)})
    procedure_code = _text(values.get("procedure_code", ""))
    procedure = catalogue.procedures.get(procedure_code)
    if procedure is None:
        raise BadValue(_("procedure “%(code)s” does not exist.") % {"code": procedure_code})
    if procedure[1] is None:
        raise BadValue(_("procedure “%(code)s” has no version in force.") % {"code": procedure_code})
    agency_code = _text(values.get("agency_code", ""))
    agency = catalogue.agencies.get(agency_code)
    if agency is None:
        raise BadValue(_("agency “%(code)s” does not exist.") % {"code": agency_code})
    point_code = _text(values.get("service_point_code", ""))
    service_point_id = None
    if point_code:
        service_point_id = catalogue.service_points.get(point_code)
        if service_point_id is None:
            raise BadValue(_("service point “%(code)s” does not exist.") % {"code": point_code})

    channel = _choice(values.get("channel", ""), "channel", CHANNELS)
    status = _choice(values.get("status", ""), "status", STATUSES)
    received_at = _moment(values.get("received_at", ""), "received_at", required=True)
    due_at = _moment(values.get("due_at", ""), "due_at")
    finished_at = _moment(values.get("finished_at", ""), "finished_at")
    returned_at = _moment(values.get("returned_at", ""), "returned_at")
    return_channel = RETURN_CHANNELS.get(_text(values.get("return_channel", "")).lower())
    if return_channel is None:
        raise BadValue(
            _("return_channel “%(value)s” is not one of counter, online, post (or 1, 2, 3).")
            % {"value": _text(values.get("return_channel", ""))}
        )
    digitized = _flag(values.get("digitized", ""), "digitized")
    paid_online = _flag(values.get("paid_online", ""), "paid_online")
    fee = _amount(values.get("fee_amount", ""))

    if due_at is not None and due_at < received_at:
        raise BadValue(_("due_at is before received_at."))
    if finished_at is not None and finished_at < received_at:
        raise BadValue(_("finished_at is before received_at."))
    if status in FINISHED and finished_at is None:
        raise BadValue(_("status %(status)d (finished) needs finished_at.") % {"status": status})
    if status in PENDING | {Status.NEW} and finished_at is not None:
        raise BadValue(_("status %(status)d (not finished) must not have finished_at.") % {"status": status})
    if status == Status.RETURNED and returned_at is None:
        raise BadValue(_("status 10 (result returned) needs returned_at."))
    if returned_at is not None and (finished_at is None or returned_at < finished_at):
        raise BadValue(_("returned_at needs a finished_at on or before it."))
    if returned_at is not None and status == Status.NOT_RECEIVED:  # so every returned dossier was received
        raise BadValue(_("status 3 (refused at intake) has no result to return: leave returned_at empty."))

    if status == Status.NOT_RECEIVED:  # refused at intake: finished when refused, never counted
        finished_at = finished_at or received_at
    # The engine's rules (dossiers.counting, deadlines.classify): a refusal at intake is never
    # received nor classified; a finished dossier is early / on time / late by local dates. The
    # legacy file has no supplement count, so the more-than-one-supplement rule cannot apply.
    outcome = classify(finished_at, due_at) if is_classified(status) else None
    procedure_id, version_id, field_id = procedure
    agency_id, level_id = agency
    received = counts_as_received(status, received_at)
    row = {
        "code": code,
        "procedure_version_id": version_id,
        "procedure_id": procedure_id,
        "field_id": field_id,
        "level_id": level_id,
        "applicant_name": PLACEHOLDER,
        "owner_name": PLACEHOLDER,
        "channel_in": channel,
        "return_channel": return_channel.value,
        "status": status,
        "service_point_id": service_point_id,
        "receiving_agency_id": agency_id,
        "competent_agency_id": agency_id,
        "current_agency_id": agency_id if status in PENDING else None,
        "submitted_at": received_at,
        # Never received (1 new, 3 refused at intake): the moment given is the submission.
        "received_at": received_at if received else None,
        "clock_started_at": received_at if received else None,
        "original_due_at": due_at if received else None,
        "due_at": due_at if received else None,
        "finished_at": finished_at if status in FINISHED | {Status.NOT_RECEIVED} else None,
        "returned_at": returned_at,
        "outcome": int(outcome) if outcome is not None else None,
        "fee_due": fee,
        "fee_paid": fee,
    }
    try:  # the optional postal columns: the legs handed to the post (postal.legacy)
        legs = legs_of(values, _moment, received_at, finished_at)
    except ValueError as error:
        raise BadValue(str(error)) from None
    if legs:
        row[POSTAL_KEY] = legs
    if catalogue.has_is_digitized:
        row["is_digitized"] = digitized
    if catalogue.has_paid_online:
        row["paid_online"] = paid_online
    return row


def _existing_codes(codes: list[str]) -> list[str]:
    """The codes already in the database, in chunks (on PostgreSQL one array parameter per chunk,
    which costs far less than thousands of IN parameters)."""
    found = []
    table = connection.ops.quote_name(Dossier._meta.db_table)
    for i in range(0, len(codes), BATCH * 4):
        chunk = codes[i:i + BATCH * 4]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT code FROM {table} WHERE code = ANY(%s)", [chunk])
                found.extend(code for (code,) in cursor.fetchall())
        else:
            for j in range(0, len(chunk), BATCH):
                found.extend(Dossier.objects.filter(code__in=chunk[j:j + BATCH]).values_list("code", flat=True))
    return found


def check_chunks(rows: Iterable[tuple[int, dict]], catalogue: _Catalogue,
                 size: int | None = None) -> Iterator[tuple[list[dict], list[int], list[RowError]]]:
    """The rows checked, `size` at a time: (column values of the good rows, their line numbers,
    errors of the bad ones). No database access (it runs in the reader thread): the codes already
    in the database are looked up by the caller (`_existing_code_errors`)."""
    size = size or CHUNK
    records, lines, errors, seen = [], [], [], {}
    for line, values in rows:
        try:
            record = check_row(values, catalogue)
        except BadValue as error:
            errors.append(RowError(line, str(error)))
        else:
            first = seen.setdefault(record["code"], line)
            if first != line:
                errors.append(RowError(line, _("code “%(code)s” repeats line %(first)d.")
                                       % {"code": record["code"], "first": first}))
            else:
                records.append(record)
                lines.append(line)
        if len(records) + len(errors) >= size:
            yield records, lines, errors
            records, lines, errors = [], [], []
    if records or errors:
        yield records, lines, errors


def _existing_code_errors(records: list[dict], lines: list[int]) -> list[RowError]:
    line_of = {record["code"]: line for record, line in zip(records, lines)}
    return [RowError(line_of[code], _("code “%(code)s” is already in the database.") % {"code": code})
            for code in _existing_codes(list(line_of))]


class _Reader:
    """`check_chunks` in a thread of its own, at most two chunks ahead of the writer. Checking is
    Python work and writing is mostly the database server's (psycopg releases the GIL while it
    waits for it), so on two cores the two overlap. Iterating yields the chunks in order and
    re-raises whatever the thread raised; `seconds` is the time the thread spent reading and
    checking."""

    _DONE = object()

    def __init__(self, rows: Iterable[tuple[int, dict]], catalogue: _Catalogue):
        self.seconds = 0.0
        self._rows, self._catalogue = rows, catalogue
        self._chunks: queue.Queue = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._language = translation.get_language()  # thread-local: the caller's, for the messages
        self._thread = threading.Thread(target=self._run, name="legacy-import-reader", daemon=True)

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self):
        translation.activate(self._language)
        try:
            chunks = check_chunks(self._rows, self._catalogue)
            while True:
                began = time.perf_counter()
                chunk = next(chunks, self._DONE)
                self.seconds += time.perf_counter() - began
                if not self._put(chunk) or chunk is self._DONE:
                    return
        except BaseException as error:  # handed to the main thread, raised there
            self._put(error)
        finally:
            translation.deactivate()

    def __iter__(self):
        self._thread.start()
        try:
            while True:
                item = self._chunks.get()
                if item is self._DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:  # also when the writer fails: let the thread end instead of waiting on a full queue
            self._stop.set()
            self._thread.join()


# --- writing ----------------------------------------------------------------------------------


def _columns() -> list:
    return [f for f in Dossier._meta.concrete_fields if not f.primary_key]


def _defaults(now) -> dict:
    values = {}
    for f in _columns():
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values[f.attname] = now
        elif f.has_default():
            value = f.get_default()
            # Choices enums (PartyKind.PERSON) as their plain value for the database driver.
            values[f.attname] = value.value if isinstance(value, enum.Enum) else value
        elif f.null:
            values[f.attname] = None
        else:
            values[f.attname] = ""
    return values


def _tuples(records: list[dict], fields: list) -> Iterator[tuple]:
    """Each record as a tuple of database values in `fields` order (defaults filled in)."""
    names = [f.attname for f in fields]
    defaults = _defaults(timezone.now())
    default_row = [defaults[name] for name in names]
    positions = {name: i for i, name in enumerate(names)}
    for record in records:
        values = list(default_row)
        for name, value in record.items():
            values[positions[name]] = value
        yield values


class _StagedWriter:
    """PostgreSQL: each chunk's checked columns go by binary COPY into a temporary staging table
    (no indexes, no WAL) as the chunks arrive; `finish` writes them all with one INSERT ...
    SELECT into the dossier table in time order (the time indexes are then filled page by page,
    which chunk-by-chunk inserts of an unordered file would not do), the other columns given
    their defaults by the statement. Reference checks are done once per distinct id rather than
    once per row when the database role may skip the row triggers (see _skip_row_triggers)."""

    def __init__(self):
        self.given = None

    def add(self, records: list[dict]) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self.given is None:
                by_name = {f.attname: f for f in _columns()}
                self.given = [by_name[name] for name in records[0]]  # every record has the same keys
                self.staged = ", ".join(quote(f.column) for f in self.given)
                cursor.execute("SET LOCAL synchronous_commit = off")  # all or nothing; re-run if lost
                cursor.execute(
                    f"CREATE TEMPORARY TABLE legacy_import_staging ON COMMIT DROP AS "
                    f"SELECT {self.staged} FROM {quote(Dossier._meta.db_table)} WITH NO DATA"
                )
            names = [f.attname for f in self.given]
            with cursor.cursor.copy(f"COPY legacy_import_staging ({self.staged}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([_pg_type(f) for f in self.given])
                for record in records:
                    copy.write_row([record[name] for name in names])

    def finish(self) -> None:
        if self.given is None:
            return
        quote = connection.ops.quote_name
        table = quote(Dossier._meta.db_table)
        given_names = {f.attname for f in self.given}
        rest = [f for f in _columns() if f.attname not in given_names]
        defaults = _defaults(timezone.now())
        submitted = quote(Dossier._meta.get_field("submitted_at").column)
        with connection.cursor() as cursor:
            skipped = _skip_row_triggers(cursor, self.given)
            columns = ", ".join(quote(f.column) for f in (*self.given, *rest))
            placeholders = ", ".join(f"%s::{f.db_type(connection)}" for f in rest)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {self.staged}{', ' if rest else ''}{placeholders} "
                f"FROM legacy_import_staging ORDER BY {submitted}",
                [defaults[f.attname] for f in rest],
            )
            if skipped:
                cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute("DROP TABLE legacy_import_staging")


def _skip_row_triggers(cursor, given: list) -> bool:
    """Lock every referenced row once (FOR KEY SHARE, what each foreign key's row trigger does)
    and check that all exist; then, if the role may (superuser or GRANT SET ON PARAMETER),
    switch off the per-row triggers for this transaction: the only triggers on the dossier
    table are those foreign-key checks (about 2 s per 200,000 rows). False if not allowed."""
    quote = connection.ops.quote_name
    checks = []
    for f in given:
        if f.is_relation and f.many_to_one and f.db_constraint:
            target = f.target_field
            ref_table, ref_column = quote(target.model._meta.db_table), quote(target.column)
            column = quote(f.column)
            cursor.execute(f"SELECT count(DISTINCT {column}) FROM legacy_import_staging")
            (wanted,) = cursor.fetchone()
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {ref_table} WHERE {ref_column} IN "
                f"(SELECT {column} FROM legacy_import_staging) FOR KEY SHARE) AS locked"
            )
            (found,) = cursor.fetchone()
            checks.append((f.name, wanted, found))
    missing = [name for name, wanted, found in checks if wanted != found]
    if missing:
        raise IntegrityError(f"missing referenced rows for {', '.join(missing)}")
    cursor.execute("SAVEPOINT legacy_import_role")
    try:
        cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # not allowed: the row triggers check each row
        cursor.execute("ROLLBACK TO SAVEPOINT legacy_import_role")
        return False
    cursor.execute("RELEASE SAVEPOINT legacy_import_role")
    return True


def _pg_type(f) -> str:
    """The PostgreSQL type name of a column, for binary COPY ("varchar(40)" -> "varchar")."""
    name = f.db_type(connection).split("(")[0].strip()
    return {"timestamp with time zone": "timestamptz", "serial": "integer", "bigserial": "bigint"}.get(name, name)


def _write_batches(records: list[dict]) -> None:
    """Other databases (SQLite): one prepared INSERT run over batches of rows (executemany),
    with the values adapted once here rather than field by field by the ORM."""
    fields = _columns()
    table = connection.ops.quote_name(Dossier._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    moments = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
    # What the backend's adapt_datetimefield_value does (naive, in the connection's zone), faster.
    db_zone = connection.timezone

    def adapt(value):
        return str(value.astimezone(db_zone).replace(tzinfo=None))

    if connection.vendor != "sqlite":
        adapt = connection.ops.adapt_datetimefield_value  # noqa: F811
    batch = []
    with connection.cursor() as cursor:
        for values in _tuples(records, fields):
            for i in moments:
                if values[i] is not None:
                    values[i] = adapt(values[i])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


class _BatchWriter:
    """Other databases (SQLite): each chunk inserted as it arrives, in time order within it."""

    def add(self, records: list[dict]) -> None:
        # In time order, the inserts into the time indexes (received, finished, the report's)
        # touch neighbouring index pages instead of pages all over them.
        records.sort(key=lambda r: r["submitted_at"])
        _write_batches(records)

    def finish(self) -> None:
        pass


def _writer():
    """Where the checked chunks go, inside the import's transaction (all or nothing)."""
    return _StagedWriter() if connection.vendor == "postgresql" else _BatchWriter()


class _BadFile(Exception):
    """Raised inside the import's transaction to roll back what was written before a bad row."""


def import_rows(rows: Iterable[tuple[int, dict]] | Iterable[dict], *, dry_run: bool = False) -> ImportResult:
    """Check every row and write them all, or nothing when one is bad. The chunks are written
    (PostgreSQL: staged) as they are checked, in one transaction; the first bad row stops the
    writing (the rest is still checked, so that every bad row is reported) and the transaction
    is rolled back."""
    started = time.perf_counter()
    numbered = ((i + 2, r) if isinstance(r, dict) else r for i, r in enumerate(rows))
    result = ImportResult()
    reader = _Reader(numbered, _Catalogue())
    earliest = None
    try:
        with transaction.atomic():
            writer = _writer()
            postal = []
            for records, lines, errors in reader:
                postal.extend((r["code"], leg, at) for r in records for leg, at in r.pop(POSTAL_KEY, ()))
                result.rows += len(records) + len(errors)
                result.errors.extend(errors)
                if records:
                    result.errors.extend(_existing_code_errors(records, lines))
                if records and not result.errors and not dry_run:
                    writer.add(records)
                    result.imported += len(records)
                    first = min(r["submitted_at"] for r in records)
                    earliest = first if earliest is None else min(earliest, first)
            if result.errors or dry_run:
                raise _BadFile
            writer.finish()
            if postal:
                import_legs(postal)
    except _BadFile:
        result.imported = 0
    except IntegrityError as error:  # a code written by someone else meanwhile, a vanished reference
        result.imported = 0
        result.errors.append(RowError(0, _("the database refused the rows: %(error)s") % {"error": error}))
    else:
        if earliest is not None:
            # Closed periods' snapshots from the earliest imported day on may now be wrong.
            snapshots.invalidate_from(timezone.localtime(earliest).date())
    result.errors.sort(key=lambda e: e.line)
    result.check_seconds = reader.seconds
    result.seconds = time.perf_counter() - started
    return result


def import_file(path: str | Path, *, dry_run: bool = False) -> ImportResult:
    try:
        header, rows = read_file(path)
    except (BadValue, OSError) as error:
        return ImportResult(errors=[RowError(0, str(error))])
    except Exception as error:  # an unreadable .xlsx (openpyxl raises many kinds)
        return ImportResult(errors=[RowError(0, _("the file cannot be read: %(error)s") % {"error": error})])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return ImportResult(errors=[RowError(1, _("missing columns: %(columns)s.") % {"columns": ", ".join(missing)})])
    return import_rows(rows, dry_run=dry_run)
