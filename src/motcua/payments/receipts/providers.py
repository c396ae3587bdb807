"""Receipt providers: the neutral contract, the e-invoice provider adapter over HTTP, and its simulator.

The contract (`ReceiptProvider`): `create(request) -> Issued`, `fetch_pdf(issued) -> bytes`,
`cancel(issued, reason, at)`; each raises `ProviderDown` when the provider cannot be reached or
answers with a server error (retry later) and `ProviderRefused` when it answers with a refusal
(a person must look). The service knows nothing else of a provider.

`sinvoice` speaks the shape of a Vietnamese e-invoice provider's web API (S-Invoice style: HTTP
Basic auth, JSON, `InvoiceAPI/InvoiceWS/createInvoice/<supplier tax code>` with
`generalInvoiceInfo` (template, series, `transactionUuid`), `buyerInfo`, `itemInfo`,
`summarizeInfo`; the answer's `result` carries `invoiceNo` (series + number) and
`reservationCode`, the citizen's lookup code; `InvoiceUtilsWS/getInvoiceRepresentationFile` gives
the PDF in base64; `InvoiceWS/cancelTransactionInvoice` cancels; `searchInvoiceByTransactionUuid`
finds the receipt a lost answer made). The field names follow the provider's published
integration guide as the public client libraries use it; not checked against a live account.

`sinvoice_simulator` is the same client pointed at the local simulator (`simulator.py`, pages under
/thanh-toan/bien-lai-gia-lap/), which can be taken down on demand (`manage.py receipt_simulator down`).
"""
from __future__ import annotations

import base64
import datetime
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.registry import Registry

from .. import conf
from . import simulator
from .words import amount_in_words

logger = logging.getLogger(__name__)

PROVIDERS: Registry = Registry("receipt provider", setting="PAYMENT_RECEIPT_PROVIDER")


def register(cls):
    PROVIDERS.register(cls)
    return cls


class ProviderDown(Exception):
    """Unreachable, timed out, or a server error: try again later."""


class ProviderRefused(Exception):
    """The provider answered with a refusal (bad data, unknown receipt ...)."""


@dataclass
class ReceiptLine:
    name: str
    amount: int


@dataclass
class ReceiptRequest:
    transaction_uuid: str
    template_code: str
    series: str
    issued_at: datetime.datetime
    seller_name: str
    buyer_name: str
    buyer_id_number: str
    buyer_address: str
    payment_method: str  # "TM" cash, "CK" transfer/online, "TM/CK"
    lines: list[ReceiptLine]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass
class Issued:
    template_code: str
    series: str
    number: str
    lookup_code: str
    transaction_uuid: str
    issued_at: datetime.datetime | None = None
    sent: dict = field(default_factory=dict)
    received: dict = field(default_factory=dict)


class ReceiptProvider:
    name = ""
    label = ""
    simulator = False

    def is_configured(self) -> bool:
        return True

    def create(self, request: ReceiptRequest) -> Issued:
        raise NotImplementedError

    def fetch_pdf(self, issued: Issued) -> bytes:
        raise NotImplementedError

    def cancel(self, issued: Issued, reason: str, at: datetime.datetime) -> dict:
        raise NotImplementedError


def get_provider(name: str | None = None) -> ReceiptProvider:
    return PROVIDERS.get(name or conf.receipt_provider())()


def enabled() -> bool:
    """Receipts are issued when a provider is chosen and configured."""
    name = conf.receipt_provider()
    if not name or name not in PROVIDERS:
        return False
    try:
        return get_provider(name).is_configured()
    except Exception:  # a simulator where simulators may not run
        return False


# --- the HTTP adapter --------------------------------------------------------------------------


def _millis(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


@register
class SInvoiceProvider(ReceiptProvider):
    name = "sinvoice"
    label = _("E-invoice provider (S-Invoice web API)")

    def base_url(self) -> str:
        return conf.get("PAYMENT_RECEIPT_URL", "")

    def credentials(self) -> tuple[str, str]:
        return conf.get("PAYMENT_RECEIPT_USERNAME", ""), conf.get("PAYMENT_RECEIPT_PASSWORD", "")

    def supplier_tax_code(self) -> str:
        return conf.get("PAYMENT_RECEIPT_SUPPLIER_TAX_CODE", "")

    def is_configured(self) -> bool:
        return bool(self.base_url() and self.supplier_tax_code() and all(self.credentials()))

    def url(self, path: str) -> str:
        base = self.base_url()
        return urljoin(base if base.endswith("/") else base + "/", path)

    # One exchange: JSON or form body in, JSON out. Server errors and the network are ProviderDown.
    def post(self, path: str, body: dict, *, form: bool = False) -> dict:
        user, password = self.credentials()
        data = (urllib.parse.urlencode(body) if form else json.dumps(body, ensure_ascii=False)).encode()
        request = urllib.request.Request(self.url(path), data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded" if form else "application/json; charset=utf-8",
            "Accept": "application/json",
            "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode(),
        })
        try:
            with urllib.request.urlopen(request, timeout=conf.receipt_timeout_seconds()) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise ProviderDown(f"HTTP {exc.code}") from exc
            raw = exc.read()
            try:
                answer = json.loads(raw or b"{}")
            except ValueError:
                answer = {}
            raise ProviderRefused(
                f"HTTP {exc.code}: {answer.get('description') or answer.get('errorCode') or ''}"[:250]) from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise ProviderDown(str(getattr(exc, "reason", exc))[:250]) from exc
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ProviderDown("answer is not JSON") from exc

    def create_body(self, request: ReceiptRequest) -> dict:
        return {
            "generalInvoiceInfo": {
                "invoiceType": "BLP",  # biên lai thu phí, lệ phí
                "templateCode": request.template_code,
                "invoiceSeries": request.series,
                "invoiceIssuedDate": _millis(request.issued_at),
                "currencyCode": "VND",
                "adjustmentType": "1",
                "paymentStatus": True,
                "cusGetInvoiceRight": True,
                "transactionUuid": request.transaction_uuid,
            },
            "sellerInfo": {"sellerLegalName": request.seller_name, "sellerTaxCode": self.supplier_tax_code()},
            "buyerInfo": {
                "buyerName": request.buyer_name, "buyerLegalName": request.buyer_name,
                "buyerIdNo": request.buyer_id_number, "buyerAddressLine": request.buyer_address,
            },
            "payments": [{"paymentMethodName": request.payment_method}],
            "itemInfo": [
                {"lineNumber": index, "itemName": line.name, "unitName": "Hồ sơ", "quantity": 1,
                 "unitPrice": line.amount, "itemTotalAmountWithoutTax": line.amount, "taxPercentage": -2}
                for index, line in enumerate(request.lines, start=1)
            ],
            "summarizeInfo": {
                "totalAmountWithoutTax": request.total, "totalTaxAmount": 0, "totalAmountWithTax": request.total,
                "totalAmountWithTaxInWords": amount_in_words(request.total),
            },
            "metadata": [{"keyTag": "dossierNote", "stringValue": request.note}] if request.note else [],
        }

    def _issued(self, request_like: dict, result: dict, sent: dict, received: dict) -> Issued:
        series = request_like["series"]
        invoice_no = str(result.get("invoiceNo") or "")
        if not invoice_no or not invoice_no.startswith(series):
            raise ProviderRefused(f"answer without a receipt number of series {series}: {invoice_no!r}")
        return Issued(template_code=request_like["template"], series=series, number=invoice_no[len(series):],
                      lookup_code=str(result.get("reservationCode") or ""),
                      transaction_uuid=request_like["uuid"], issued_at=timezone.now(), sent=sent, received=received)

    def create(self, request: ReceiptRequest) -> Issued:
        body = self.create_body(request)
        answer = self.post(f"InvoiceAPI/InvoiceWS/createInvoice/{self.supplier_tax_code()}", body)
        like = {"series": request.series, "template": request.template_code, "uuid": request.transaction_uuid}
        if answer.get("errorCode"):
            if answer.get("errorCode") == "DUPLICATE_TRANSACTION_UUID":
                # Our earlier attempt was made but its answer lost: take the one already there.
                return self.find(like, sent=body)
            raise ProviderRefused(f"{answer.get('errorCode')}: {answer.get('description') or ''}"[:250])
        return self._issued(like, answer.get("result") or {}, body, answer)

    def find(self, like: dict, *, sent: dict) -> Issued:
        body = {"supplierTaxCode": self.supplier_tax_code(), "transactionUuid": like["uuid"]}
        answer = self.post("InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid", body, form=True)
        found = answer.get("result") or []
        if answer.get("errorCode") or not found:
            raise ProviderRefused(f"no receipt for transaction {like['uuid']}: {answer.get('errorCode') or ''}")
        return self._issued(like, found[0], sent, answer)

    def fetch_pdf(self, issued: Issued) -> bytes:
        body = {"supplierTaxCode": self.supplier_tax_code(), "invoiceNo": issued.series + issued.number,
                "templateCode": issued.template_code, "transactionUuid": issued.transaction_uuid, "fileType": "PDF"}
        answer = self.post("InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile", body)
        if answer.get("errorCode") or not answer.get("fileToBytes"):
            raise ProviderRefused(f"no PDF: {answer.get('errorCode') or ''} {answer.get('description') or ''}"[:250])
        try:
            pdf = base64.b64decode(answer["fileToBytes"], validate=True)
        except ValueError as exc:
            raise ProviderRefused("the PDF is not base64") from exc
        if not pdf.startswith(b"%PDF"):
            raise ProviderRefused("the file is not a PDF")
        return pdf

    def cancel(self, issued: Issued, reason: str, at: datetime.datetime) -> dict:
        local = timezone.localtime(at)
        body = {"supplierTaxCode": self.supplier_tax_code(), "templateCode": issued.template_code,
                "invoiceNo": issued.series + issued.number,
                "strIssueDate": f"{timezone.localtime(issued.issued_at or at):%Y%m%d%H%M%S}",
                "additionalReferenceDesc": reason[:255], "additionalReferenceDate": f"{local:%Y%m%d%H%M%S}"}
        answer = self.post("InvoiceAPI/InvoiceWS/cancelTransactionInvoice", body, form=True)
        if answer.get("errorCode") and answer.get("errorCode") != "INVOICE_ALREADY_CANCELLED":
            raise ProviderRefused(f"{answer.get('errorCode')}: {answer.get('description') or ''}"[:250])
        return {"sent": body, "received": answer}


@register
class SInvoiceSimulatorProvider(SInvoiceProvider):
    name = "sinvoice_simulator"
    label = _("E-invoice provider simulator")
    simulator = True

    def base_url(self) -> str:
        base = conf.get("PAYMENT_RECEIPT_SIMULATOR_URL", "") or reverse("payments:receipt_simulator")
        return urljoin(getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000", base)

    def credentials(self) -> tuple[str, str]:
        return simulator.credentials()

    def supplier_tax_code(self) -> str:
        return conf.get("PAYMENT_RECEIPT_SUPPLIER_TAX_CODE", "") or "0100109106-999"

    def is_configured(self) -> bool:
        return True

    def post(self, path: str, body: dict, *, form: bool = False) -> dict:
        if not conf.receipt_simulator_over_http():  # the same handler, without a socket
            status, payload = simulator.answer(path, body, self.credentials())
            if status >= 500:
                raise ProviderDown(f"HTTP {status}")
            if status >= 400:
                raise ProviderRefused(f"HTTP {status}: {payload.get('description', '')}")
            return payload
        return super().post(path, body, form=form)
