"""Transports to the national portal (registry `TRANSPORTS`, setting NATIONAL_TRANSPORT)."""
from .base import TRANSPORTS, AlreadyExists, SyncError, Transport, get_transport, transport_name

from . import lgsp, portal, simulator  # noqa: E402,F401  isort:skip  register the adapters

__all__ = ["TRANSPORTS", "AlreadyExists", "SyncError", "Transport", "get_transport", "transport_name"]
