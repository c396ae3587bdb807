"""VNPost over HTTPS (JSON), in the shape of the public integrations (INTEGRATIONS.md):

    POST {VNPOST_URL}/api/auth/token     {"CustomerKey", "Secret"}           -> {"Token", "ExpiresIn"}
    POST {VNPOST_URL}/api/order/OrderLGSPWithItemCode   Authorization: Bearer <token>
         {"CustomerCode", "OrderNumber", "ItemCode", "CODAmount": 0, "SenderFullname", "SenderTel",
          "SenderAddress", "ReceiverFullname", "ReceiverTel", "ReceiverAddress", "ReceiverWardCode",
          "FlagConfig", "Note"}                                           -> {"Status": "100"|"101", "ItemCode"}
    POST {VNPOST_URL}/api/order/cancel   {"OrderNumber"}                     -> {"Status": "100"} (else refused)
    GET  {VNPOST_URL}/api/order/tracking?OrderNumber=...                    -> {"Status": "100", "Items": [
         {"StatusCode", "Time" (ISO 8601), "Description"}]}

Status "100" is accepted, "101" "already exists" (the same order: a retry after a lost answer).
The tracking codes below are our reading of the public client code (not confirmed by VNPost); an
unknown code is kept in the event as evidence and otherwise ignored. A 401 renews the token once.
Plain http is refused except to the local machine (tests, a local relay).
"""
from __future__ import annotations

import datetime
import logging

import requests
from django.utils.dateparse import parse_datetime

from motcua.core.outbound import require_https

from .. import conf
from .base import PARTNERS, OrderAnswer, OrderRequest, Partner, PartnerRefused, PartnerUnavailable, TrackingEntry

logger = logging.getLogger(__name__)
ACCEPTED, ALREADY_EXISTS = "100", "101"
STATUS_CODES = {
    "1": "created", "2": "picked_up", "3": "picked_up", "4": "in_transit", "5": "delivered",
    "6": "failed_attempt", "7": "returned", "8": "cancelled",
}


@PARTNERS.register
class VnpostPartner(Partner):
    name = "vnpost"

    def __init__(self, url=None, customer_code=None, customer_key=None, secret=None, timeout=None):
        settings = conf.vnpost()
        self.url = require_https((url or settings["url"]).rstrip("/"), "VNPOST_URL")
        self.customer_code = customer_code or settings["customer_code"]
        self.customer_key = customer_key or settings["customer_key"]
        self.secret = secret or settings["secret"]
        self.timeout = timeout or settings["timeout"]
        self._token = ""

    # -- transport ----------------------------------------------------------------------------

    def _call(self, method, path, *, json=None, params=None, auth=True) -> dict:
        headers = {}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        try:
            response = requests.request(method, self.url + path, json=json, params=params, headers=headers,
                                        timeout=self.timeout)
            if response.status_code == 401 and auth:
                self._token = ""
                headers["Authorization"] = f"Bearer {self.token()}"
                response = requests.request(method, self.url + path, json=json, params=params, headers=headers,
                                            timeout=self.timeout)
        except requests.RequestException as error:
            raise PartnerUnavailable(f"VNPost not reached: {error.__class__.__name__}") from None
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise PartnerUnavailable(f"VNPost answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise PartnerUnavailable("VNPost answered something that is not JSON") from None
        if not isinstance(body, dict):
            raise PartnerUnavailable("VNPost answered an unexpected JSON shape")
        return body

    def token(self) -> str:
        if not self._token:
            body = self._call("POST", "/api/auth/token", json={"CustomerKey": self.customer_key, "Secret": self.secret},
                              auth=False)
            self._token = str(body.get("Token") or "")
            if not self._token:
                raise PartnerUnavailable("VNPost gave no token (check VNPOST_CUSTOMER_KEY and VNPOST_SECRET)")
        return self._token

    # -- the contract -------------------------------------------------------------------------

    def create_order(self, order: OrderRequest) -> OrderAnswer:
        body = self._call("POST", "/api/order/OrderLGSPWithItemCode", json={
            "CustomerCode": self.customer_code, "OrderNumber": order.order_number, "ItemCode": order.waybill,
            "CODAmount": 0, "SenderFullname": order.sender_name, "SenderTel": order.sender_phone,
            "SenderAddress": order.sender_address, "ReceiverFullname": order.receiver_name,
            "ReceiverTel": order.receiver_phone, "ReceiverAddress": order.receiver_address,
            "ReceiverWardCode": order.unit_code, "FlagConfig": 1 if order.leg == "pickup" else 0,
            "Note": order.note,
        })
        status = str(body.get("Status", ""))
        if status not in (ACCEPTED, ALREADY_EXISTS):
            raise PartnerUnavailable(f"VNPost did not take the order: {status} {body.get('Message', '')}".strip())
        return OrderAnswer(order.order_number, str(body.get("ItemCode") or order.waybill),
                           already_existed=status == ALREADY_EXISTS, raw=body)

    def cancel_order(self, order_number: str) -> None:
        body = self._call("POST", "/api/order/cancel", json={"OrderNumber": order_number})
        if str(body.get("Status", "")) != ACCEPTED:
            raise PartnerRefused(str(body.get("Message") or body.get("Status") or "refused"))

    def track(self, order_number: str) -> list[TrackingEntry]:
        body = self._call("GET", "/api/order/tracking", params={"OrderNumber": order_number})
        entries = []
        for item in body.get("Items") or []:
            code = str(item.get("StatusCode", ""))
            at = parse_datetime(str(item.get("Time", "")))
            if at is None or code not in STATUS_CODES:
                logger.info("VNPost tracking entry not understood for %s: %r", order_number, item)
                continue
            if at.tzinfo is None:
                at = at.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
            entries.append(TrackingEntry(STATUS_CODES[code], at, str(item.get("Description", "")), code))
        return sorted(entries, key=lambda e: e.at)
