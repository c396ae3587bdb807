"""The postal partners behind one registry (`PARTNERS`): the simulator and VNPost."""
from . import simulator, vnpost  # noqa: F401 - register
from .base import PARTNERS, OrderAnswer, OrderRequest, PartnerRefused, PartnerUnavailable, TrackingEntry, get_partner

__all__ = ["PARTNERS", "OrderAnswer", "OrderRequest", "PartnerRefused", "PartnerUnavailable", "TrackingEntry",
           "get_partner"]
