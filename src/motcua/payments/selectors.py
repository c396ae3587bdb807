"""Reads of payments for reconciliation and the reports issue."""
from __future__ import annotations

import datetime

from django.db.models import Count, Sum

from motcua.core.periods import local_day_bounds

from .models import COUNTER_METHODS, Method, Payment, PaymentStatus, Refund, RefundStatus


def paid_payments(date_from: datetime.date, date_to: datetime.date, agency_ids=None):
    """Paid payments whose payment moment falls in the local days [date_from, date_to]; the agency
    is the dossier's receiving agency."""
    start, end = local_day_bounds(date_from, date_to)
    qs = Payment.objects.filter(status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(dossier__receiving_agency_id__in=list(agency_ids))
    return qs


def online_payment_totals(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """Online payments in the period: {"count": n, "amount": đồng} (seed 000: 91,746 worth 32.8 bn)."""
    row = paid_payments(date_from, date_to, agency_ids).filter(method=Method.ONLINE).aggregate(
        count=Count("pk"), amount=Sum("amount")
    )
    return {"count": row["count"], "amount": row["amount"] or 0}


def channel_of(payment: Payment) -> str:
    """How the money came: the gateway's name for online payments, else the counter method."""
    return payment.gateway or payment.method


def refunds_of(date_from: datetime.date, date_to: datetime.date, agency_ids=None):
    """Refunds the gateway accepted in the local days [date_from, date_to] (by their answer's moment)."""
    start, end = local_day_bounds(date_from, date_to)
    qs = Refund.objects.filter(status=RefundStatus.SUCCEEDED, finished_at__gte=start, finished_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(payment__dossier__receiving_agency_id__in=list(agency_ids))
    return qs


def refunds_due(agency_ids=None) -> list[Payment]:
    """Paid online payments flagged "refund due" (an order replaced by a newer one, a dossier closed
    meanwhile, more than was owed) with something still to give back, oldest first, whatever
    their day: each has `left` (what may still be refunded)."""
    qs = Payment.objects.filter(status=PaymentStatus.PAID, method=Method.ONLINE, refund_due=True)
    if agency_ids is not None:
        qs = qs.filter(dossier__receiving_agency_id__in=list(agency_ids))
    due = []
    for payment in qs.select_related("dossier__receiving_agency").prefetch_related("refunds").order_by("paid_at", "pk"):
        held = sum(r.amount for r in payment.refunds.all() if r.status in (RefundStatus.REQUESTED, RefundStatus.SUCCEEDED))
        payment.left = max(payment.amount - held, 0)
        if payment.left:
            due.append(payment)
    return due


def daily_reconciliation(day: datetime.date, agency_ids=None, channel: str | None = None) -> dict:
    """One day's paid payments with totals per channel (gateway or counter method) and per agency
    (a payment's `refund_due` flag is shown with it), the refunds still due (`refunds_due`, any
    day), and the day's refunds apart (`refunds`, `refund_amount`; per channel and agency `refunded` and
    `net`), so that a gateway's statement of the day (payments in, refunds out) can be matched."""
    qs = paid_payments(day, day, agency_ids).select_related("dossier__receiving_agency", "recorded_by")
    if channel in COUNTER_METHODS:
        qs = qs.filter(method=channel)
    elif channel:
        qs = qs.filter(method=Method.ONLINE, gateway=channel)
    rows = list(qs.order_by("paid_at", "pk"))
    by_channel: dict[str, dict] = {}
    by_agency: dict[int, dict] = {}
    for p in rows:
        key = channel_of(p)
        entry = by_channel.setdefault(key, {"key": key, "count": 0, "amount": 0})
        entry["count"] += 1
        entry["amount"] += p.amount
        agency = p.dossier.receiving_agency
        entry = by_agency.setdefault(agency.pk, {"agency": agency, "count": 0, "amount": 0})
        entry["count"] += 1
        entry["amount"] += p.amount
    refunds_qs = refunds_of(day, day, agency_ids).select_related(
        "payment__dossier__receiving_agency", "requested_by")
    if channel in COUNTER_METHODS:
        refunds_qs = refunds_qs.none()  # counter payments are not refunded through a gateway
    elif channel:
        refunds_qs = refunds_qs.filter(payment__gateway=channel)
    refunds = list(refunds_qs.order_by("finished_at", "pk"))
    for entry in [*by_channel.values(), *by_agency.values()]:
        entry["refunded"] = 0
    for r in refunds:
        key = channel_of(r.payment)
        by_channel.setdefault(key, {"key": key, "count": 0, "amount": 0, "refunded": 0})["refunded"] += r.amount
        agency = r.payment.dossier.receiving_agency
        by_agency.setdefault(agency.pk, {"agency": agency, "count": 0, "amount": 0, "refunded": 0})[
            "refunded"] += r.amount
    for entry in [*by_channel.values(), *by_agency.values()]:
        entry["net"] = entry["amount"] - entry["refunded"]
    amount = sum(p.amount for p in rows)
    refund_amount = sum(r.amount for r in refunds)
    return {
        "day": day,
        "payments": rows,
        "by_channel": sorted(by_channel.values(), key=lambda r: r["key"]),
        "by_agency": sorted(by_agency.values(), key=lambda r: r["agency"].name),
        "count": len(rows),
        "amount": amount,
        "refunds": refunds,
        "refund_count": len(refunds),
        "refund_amount": refund_amount,
        "net": amount - refund_amount,
        # outstanding whatever their day, for the channel chosen (counter methods have none)
        "refunds_due": [p for p in refunds_due(agency_ids)
                        if not channel or (channel not in COUNTER_METHODS and p.gateway == channel)],
    }
