"""The receipt's PDF as a download, for the citizen's and the officer's pages (each checks access)."""
from django.http import Http404, HttpResponse

from ..models import EReceipt
from .services import ReceiptError, receipt_pdf


def receipt_download(dossier, pk: int) -> HttpResponse:
    receipt = EReceipt.objects.select_related("payment").filter(pk=pk, payment__dossier=dossier).first()
    if receipt is None:
        raise Http404
    try:
        pdf = receipt_pdf(receipt)
    except ReceiptError as exc:
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8",
                            headers={"Retry-After": "300"})
    name = f"bien-lai_{receipt.series}{receipt.number}.pdf"
    return HttpResponse(pdf, content_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
