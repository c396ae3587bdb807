"""The address label of a shipment: an 80 x 120 mm page with the sender, the receiver, the waybill
as a Code 128 barcode and in letters, the order number and a QR code of the public tracking page."""
import io

import segno
from django.utils import timezone

from motcua.core.site import absolute
from motcua.printouts.pdf import FONT, FONT_DIR, FONT_FILES

from . import barcode
from .models import Leg

WIDTH, HEIGHT = 80, 120


def label_pdf(shipment) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(WIDTH, HEIGHT))
    for style, filename in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / filename))
    pdf.set_margins(4, 4, 4)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Nhãn {shipment.waybill}")
    pdf.set_creator("motcua")
    pdf.add_page()
    dossier = shipment.dossier
    sp = dossier.service_point
    centre = (sp.name if sp else dossier.receiving_agency.name, (sp.address if sp else "") or "",
              (sp.phone if sp else "") or "")
    person = (shipment.receiver_name, shipment.full_address, shipment.receiver_phone)
    sender, receiver = (person, centre) if shipment.leg == Leg.PICKUP else (centre, person)

    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 5, "BƯU CHÍNH CÔNG ÍCH - HÀNH CHÍNH CÔNG", align="C", new_x="LMARGIN", new_y="NEXT")
    barcode.draw(pdf, shipment.waybill or shipment.order_number, 4, pdf.get_y() + 1, WIDTH - 8, 16)
    pdf.set_y(pdf.get_y() + 18)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 6, shipment.waybill or shipment.order_number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.cell(0, 4, f"Mã đơn: {shipment.order_number}", align="C", new_x="LMARGIN", new_y="NEXT")
    for title, (name, address, phone) in (("NGƯỜI GỬI", sender), ("NGƯỜI NHẬN", receiver)):
        pdf.ln(1)
        pdf.set_font(FONT, "B", 8)
        pdf.cell(0, 4, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 4.5, name or "-", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        if address:
            pdf.multi_cell(0, 4, address, align="L", new_x="LMARGIN", new_y="NEXT")
        if phone:
            pdf.cell(0, 4, f"ĐT: {phone}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 8)
    for line in ("Hồ sơ:", dossier.code, str(shipment.get_leg_display()),
                 f"In lúc {timezone.localtime():%d/%m/%Y %H:%M}"):
        pdf.cell(WIDTH - 34, 4, line, new_x="LMARGIN", new_y="NEXT")
    qr = segno.make(absolute(f"/tra-cuu/?ma={dossier.code}"), error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=4, border=1)
    png.seek(0)
    pdf.image(png, x=WIDTH - 30, y=HEIGHT - 30, w=26, h=26)
    return bytes(pdf.output())
