"""Snapshots of the figures of closed periods (docs/reports.md, "Snapshots of closed periods").

    figures = cached("dashboard", date_from, date_to, {"agency_ids": ids}, lambda: compute(...))

A period is closed when its last day is before today (local time): every figure of it is then
read from time columns that no longer change with the day-to-day work (a dossier finished or
returned today has today's moment, outside the closed period). What can still change one is a
legacy import of old dossiers (it calls `invalidate_from` with its earliest day: every snapshot
of a period ending on or after that day is deleted), an action that writes an earlier moment
(accepting an online submission received when submitted, a back-dated action: `receivers.py`
calls `invalidate_from` the same way) and new index weights (every dashboard snapshot is
deleted). The open period is always computed fresh.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language


def is_closed(date_to: datetime.date) -> bool:
    return date_to < timezone.localdate()


def _encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted(value, key=lambda v: (v is None, v))}
    raise TypeError(f"cannot store {type(value).__name__} in a report snapshot")


def _decode(obj: dict):
    if len(obj) == 1:
        (tag, value), = obj.items()
        if tag == "$decimal":
            return Decimal(value)
        if tag == "$datetime":
            return datetime.datetime.fromisoformat(value)
        if tag == "$date":
            return datetime.date.fromisoformat(value)
        if tag == "$set":
            return set(value)
    return obj


def dumps(value) -> str:
    return json.dumps(value, default=_encode, ensure_ascii=False)


def loads(text: str):
    return json.loads(text, object_hook=_decode)


def scope_key(scope: dict) -> str:
    """A hash of the scope and the language (the payload holds translated names)."""
    text = json.dumps({**scope, "language": get_language()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def cached(kind: str, date_from: datetime.date, date_to: datetime.date, scope: dict, compute):
    """compute() for an open period; for a closed one the stored snapshot, computed and stored
    the first time."""
    if not is_closed(date_to):
        return compute()
    from .models import ReportSnapshot

    key = {"kind": kind, "date_from": date_from, "date_to": date_to, "scope": scope_key(scope)}
    stored = ReportSnapshot.objects.filter(**key).values_list("payload", flat=True).first()
    if stored is not None:
        return loads(stored)
    value = compute()
    try:
        with transaction.atomic():
            ReportSnapshot.objects.create(**key, payload=dumps(value))
    except IntegrityError:  # another request stored the same figures meanwhile
        pass
    return value


def invalidate_from(day: datetime.date) -> int:
    """Delete the snapshots of every period ending on or after `day` (a dossier whose earliest
    moment is `day` can be counted in any of them: received, carried over, pending...)."""
    from .models import ReportSnapshot

    deleted, _ = ReportSnapshot.objects.filter(date_to__gte=day).delete()
    return deleted


def invalidate_kind(kind: str) -> int:
    from .models import ReportSnapshot

    deleted, _ = ReportSnapshot.objects.filter(kind=kind).delete()
    return deleted
