"""The gateway plugin contract and the registry by name (`GATEWAYS`, a `core.registry.Registry`).

A gateway builds the URL the citizen's browser is sent to, reads the callbacks (the IPN from
the gateway's server and the browser's return) into a `GatewayResult`, and, where the gateway
offers it, asks for the status of an order whose IPN never came (`query_status`) and gives
money back (`refund`). It never touches the database: `services.py` decides what a callback or
an answer changes.

The contract is neutral: `services.py` knows no gateway's parameter names or answer codes. A
gateway reads its own parameters into a `GatewayResult` (its own code kept in `response_code`,
as evidence) and turns the service's neutral verdict on an IPN (`IpnOutcome`) into the answer
its server expects (`ipn_answer`).
"""
from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from motcua.core.registry import Registry

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


class IpnOutcome(enum.Enum):
    """What the service made of an IPN; the gateway says it in its own codes (`ipn_answer`)."""

    CONFIRMED = "confirmed"  # recorded now (paid, or closed without payment)
    ORDER_NOT_FOUND = "order_not_found"
    ALREADY_CONFIRMED = "already_confirmed"  # a replay: the order was settled before
    INVALID_AMOUNT = "invalid_amount"
    INVALID_SIGNATURE = "invalid_signature"
    UNKNOWN_ERROR = "unknown_error"  # our own failure: the gateway should try again


@dataclass(frozen=True)
class IpnAnswer:
    code: str  # the gateway's code for the outcome, kept in the log (GatewayCallback.outcome)
    body: dict  # what the gateway's server expects as the answer


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

    def ipn_answer(self, outcome: IpnOutcome) -> IpnAnswer:
        """The answer the gateway expects to its IPN, in its own codes, for the service's verdict."""
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


GATEWAYS: Registry[type[Gateway]] = Registry("payment gateway", setting="PAYMENT_GATEWAY")
register = GATEWAYS.register


def registered() -> dict[str, type[Gateway]]:
    return GATEWAYS.items()


def get_gateway(name: str | None = None) -> Gateway:
    """The gateway `name` (default: PAYMENT_GATEWAY). `UnknownPlugin` (a KeyError) for a name
    nobody registered; ImproperlyConfigured for a simulator where simulators may not run."""
    return GATEWAYS.get(name or conf.default_gateway())()


def selected_simulators() -> list[tuple[str, str]]:
    """For the system check (core/checks.py): the payment simulators the settings select."""
    found = []
    if GATEWAYS.is_simulator(conf.default_gateway()):
        found.append(("payment gateway", conf.default_gateway()))
    if conf.simulator_flag() and not found:
        found.append(("payment gateway", "vnpay_simulator (PAYMENT_SIMULATOR_ENABLED)"))
    return found
