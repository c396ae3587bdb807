"""The gateway plugin contract and the registry by name.

A gateway builds the URL the citizen's browser is sent to, reads the callbacks (the IPN from
the gateway's server and the browser's return) into a `GatewayResult`, and, where the gateway
offers it, asks for the status of an order whose IPN never came (`query_status`) and gives
money back (`refund`). It never
touches the database: `services.py` decides what a callback or an answer changes.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .. import conf


@dataclass(frozen=True)
class GatewayResult:
    signature_valid: bool
    order_ref: str = ""
    amount: int | None = None  # in đồng, already divided back
    success: bool = False
    cancelled: bool = False
    transaction_no: str = ""
    response_code: str = ""
    error: str = ""  # why the parameters could not be read (or the gateway not reached)
    # Status queries only: the gateway has no final result for the order (not found, not
    # completed); it may still be paid until the order expires.
    pending: bool = False
    paid_at: datetime.datetime | None = None  # the gateway's payment moment, when it says
    sent: dict = field(default_factory=dict)  # status queries: the request sent, signed
    received: dict = field(default_factory=dict)  # status queries: the answer, as received

    @property
    def final(self) -> bool:
        """A verified answer that settles the order: paid, or closed without payment."""
        return self.signature_valid and not self.error and not self.pending


@dataclass(frozen=True)
class OrderRequest:
    order_ref: str
    amount: int  # đồng
    info: str
    return_url: str
    client_ip: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class OrderQuery:
    """What a status query needs to name an order at the gateway."""

    order_ref: str
    amount: int  # đồng
    created_at: datetime.datetime  # when the order was sent (its vnp_CreateDate)


class Gateway:
    name: str = ""
    label = _("Payment gateway")
    # A stand-in that takes no money: selectable only where simulators may run (core.simulators).
    simulator = False

    def is_configured(self) -> bool:
        """False when the installation lacks what the gateway needs (e.g. its secret): its
        callback URLs then answer 404 instead of failing on every request."""
        return True

    def payment_url(self, order: OrderRequest) -> str:
        raise NotImplementedError

    def parse_callback(self, params: dict) -> GatewayResult:
        """Check the signature and read the result of a callback (IPN or browser return)."""
        raise NotImplementedError

    def ipn_response(self, code: str, message: str) -> dict:
        """The body the gateway expects as the answer to its IPN."""
        raise NotImplementedError

    def query_status(self, order: OrderQuery) -> GatewayResult:
        """Ask the gateway what became of an order (for an IPN that never came).

        Never raises for a gateway that cannot be reached or answers nonsense: the result then
        carries `error`. A gateway without a status query raises NotImplementedError."""
        raise NotImplementedError

    def refund(self, payment, amount: int, reason: str, actor) -> GatewayResult:
        """Ask the gateway to give back `amount` đồng of a paid `payment` (a Payment row, read
        only). `success` only for a verified answer that the gateway accepted the refund; its
        refund transaction number is `transaction_no`. Never raises for an unreachable gateway or
        a nonsense answer (the result carries `error`). A gateway without refunds raises
        NotImplementedError."""
        raise NotImplementedError


_REGISTRY: dict[str, type[Gateway]] = {}


def register(cls: type[Gateway]) -> type[Gateway]:
    if not cls.name:
        raise ValueError("a gateway needs a name")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Gateway]]:
    return dict(_REGISTRY)


def get_gateway(name: str | None = None) -> Gateway:
    name = name or conf.default_gateway()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown payment gateway {name!r}; registered: {sorted(_REGISTRY)}") from None
    if cls.simulator:
        from motcua.core.simulators import require_simulators_allowed

        require_simulators_allowed("payment gateway", name)
    return cls()
