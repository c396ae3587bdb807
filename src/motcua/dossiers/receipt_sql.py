"""A receipt's rows, behind one function: `store_receipt`.

The receipt is the one command whose SQL depends on the database vendor: on PostgreSQL it is one
statement (below); elsewhere (SQLite) the ORM writes the same rows after `allocate_code`, in one
transaction. The commands (`services.intake`) call `store_receipt` and never look at the vendor.

The receipt in one SQL statement on PostgreSQL.

A receipt writes five tables (code sequence, dossier, documents, first step, event). Through the
ORM that is five round trips and most of the time of a receipt is spent in Django's insert
machinery; here the same rows, prepared by the same model fields (`pre_save` +
`get_db_prep_save`, so defaults, auto_now and JSON adapt exactly as in `Model.save`), go in one
statement of chained `INSERT ... RETURNING` CTEs. The code number comes from the sequence upsert
inside the same statement, so the row lock on the agency's day is held to the commit as before.
"""
from __future__ import annotations

import datetime
import itertools
import re

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections, models, router, transaction

from .models import Dossier, DossierDocument, DossierEvent, DossierSequence, DossierStep


# Rows other apps append with the receipt's event in the same statement (the national portal's
# outbox): callables `(event) -> unsaved model instance or None`, registered in their app's
# `ready()`. The instance's model has foreign keys `event` and `dossier`, filled from the
# statement's own rows. On the ORM path (SQLite) the event is saved and those apps' post_save
# receivers write the same rows, in the same transaction.
EVENT_COMPANIONS: list = []

# Questions other apps ask with the receipt, answered by the same statement instead of a second
# round trip after it (which costs as much as the receipt itself on a loaded server): `name ->
# (event) -> (SQL boolean expression with %s placeholders, params)`, registered in their app's
# `ready()`. The answers are on `event.receipt_answers` ({name: bool}) for the receivers of
# `dossier_event_committed`; on the ORM path (SQLite) there are none and a receiver asks itself.
RECEIPT_QUESTIONS: dict = {}

_fields_cache: dict = {}
_plans_cache: dict = {}
_sql_cache: dict = {}
# The driver's raw cursor (psycopg >= 3.2) takes $n placeholders as they are: psycopg re-parses a
# %s query of more than 50 parameters on every execution (its cache stops there), ~0.13 ms a receipt.
_RawCursor = getattr(psycopg, "RawCursor", None)

# Field classes whose `get_db_prep_save(pre_save(...))` returns the attribute unchanged on
# PostgreSQL for the values the engine sets (str, int, bool, aware datetime, primary keys):
# their value is read straight from the instance. Anything else (auto_now, files, JSON, decimals,
# dates, custom fields) goes through Django's own preparation.
_PLAIN_TYPES = (
    models.CharField, models.EmailField, models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
    models.BooleanField, models.ForeignKey,
)


def _fields(model, skip: tuple[str, ...]):
    key = (model, skip)
    fields = _fields_cache.get(key)
    if fields is None:
        fields = _fields_cache[key] = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
        ]
    return fields


def _is_plain(field) -> bool:
    if type(field) in _PLAIN_TYPES:
        return True
    return type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add)


def _plan(model, skip: tuple[str, ...]):
    key = (model, skip)
    plan = _plans_cache.get(key)
    if plan is None:
        plan = _plans_cache[key] = [(f.attname, None if _is_plain(f) else f) for f in _fields(model, skip)]
    return plan


def _values(obj, conn, skip: tuple[str, ...] = ()) -> list:
    data = obj.__dict__
    return [
        data[attname] if field is None else field.get_db_prep_save(field.pre_save(obj, True), conn)
        for attname, field in _plan(type(obj), skip)
    ]


def _statement(n_documents: int, has_step: bool, companions: tuple = (), questions: tuple = ()) -> str:
    """The SQL for a receipt of this shape, built once per shape (`questions`: their SQL)."""
    key = (connection.vendor, n_documents, has_step, companions, questions)
    sql = _sql_cache.get(key)
    if sql is not None:
        return sql
    qn = connection.ops.quote_name

    def cols(model, skip):
        return ", ".join(qn(f.column) for f in _fields(model, skip))

    def marks(model, skip):
        return ", ".join(["%s"] * len(_fields(model, skip)))

    seq_table = qn(DossierSequence._meta.db_table)
    parts = [
        f"seq AS (INSERT INTO {seq_table} (agency_id, day, last) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {seq_table}.last + 1 RETURNING last)",
        f"d AS (INSERT INTO {qn(Dossier._meta.db_table)} ({qn('code')}, {cols(Dossier, ('code',))}) "
        f"SELECT %s || lpad(seq.last::text, greatest(4, length(seq.last::text)), '0'), "
        f"{marks(Dossier, ('code',))} FROM seq RETURNING id, {qn('code')})",
    ]
    children = [(f"doc{i}", DossierDocument) for i in range(n_documents)]
    if has_step:
        children.append(("step", DossierStep))
    children.append(("ev", DossierEvent))
    for name, model in children:
        returning = " RETURNING id" if name == "ev" else ""
        parts.append(
            f"{name} AS (INSERT INTO {qn(model._meta.db_table)} (dossier_id, {cols(model, ('dossier_id',))}) "
            f"SELECT d.id, {marks(model, ('dossier_id',))} FROM d{returning})"
        )
    for i, model in enumerate(companions):
        parts.append(
            f"c{i} AS (INSERT INTO {qn(model._meta.db_table)} (event_id, dossier_id, "
            f"{cols(model, ('event_id', 'dossier_id'))}) SELECT ev.id, d.id, {marks(model, ('event_id', 'dossier_id'))} "
            f"FROM d, ev)"
        )
    answers = "".join(f", ({question})" for question in questions)
    sql = "WITH " + ",\n".join(parts) + f"\nSELECT d.id, d.code, ev.id{answers} FROM d, ev"
    if _RawCursor is not None:
        numbers = itertools.count(1)
        sql = re.sub(r"%s", lambda _m: f"${next(numbers)}", sql)
    _sql_cache[key] = sql
    return sql


def _raw_connection(conn, health_check: bool = True):
    """The psycopg connection under Django's, checked as Django checks it for its own cursors."""
    # CONN_HEALTH_CHECKS: once per request, as Django's `_cursor()` does; errors below go through
    # `wrap_database_errors`, so a broken connection is closed at the end of the request.
    if health_check:
        conn.close_if_health_check_failed()
    conn.ensure_connection()
    raw = conn.connection
    # Behind PgBouncer's transaction pooling (DATABASE_TRANSACTION_POOLING) a statement prepared
    # on one server connection is missing on the next: preparation stays off, prepare=True is ignored.
    if raw.prepare_threshold is None and not conn.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        # Django opens its connections with preparation off (prepare_threshold=None), and psycopg
        # then ignores prepare=True: the ~2.6 kB receipt statement was parsed and planned on every
        # receipt, about half the receipt's time. A threshold no query reaches prepares only the
        # statements that ask for it; Django's own cursors bind on the client and never prepare.
        raw.prepare_threshold = 2**31 - 1
    return raw


def store_receipt(dossier: Dossier, agency_id: int, agency_code: str, day: datetime.date,
                  documents: list[DossierDocument], step: DossierStep | None, event: DossierEvent) -> None:
    """Write a new dossier's rows (code, dossier, documents, first step, event): all or none.

    Sets `dossier.pk` and `dossier.code` (`{agency_code}-{YYMMDD}-{NNNN}`, the number from the
    agency's day sequence, whose row lock lasts to the commit). Outside a caller's transaction on
    PostgreSQL the receipt is one statement, i.e. its own implicit transaction, without the BEGIN
    and COMMIT round trips; inside one, it joins it.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit():
        insert_receipt(dossier, agency_id, agency_code, day, documents, step, event)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            insert_receipt(dossier, agency_id, agency_code, day, documents, step, event)
            return
        dossier.code = allocate_code(agency_id, agency_code, day)
        dossier.save(force_insert=True)
        if documents:
            DossierDocument.objects.bulk_create(documents)
        if step is not None:
            step.save(force_insert=True)
        event.save(force_insert=True)


def allocate_code(agency_id: int, agency_code: str, day: datetime.date) -> str:
    """`{agency code}-{YYMMDD}-{NNNN}`: the next number of the agency's day, restarting daily.

    One upsert statement: the row lock it takes is held to the end of the receipt's transaction,
    so concurrent receipts of one agency get consecutive numbers (PostgreSQL and SQLite alike).
    """
    table = DossierSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_id, day if connection.vendor == "postgresql" else day.isoformat()],
        )
        number = cursor.fetchone()[0]
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def insert_receipt(dossier: Dossier, agency_id: int, agency_code: str, day: datetime.date,
                   documents: list[DossierDocument], step: DossierStep | None, event: DossierEvent) -> None:
    """Insert the receipt's rows; sets `dossier.pk`, `dossier.code` and `event.pk`."""
    # The wrapper itself, not the thread-local proxy: ~100 field preparations read it.
    conn = connections[DEFAULT_DB_ALIAS]
    params: list = [agency_id, day, f"{agency_code}-{day:%y%m%d}-", *_values(dossier, conn, ("code",))]
    for child in (*documents, *((step,) if step is not None else ()), event):
        params += _values(child, conn, ("dossier_id",))
    companions = [row for row in (make(event) for make in EVENT_COMPANIONS) if row is not None]
    for row in companions:
        params += _values(row, conn, ("event_id", "dossier_id"))
    names, questions = list(RECEIPT_QUESTIONS), []
    for name in names:
        question, question_params = RECEIPT_QUESTIONS[name](event)
        questions.append(question)
        params += question_params
    raw = _raw_connection(conn)
    # The driver's own cursor binds parameters on the server and, with prepare=True, plans the
    # statement once per connection instead of parsing ~100 literals on every receipt.
    # (Django's connections use client-side binding cursors; this one binds on the server.)
    with conn.wrap_database_errors, (_RawCursor or psycopg.Cursor)(raw) as cursor:
        cursor.execute(_statement(len(documents), step is not None, tuple(type(row) for row in companions),
                                  tuple(questions)),
                       params, prepare=True)
        dossier_id, code, event_id, *answers = cursor.fetchone()
    event.receipt_answers = dict(zip(names, answers))
    dossier.pk, dossier.code = dossier_id, code
    dossier._state.adding = False
    dossier._state.db = conn.alias
    event.pk = event_id
    event.dossier_id = dossier_id
    event._state.adding = False
    event._state.db = conn.alias


def fetch_prepared(sql: str, params: list, model=None) -> tuple | None:
    """One row of a hot read statement, prepared once per connection (PostgreSQL only).

    `sql` uses $1, $2... placeholders. For the public tracking lookup, the ORM's compilation and
    the server's planning of a literal query cost three times the lookup itself. Instead of
    Django's per-request health check (a `SELECT 1` round trip as costly as the lookup), a kept
    connection found broken is reopened and the read, idempotent, tried once more. With `model`, the
    read goes where the database router sends that model's reads (a heavy-read view's replica).
    """
    conn = connections[router.db_for_read(model) if model is not None else DEFAULT_DB_ALIAS]
    if _RawCursor is None:
        sql = re.sub(r"\$\d+", "%s", sql)
    for attempt in (1, 2):
        raw = _raw_connection(conn, health_check=conn.in_atomic_block)
        try:
            with conn.wrap_database_errors, (_RawCursor or psycopg.Cursor)(raw) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchone()
        except (OperationalError, InterfaceError):
            if attempt == 2 or conn.in_atomic_block or not (raw.broken or raw.closed):
                raise
            conn.close()  # the server dropped the kept connection: reconnect once
    return None  # not reached
