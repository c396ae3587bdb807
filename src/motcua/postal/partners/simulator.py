"""A local post office: it takes orders, and moves each through the statuses on the clock
(`timezone.now()`, which tests move with time-machine):

    created -> picked_up (+2 h) -> in_transit (+4 h) -> delivered (+24 h)

An order whose receiver name contains "[vắng]" (nobody home) gets a failed attempt at +24 h, +48 h
and +72 h and is returned at +96 h instead. Orders are kept in `SimulatedOrder` so a second create of
the same order number answers "already exists" (as VNPost's status 101).

Error mode (setting POSTAL_SIMULATOR_MODE, or `mode`): "normal", "unavailable" (down) or "timeout".
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .base import PARTNERS, OrderAnswer, OrderRequest, Partner, PartnerRefused, PartnerUnavailable, TrackingEntry

H = datetime.timedelta(hours=1)
NOBODY_HOME = "[vắng]"
SCHEDULE = [("picked_up", 2 * H), ("in_transit", 4 * H), ("delivered", 24 * H)]
SCHEDULE_NOBODY_HOME = [("picked_up", 2 * H), ("in_transit", 4 * H), ("failed_attempt", 24 * H),
                        ("failed_attempt", 48 * H), ("failed_attempt", 72 * H), ("returned", 96 * H)]


@PARTNERS.register
class SimulatorPartner(Partner):
    name = "simulator"
    simulator = True
    MODES = ("normal", "unavailable", "timeout")

    def __init__(self, mode: str | None = None):
        self.mode = mode or getattr(settings, "POSTAL_SIMULATOR_MODE", "normal") or "normal"

    def _check(self):
        if self.mode == "unavailable":
            raise PartnerUnavailable("The postal simulator is set to be unavailable.")
        if self.mode == "timeout":
            raise PartnerUnavailable("The postal simulator is set to time out.")

    def create_order(self, order: OrderRequest) -> OrderAnswer:
        from ..models import SimulatedOrder

        self._check()
        existing = SimulatedOrder.objects.filter(order_number=order.order_number).first()
        if existing:
            return OrderAnswer(existing.order_number, existing.waybill, already_existed=True)
        try:
            with transaction.atomic():
                row = SimulatedOrder.objects.create(
                    order_number=order.order_number, waybill=order.waybill, created_at=timezone.now(),
                    payload={"receiver_name": order.receiver_name, "leg": order.leg},
                )
        except IntegrityError:
            row = SimulatedOrder.objects.get(order_number=order.order_number)
            return OrderAnswer(row.order_number, row.waybill, already_existed=True)
        return OrderAnswer(row.order_number, row.waybill)

    def _row(self, order_number):
        from ..models import SimulatedOrder

        row = SimulatedOrder.objects.filter(order_number=order_number).first()
        if row is None:
            raise PartnerRefused(f"unknown order {order_number}")
        return row

    def _entries(self, row, now) -> list[TrackingEntry]:
        entries = [TrackingEntry("created", row.created_at, "Đã tạo đơn", "created")]
        nobody = NOBODY_HOME in (row.payload or {}).get("receiver_name", "")
        for status, after in (SCHEDULE_NOBODY_HOME if nobody else SCHEDULE):
            at = row.created_at + after
            if row.cancelled_at and row.cancelled_at <= at:
                break
            if at <= now:
                entries.append(TrackingEntry(status, at, "", status))
        if row.cancelled_at and row.cancelled_at <= now:
            entries.append(TrackingEntry("cancelled", row.cancelled_at, "Đã hủy", "cancelled"))
        return entries

    def cancel_order(self, order_number: str) -> None:
        self._check()
        row = self._row(order_number)
        now = timezone.now()
        if any(e.status != "created" for e in self._entries(row, now)):
            raise PartnerRefused("The post has already picked the item up.")
        row.cancelled_at = now
        row.save(update_fields=["cancelled_at"])

    def track(self, order_number: str) -> list[TrackingEntry]:
        self._check()
        return self._entries(self._row(order_number), timezone.now())
