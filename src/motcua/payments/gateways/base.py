"""The gateway plugin contract and the registry by name.

A gateway builds the URL the citizen's browser is sent to, and reads the callbacks (the IPN from
the gateway's server and the browser's return) into a `GatewayResult`. It never touches the
database: `services.py` decides what a callback changes.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

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
    error: str = ""  # why the parameters could not be read


@dataclass(frozen=True)
class OrderRequest:
    order_ref: str
    amount: int  # đồng
    info: str
    return_url: str
    client_ip: str
    created_at: datetime.datetime


class Gateway:
    name: str = ""
    label = _("Payment gateway")

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
        return _REGISTRY[name]()
    except KeyError:
        raise KeyError(f"unknown payment gateway {name!r}; registered: {sorted(_REGISTRY)}") from None
