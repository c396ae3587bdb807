"""The receipt in one SQL statement on PostgreSQL.

A receipt writes five tables (code sequence, dossier, documents, first step, event). Through the
ORM that is five round trips and most of the time of a receipt is spent in Django's insert
machinery; here the same rows, prepared by the same model fields (`pre_save` +
`get_db_prep_save`, so defaults, auto_now and JSON adapt exactly as in `Model.save`), go in one
statement of chained `INSERT ... RETURNING` CTEs. The code number comes from the sequence upsert
inside the same statement, so the row lock on the agency's day is held to the commit as before.
"""
from __future__ import annotations

import datetime

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections

from .models import Dossier, DossierDocument, DossierEvent, DossierSequence, DossierStep


_fields_cache: dict = {}
_sql_cache: dict = {}


def _fields(model, skip: tuple[str, ...]):
    key = (model, skip)
    fields = _fields_cache.get(key)
    if fields is None:
        fields = _fields_cache[key] = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
        ]
    return fields


def _values(obj, conn, skip: tuple[str, ...] = ()) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in _fields(type(obj), skip)]


def _statement(n_documents: int, has_step: bool) -> str:
    """The SQL for a receipt of this shape, built once per shape."""
    key = (connection.vendor, n_documents, has_step)
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
    sql = _sql_cache[key] = "WITH " + ",\n".join(parts) + "\nSELECT d.id, d.code, ev.id FROM d, ev"
    return sql


def insert_receipt(dossier: Dossier, agency_id: int, agency_code: str, day: datetime.date,
                   documents: list[DossierDocument], step: DossierStep | None, event: DossierEvent) -> None:
    """Insert the receipt's rows; sets `dossier.pk`, `dossier.code` and `event.pk`."""
    # The wrapper itself, not the thread-local proxy: ~100 field preparations read it.
    conn = connections[DEFAULT_DB_ALIAS]
    params: list = [agency_id, day, f"{agency_code}-{day:%y%m%d}-", *_values(dossier, conn, ("code",))]
    for child in (*documents, *((step,) if step is not None else ()), event):
        params += _values(child, conn, ("dossier_id",))
    conn.ensure_connection()
    # The driver's own cursor binds parameters on the server and, with prepare=True, plans the
    # statement once per connection instead of parsing ~100 literals on every receipt.
    # (Django's connections use client-side binding cursors; this one binds on the server.)
    with psycopg.Cursor(conn.connection) as cursor:
        cursor.execute(_statement(len(documents), step is not None), params, prepare=True)
        dossier_id, code, event_id = cursor.fetchone()
    dossier.pk, dossier.code = dossier_id, code
    dossier._state.adding = False
    dossier._state.db = conn.alias
    event.pk = event_id
    event.dossier_id = dossier_id
    event._state.adding = False
    event._state.db = conn.alias
