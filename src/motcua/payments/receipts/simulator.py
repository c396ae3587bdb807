"""The e-invoice provider simulator: the provider's web API as `providers.SInvoiceProvider` calls it,
answered from its own books (`SimulatedInvoice`), at /thanh-toan/bien-lai-gia-lap/InvoiceAPI/...

- create: idempotent per `transactionUuid` (a repeat answers DUPLICATE_TRANSACTION_UUID, as the
  provider does; the client then looks the receipt up), numbers consecutive per template and
  series, a random lookup code;
- the PDF: a one-page A4 receipt (biên lai thu phí, lệ phí) made with fpdf2, in base64;
- cancel: marks it cancelled (a second cancel answers INVOICE_ALREADY_CANCELLED);
- `SimulatorSwitch` "sinvoice_simulator": `up`, `down` (HTTP 503 to everything) or `timeout`
  (over HTTP the answer comes after the client's timeout; in-process a 504), set with
  `manage.py receipt_simulator up|down|timeout`.
"""
from __future__ import annotations

import base64
import hmac
import json
import secrets
import time

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core.simulators import simulators_allowed

from .. import conf
from ..models import SimulatedInvoice, SimulatorSwitch

NAME = "sinvoice_simulator"


def credentials() -> tuple[str, str]:
    """The simulator's own account (derived from the simulator secret, never a real one)."""
    return "motcua-sim", conf.simulator_secret()[:16]


def mode() -> str:
    return SimulatorSwitch.objects.filter(name=NAME).values_list("mode", flat=True).first() or "up"


def set_mode(value: str) -> None:
    if value not in ("up", "down", "timeout"):
        raise ValueError(value)
    SimulatorSwitch.objects.update_or_create(name=NAME, defaults={"mode": value})


def _error(code: str, description: str, status: int = 200) -> tuple[int, dict]:
    return status, {"errorCode": code, "description": description}


def answer(path: str, body: dict, given: tuple[str, str]) -> tuple[int, dict]:
    """(HTTP status, JSON answer) for one call; `given`: the credentials of the Basic header."""
    state = mode()
    if state == "down":
        return _error("SERVICE_UNAVAILABLE", "Hệ thống đang bảo trì", 503)
    if state == "timeout":
        return _error("GATEWAY_TIMEOUT", "timeout", 504)
    expected = credentials()
    if len(given) != 2 or not all(hmac.compare_digest(a, b) for a, b in zip(given, expected)):
        return _error("UNAUTHORIZED", "Sai tài khoản hoặc mật khẩu", 401)
    path = path.strip("/")
    if path.startswith("InvoiceAPI/InvoiceWS/createInvoice/"):
        return _create(path.rsplit("/", 1)[1], body)
    if path == "InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid":
        return _search(body)
    if path == "InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile":
        return _file(body)
    if path == "InvoiceAPI/InvoiceWS/cancelTransactionInvoice":
        return _cancel(body)
    return _error("NOT_FOUND", path, 404)


def _create(tax_code: str, body: dict) -> tuple[int, dict]:
    info = body.get("generalInvoiceInfo") or {}
    uuid, template, series = info.get("transactionUuid"), info.get("templateCode"), info.get("invoiceSeries")
    total = (body.get("summarizeInfo") or {}).get("totalAmountWithTax")
    if not (uuid and template and series and body.get("itemInfo")) or not isinstance(total, int) or total <= 0:
        return _error("INVALID_DATA", "Thiếu thông tin bắt buộc")
    if SimulatedInvoice.objects.filter(supplier_tax_code=tax_code, transaction_uuid=uuid).exists():
        return _error("DUPLICATE_TRANSACTION_UUID", "transactionUuid đã tồn tại")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _lock_the_books()
                last = SimulatedInvoice.objects.filter(supplier_tax_code=tax_code, template_code=template,
                                                       series=series).aggregate(m=Max("number"))["m"] or 0
                row = SimulatedInvoice.objects.create(
                    supplier_tax_code=tax_code, transaction_uuid=uuid, template_code=template, series=series,
                    number=last + 1, reservation_code=secrets.token_hex(5).upper(), body=body)
            break
        except IntegrityError:  # the same uuid or number at once: the uuid repeats, the number moves on
            if SimulatedInvoice.objects.filter(supplier_tax_code=tax_code, transaction_uuid=uuid).exists():
                return _error("DUPLICATE_TRANSACTION_UUID", "transactionUuid đã tồn tại")
    else:
        return _error("SERVER_ERROR", "busy", 500)
    return 200, {"errorCode": None, "description": None, "result": _result(row)}


def _lock_the_books() -> None:
    """One create at a time (as the provider's own numbering does): the switch row, locked until
    the transaction ends, so parallel creates take consecutive numbers instead of racing for the
    same one (on SQLite the database itself serialises writers and the retry loop covers the rest)."""
    SimulatorSwitch.objects.get_or_create(name=NAME)
    SimulatorSwitch.objects.select_for_update().get(name=NAME)


def _result(row: SimulatedInvoice) -> dict:
    return {"supplierTaxCode": row.supplier_tax_code, "invoiceNo": f"{row.series}{row.number:07d}",
            "transactionID": f"SIM{row.pk:012d}", "reservationCode": row.reservation_code}


def _find(body: dict) -> SimulatedInvoice | None:
    tax_code, invoice_no = body.get("supplierTaxCode"), str(body.get("invoiceNo") or "")
    for row in SimulatedInvoice.objects.filter(supplier_tax_code=tax_code, template_code=body.get("templateCode")):
        if f"{row.series}{row.number:07d}" == invoice_no:
            return row
    return None


def _search(body: dict) -> tuple[int, dict]:
    rows = SimulatedInvoice.objects.filter(supplier_tax_code=body.get("supplierTaxCode"),
                                           transaction_uuid=body.get("transactionUuid"))
    if not rows:
        return _error("NOT_FOUND_DATA", "Không tìm thấy hóa đơn")
    return 200, {"errorCode": None, "result": [_result(row) for row in rows]}


def _file(body: dict) -> tuple[int, dict]:
    row = _find(body)
    if row is None:
        return _error("NOT_FOUND_DATA", "Không tìm thấy hóa đơn")
    return 200, {"errorCode": None, "fileName": f"{row.series}{row.number:07d}.pdf",
                 "fileToBytes": base64.b64encode(render_pdf(row)).decode()}


def _cancel(body: dict) -> tuple[int, dict]:
    with transaction.atomic():
        row = _find(body)
        if row is None:
            return _error("NOT_FOUND_DATA", "Không tìm thấy hóa đơn")
        row = SimulatedInvoice.objects.select_for_update().get(pk=row.pk)
        if row.status == "cancelled":
            return _error("INVOICE_ALREADY_CANCELLED", "Hóa đơn đã bị hủy")
        row.status, row.cancelled_at = "cancelled", timezone.now()
        row.save(update_fields=["status", "cancelled_at"])
    return 200, {"errorCode": None, "description": None}


def render_pdf(row: SimulatedInvoice) -> bytes:
    """The receipt as the provider would print it: template, series, number, lookup code, seller,
    payer, lines, total in figures and words, and CANCELLED across it once cancelled."""
    from motcua.printouts.pdf import FONT, FormPDF

    from .words import amount_in_words

    body = row.body
    seller, buyer = body.get("sellerInfo") or {}, body.get("buyerInfo") or {}
    issued = timezone.localtime(row.issued_at)
    pdf = FormPDF("Biên lai thu phí, lệ phí")
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, seller.get("sellerLegalName", "").upper(), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, f"Mã số thuế: {row.supplier_tax_code}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, f"Mẫu số: {row.template_code}    Ký hiệu: {row.series}    Số: {row.number:07d}",
                   align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.form_title("BIÊN LAI THU PHÍ, LỆ PHÍ", "(Biên lai điện tử)")
    pdf.paragraph(f"Ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}", style="I", align="C")
    pdf.field("Tên người nộp", buyer.get("buyerName", ""))
    if buyer.get("buyerIdNo"):
        pdf.field("Số định danh/mã số thuế", buyer["buyerIdNo"])
    if buyer.get("buyerAddressLine"):
        pdf.field("Địa chỉ", buyer["buyerAddressLine"])
    methods = {"TM": "Tiền mặt", "CK": "Chuyển khoản", "TM/CK": "Tiền mặt/Chuyển khoản"}
    pdf.field("Hình thức thanh toán", ", ".join(methods.get(p.get("paymentMethodName", ""), p.get("paymentMethodName", ""))
                                               for p in body.get("payments") or []))
    lines = body.get("itemInfo") or []
    pdf.grid(["STT", "Nội dung thu", "Số tiền (đồng)"],
             [[str(i.get("lineNumber")), i.get("itemName", ""), f"{i.get('unitPrice', 0):,}".replace(",", ".")]
              for i in lines], (15, pdf.epw - 55, 40))
    total = (body.get("summarizeInfo") or {}).get("totalAmountWithTax", 0)
    pdf.field("Tổng cộng", f"{total:,} đồng".replace(",", "."))
    pdf.field("Số tiền viết bằng chữ", amount_in_words(total))
    for meta in body.get("metadata") or []:
        pdf.field("Ghi chú", meta.get("stringValue", ""))
    pdf.ln(4)
    pdf.paragraph(f"Mã tra cứu: {row.reservation_code}", style="B")
    pdf.paragraph("Tra cứu biên lai tại trang của nhà cung cấp (giả lập) với mã tra cứu trên.", size=9, style="I")
    pdf.signatures("Người nộp tiền", "Đơn vị thu tiền", "", "Ký bởi: " + seller.get("sellerLegalName", ""))
    if row.status == "cancelled":
        pdf.set_text_color(200, 0, 0)
        pdf.set_font(FONT, "B", 28)
        pdf.set_xy(pdf.l_margin, 120)
        pdf.cell(0, 12, f"ĐÃ HỦY ngày {timezone.localtime(row.cancelled_at):%d/%m/%Y}", align="C")
        pdf.set_text_color(0, 0, 0)
    return pdf.to_bytes()


# --- over HTTP ----------------------------------------------------------------------------------


def _basic(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return ("", "")
    try:
        user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return ("", "")
    return user, password


@csrf_exempt
@require_POST
def api(request, path):
    if not simulators_allowed():
        return JsonResponse({"errorCode": "NOT_FOUND"}, status=404)
    if mode() == "timeout":
        time.sleep(conf.receipt_timeout_seconds() + 0.5)
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"errorCode": "INVALID_DATA", "description": "not JSON"}, status=400)
    else:
        body = request.POST.dict()
    status, payload = answer(path, body, _basic(request))
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
