"""The daily reconciliation as an Excel workbook (openpyxl): a sheet of payments (with their
"refund due" flag), one of the day's refunds, one of the refunds still due, and one of totals (received, refunded, net) per channel and per agency."""
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.core.spreadsheets import workbook_bytes

from .selectors import channel_of


def reconciliation_workbook(data: dict, channel_labels: dict) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Payments")[:31]
    header = [_("Paid at"), _("Order reference"), _("Dossier code"), _("Agency"), _("Gateway or method"),
              _("Amount (đồng)"), _("Receipt number"), _("Gateway transaction number"), _("Recorded by"),
              _("Refund due")]
    sheet.append(header)
    for p in data["payments"]:
        sheet.append([
            timezone.localtime(p.paid_at).strftime("%d/%m/%Y %H:%M:%S"), p.order_ref, p.dossier.code,
            p.dossier.receiving_agency.name, str(channel_labels.get(channel_of(p), channel_of(p))), p.amount,
            p.receipt_number, p.gateway_transaction_no, p.recorded_by.get_username() if p.recorded_by else "",
            _("Refund due") if p.refund_due else "",
        ])
    sheet.append([_("Total"), "", "", "", "", data["amount"]])
    refunds = wb.create_sheet(_("Refunds")[:31])
    refunds.append([_("Refunded at"), _("Order reference"), _("Dossier code"), _("Agency"), _("Gateway or method"),
                    _("Refunded (đồng)"), _("Gateway refund number"), _("Reason"), _("Requested by")])
    for r in data["refunds"]:
        p = r.payment
        refunds.append([
            timezone.localtime(r.finished_at).strftime("%d/%m/%Y %H:%M:%S"), p.order_ref, p.dossier.code,
            p.dossier.receiving_agency.name, str(channel_labels.get(channel_of(p), channel_of(p))), r.amount,
            r.gateway_reference, r.reason, r.requested_by.get_username(),
        ])
    refunds.append([_("Total"), "", "", "", "", data["refund_amount"]])
    totals = wb.create_sheet(_("Totals")[:31])
    totals.append([_("Reconciliation of %(day)s") % {"day": data["day"].strftime("%d/%m/%Y")}])
    totals.append([])
    money = [_("Amount (đồng)"), _("Refunded (đồng)"), _("Net (đồng)")]
    totals.append([_("Gateway or method"), _("Payments"), *money])
    for row in data["by_channel"]:
        totals.append([str(channel_labels.get(row["key"], row["key"])), row["count"], row["amount"], row["refunded"],
                       row["net"]])
    totals.append([])
    totals.append([_("Agency"), _("Payments"), *money])
    for row in data["by_agency"]:
        totals.append([row["agency"].name, row["count"], row["amount"], row["refunded"], row["net"]])
    totals.append([_("Total"), data["count"], data["amount"], data["refund_amount"], data["net"]])
    due = wb.create_sheet(_("Refunds due")[:31])
    due.append([_("Paid at"), _("Order reference"), _("Dossier code"), _("Agency"), _("Gateway or method"),
                _("Amount (đồng)"), _("Can still be refunded"), _("Gateway transaction number")])
    for p in data.get("refunds_due", []):
        due.append([
            timezone.localtime(p.paid_at).strftime("%d/%m/%Y %H:%M:%S"), p.order_ref, p.dossier.code,
            p.dossier.receiving_agency.name, str(channel_labels.get(channel_of(p), channel_of(p))), p.amount,
            p.left, p.gateway_transaction_no,
        ])
    for ws in (sheet, refunds, totals, due):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ("A", "B", "C", "D", "E", "F"):
            ws.column_dimensions[column].width = 24
    return workbook_bytes(wb)  # formula-like texts (names, reasons) stored as text
