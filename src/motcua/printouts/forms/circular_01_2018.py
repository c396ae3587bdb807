"""Forms 01-06 as laid out by Circular 01/2018/TT-VPCP (guiding Decree 61/2018/ND-CP on the
one-stop mechanism), in force from 8 January 2019.

A new regulation that changes a form gets a new module registering a new version with its own
effective date; this one stays, so older dossiers print the form of their time.
"""
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ..data import DossierSheet, TrackingBook
from ..pdf import FormPDF, format_date, format_datetime
from ..registry import register

VERSION = "TT01-2018"
EFFECTIVE_FROM = date(2019, 1, 8)
LEGAL_BASIS = "Thông tư 01/2018/TT-VPCP"

OUTCOME_LABELS = {
    "early": gettext_lazy("Early"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
}


def _count(value: int) -> str:
    return str(value) if value else ""


def _dong(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".")


def _start(sheet: DossierSheet | TrackingBook, form_number: str, title: str, orientation: str = "P") -> FormPDF:
    pdf = FormPDF(f"{title} {getattr(sheet, 'code', '')}".strip(), orientation=orientation)
    pdf.national_header(
        form_number=form_number,
        parent_agency=sheet.parent_agency_name,
        agency=sheet.agency_name,
        place=sheet.place,
        issued_on=sheet.issued_on or timezone.localdate(),
    )
    return pdf


def _applicant_block(pdf: FormPDF, sheet: DossierSheet, *, with_code: bool = True):
    if with_code:
        pdf.field(_("Dossier code"), sheet.code)
    pdf.field(_("Applicant"), sheet.applicant_name)
    if sheet.applicant_id_number:
        pdf.field(_("Citizen ID / tax code"), sheet.applicant_id_number)
    if sheet.applicant_address:
        pdf.field(_("Address"), sheet.applicant_address)
    contact = " - ".join(v for v in (sheet.applicant_phone, sheet.applicant_email) if v)
    if contact:
        pdf.field(_("Phone / e-mail"), contact)
    pdf.field(_("Procedure"), sheet.procedure_name)


@register("01", VERSION, EFFECTIVE_FROM, gettext_lazy("Receipt and appointment"), LEGAL_BASIS)
def receipt(sheet: DossierSheet) -> bytes:
    pdf = _start(sheet, _("Form No. 01"), _("Receipt and appointment"))
    pdf.form_title(_("Receipt of the dossier and appointment for the result"), _("Code: %(code)s") % {"code": sheet.code})
    qr_top = pdf.get_y()
    if sheet.tracking_url:
        pdf.qr_code(sheet.tracking_url, pdf.w - pdf.r_margin - 28, qr_top, size=28)
        pdf.set_right_margin(15 + 32)  # keep the first lines clear of the code
    # The header names the receiving body (adapters.receiving_body); the text says the same.
    pdf.paragraph(_("%(place)s received the dossier of:") % {"place": sheet.agency_name})
    _applicant_block(pdf, sheet, with_code=False)  # the code is printed once, under the title
    pdf.set_right_margin(15)
    if pdf.get_y() < qr_top + 32:
        pdf.set_y(qr_top + 32)
    pdf.paragraph(_("Documents received:"), style="B")
    rows = [
        [str(number), doc.name, _count(doc.originals), _count(doc.certified_copies), _count(doc.copies),
         _("Yes") if doc.electronic else "", doc.note]
        for number, doc in enumerate(sheet.documents, start=1)
    ]
    pdf.grid(
        [_("No."), _("Document"), _("Originals"), _("Certified copies"), _("Photocopies"), _("Electronic"),
         _("Note")],
        rows or [["", _("(none)"), "", "", "", "", ""]],
        col_widths=(9, 69, 17, 20, 18, 17, 25),
        font_size=9,
    )
    pdf.field(_("Number of documents"), str(len(sheet.documents)))
    pdf.field(_("Received at"), format_datetime(sheet.received_at))
    pdf.field(_("Result due at"), format_datetime(sheet.due_at))
    channel = sheet.return_channel + (f": {sheet.return_address}" if sheet.return_address else "")
    pdf.field(_("How the result is returned"), channel)
    if sheet.fee_due or sheet.fee_paid:
        pdf.field(_("Fees and charges"), _("%(due)s đồng, payable: %(when)s") % {
            "due": _dong(sheet.fee_due), "when": sheet.fee_payable_at.lower()})
        if sheet.fee_exemptions:
            pdf.field(_("Exemptions"), "; ".join(sheet.fee_exemptions))
        pdf.field(_("Already paid"), _("%(amount)s đồng") % {"amount": _dong(sheet.fee_paid)})
        pdf.field(_("Still owed"), _("%(amount)s đồng") % {"amount": _dong(sheet.fee_owed)})
    if sheet.tracking_url:
        pdf.paragraph(
            _("Track the dossier by scanning the QR code or at %(url)s") % {"url": sheet.tracking_url},
            style="I",
            size=10,
        )
    pdf.signatures(_("Applicant"), _("Receiving officer"), sheet.applicant_name, sheet.receiving_officer)
    return pdf.to_bytes()


@register("02", VERSION, EFFECTIVE_FROM, gettext_lazy("Supplement request"), LEGAL_BASIS)
def supplement_request(sheet: DossierSheet) -> bytes:
    pdf = _start(sheet, _("Form No. 02"), _("Supplement request"))
    pdf.form_title(_("Request to supplement and complete the dossier"), _("Code: %(code)s") % {"code": sheet.code})
    pdf.paragraph(
        _("%(agency)s received the dossier below on %(received)s:")
        % {"agency": sheet.agency_name, "received": format_datetime(sheet.received_at)}
    )
    _applicant_block(pdf, sheet)
    pdf.field(_("Result due at (before this request)"), format_datetime(sheet.due_at))
    pdf.paragraph(_("The dossier must be supplemented and completed with:"), style="B")
    pdf.bullet_list(sheet.missing_items or [_("(see the reason)")])
    pdf.field(_("Reason"), sheet.reason)
    pdf.paragraph(
        _(
            "The time limit is suspended until the complete supplement is received. We are sorry for "
            "the inconvenience. This request is made only once."
        ),
        style="I",
        size=10,
    )
    pdf.signatures("", pgettext("signature", "Officer"), "", sheet.receiving_officer)
    return pdf.to_bytes()


@register("03", VERSION, EFFECTIVE_FROM, gettext_lazy("Refusal of a dossier"), LEGAL_BASIS)
def refusal(sheet: DossierSheet) -> bytes:
    pdf = _start(sheet, _("Form No. 03"), _("Refusal of a dossier"))
    pdf.form_title(_("Refusal to receive and resolve the dossier"), _("Code: %(code)s") % {"code": sheet.code})
    pdf.paragraph(_("%(agency)s received the request of:") % {"agency": sheet.agency_name})
    _applicant_block(pdf, sheet)
    if sheet.received_at:
        pdf.field(_("Received at"), format_datetime(sheet.received_at))
    if sheet.due_at:
        pdf.field(_("Result due at"), format_datetime(sheet.due_at))
    pdf.paragraph(_("After examining it, the dossier cannot be received and resolved, because:"), style="B")
    pdf.paragraph(sheet.reason or "......")
    pdf.paragraph(_("We are sorry for the inconvenience."), style="I", size=10)
    pdf.signatures("", pgettext("signature", "Officer"), "", sheet.receiving_officer)
    return pdf.to_bytes()


@register("04", VERSION, EFFECTIVE_FROM, gettext_lazy("Apology and new appointment"), LEGAL_BASIS)
def apology(sheet: DossierSheet) -> bytes:
    pdf = _start(sheet, _("Form No. 04"), _("Apology and new appointment"))
    pdf.form_title(_("Apology and new appointment for the result"), _("Code: %(code)s") % {"code": sheet.code})
    pdf.paragraph(
        _("On %(received)s, %(agency)s received the dossier below, with the result due at %(due)s.")
        % {
            "received": format_datetime(sheet.received_at),
            "agency": sheet.agency_name,
            "due": format_datetime(sheet.due_at),
        }
    )
    _applicant_block(pdf, sheet)
    pdf.field(_("Result due at"), format_datetime(sheet.due_at))
    pdf.paragraph(_("The result cannot be returned on time, because:"), style="B")
    pdf.paragraph(sheet.reason or "......")
    pdf.paragraph(
        _("%(agency)s apologises to you and sets a new appointment for the result at %(new)s.")
        % {"agency": sheet.agency_name, "new": format_datetime(sheet.new_due_at)},
    )
    pdf.field(_("New appointment"), format_datetime(sheet.new_due_at))
    pdf.signatures("", _("Head of the agency"), "", "")
    return pdf.to_bytes()


@register("05", VERSION, EFFECTIVE_FROM, gettext_lazy("Process control sheet"), LEGAL_BASIS)
def process_control_sheet(sheet: DossierSheet) -> bytes:
    pdf = _start(sheet, _("Form No. 05"), _("Process control sheet"), orientation="L")
    pdf.form_title(_("Process control sheet of the dossier"), _("Code: %(code)s") % {"code": sheet.code})
    pdf.field(_("Applicant"), sheet.applicant_name)
    pdf.field(_("Procedure"), sheet.procedure_name)
    pdf.field(_("Received at"), format_datetime(sheet.received_at))
    pdf.field(_("Result due at"), format_datetime(sheet.due_at))
    rows = []
    for step in sheet.steps:
        given = "\n".join(v for v in (step.given_by, format_datetime(step.given_at)) if v)
        taken = "\n".join(v for v in (step.taken_by, format_datetime(step.taken_at)) if v)
        result = str(OUTCOME_LABELS.get(step.outcome, _("In progress")))
        rows.append([f"{step.name}\n{step.unit}".strip(), given, taken, format_datetime(step.due_at), result, step.note])
    pdf.grid(
        [_("Step / agency, unit"), _("Given by, at"), _("Taken by, at"), _("Step due at"), _("Result"), _("Note")],
        rows or [[_("(no step yet)"), "", "", "", "", ""]],
        col_widths=(70, 45, 45, 35, 25, 42),
        font_size=9,
    )
    return pdf.to_bytes()


@register("06", VERSION, EFFECTIVE_FROM, gettext_lazy("Dossier tracking book"), LEGAL_BASIS)
def tracking_book(book: TrackingBook) -> bytes:
    pdf = _start(book, _("Form No. 06"), _("Dossier tracking book"), orientation="L")
    pdf.form_title(
        _("Dossier tracking book"),
        _("From %(start)s to %(end)s") % {"start": format_date(book.date_from), "end": format_date(book.date_to)},
    )
    rows = [
        [
            str(number),
            row.code,
            row.applicant_name,
            row.procedure_name,
            format_datetime(row.received_at),
            format_datetime(row.due_at),
            format_datetime(row.finished_at),
            format_datetime(row.returned_at),
            str(OUTCOME_LABELS.get(row.outcome, row.status)),
        ]
        for number, row in enumerate(book.rows, start=1)
    ]
    pdf.grid(
        [
            _("No."),
            _("Dossier code"),
            _("Applicant"),
            _("Procedure"),
            _("Received at"),
            _("Due at"),
            _("Finished at"),
            _("Returned at"),
            _("Note"),
        ],
        rows or [["", _("(no dossier in this period)"), "", "", "", "", "", "", ""]],
        col_widths=(9, 42, 32, 58, 25, 25, 25, 25, 21),
        font_size=8,
    )
    pdf.field(_("Number of dossiers"), str(len(book.rows)))
    return pdf.to_bytes()
