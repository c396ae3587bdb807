"""The partner contract. A partner never touches the database of motcua: `services.py` decides what
an answer changes. Statuses are normalised (created, picked_up, in_transit, delivered,
failed_attempt, returned, cancelled); each partner maps its own codes and keeps them as evidence.

- `create_order(order)`: the order under its order number (dossier code + leg). An order that
  already exists at the partner is the same order (`OrderAnswer.already_existed`), never a second one.
- `cancel_order(order_number)`: `PartnerRefused` once the post has picked it up.
- `track(order_number)`: the tracking entries so far, oldest first.
Every call raises `PartnerUnavailable` when the partner cannot be reached or answers nonsense.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from motcua.core.registry import Registry

from .. import conf


class PartnerUnavailable(Exception):
    """The partner is down, timed out or answered nonsense: try again later."""


class PartnerRefused(Exception):
    """The partner understood and said no (e.g. cancelling after pick-up)."""


@dataclass(frozen=True)
class OrderRequest:
    order_number: str
    waybill: str
    leg: str
    sender_name: str
    sender_phone: str
    sender_address: str
    receiver_name: str
    receiver_phone: str
    receiver_address: str
    unit_code: str
    note: str = ""


@dataclass(frozen=True)
class OrderAnswer:
    order_number: str
    waybill: str
    already_existed: bool = False
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingEntry:
    status: str  # normalised
    at: datetime.datetime
    note: str = ""
    code: str = ""  # the partner's own code


class Partner:
    name = ""
    simulator = False

    def create_order(self, order: OrderRequest) -> OrderAnswer:
        raise NotImplementedError

    def cancel_order(self, order_number: str) -> None:
        raise NotImplementedError

    def track(self, order_number: str) -> list[TrackingEntry]:
        raise NotImplementedError


PARTNERS: Registry[type[Partner]] = Registry("postal partner", setting="POSTAL_PARTNER")


def get_partner(name: str | None = None) -> Partner:
    return PARTNERS.get(name or conf.partner_name())()
