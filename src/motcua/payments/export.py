"""The daily reconciliation as an Excel workbook (openpyxl): one sheet of payments, one of totals."""
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import channel_of


def reconciliation_workbook(data: dict, channel_labels: dict) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Payments")[:31]
    header = [_("Paid at"), _("Order reference"), _("Dossier code"), _("Agency"), _("Gateway or method"),
              _("Amount (đồng)"), _("Receipt number"), _("Gateway transaction number"), _("Recorded by")]
    sheet.append(header)
    for p in data["payments"]:
        sheet.append([
            timezone.localtime(p.paid_at).strftime("%d/%m/%Y %H:%M:%S"), p.order_ref, p.dossier.code,
            p.dossier.receiving_agency.name, str(channel_labels.get(channel_of(p), channel_of(p))), p.amount,
            p.receipt_number, p.gateway_transaction_no, p.recorded_by.get_username() if p.recorded_by else "",
        ])
    sheet.append([_("Total"), "", "", "", "", data["amount"]])
    totals = wb.create_sheet(_("Totals")[:31])
    totals.append([_("Reconciliation of %(day)s") % {"day": data["day"].strftime("%d/%m/%Y")}])
    totals.append([])
    totals.append([_("Gateway or method"), _("Payments"), _("Amount (đồng)")])
    for row in data["by_channel"]:
        totals.append([str(channel_labels.get(row["key"], row["key"])), row["count"], row["amount"]])
    totals.append([])
    totals.append([_("Agency"), _("Payments"), _("Amount (đồng)")])
    for row in data["by_agency"]:
        totals.append([row["agency"].name, row["count"], row["amount"]])
    totals.append([_("Total"), data["count"], data["amount"]])
    for ws in (sheet, totals):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ("A", "B", "C", "D", "E", "F"):
            ws.column_dimensions[column].width = 24
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
