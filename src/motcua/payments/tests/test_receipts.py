"""Electronic fee receipts: every paid payment gets one from the provider; a provider that is down
leaves the payment paid and the receipt pending, retried until one (exactly one) is issued; a full
refund cancels it; the PDF for the citizen and the officer; the S-Invoice-shaped HTTP client
against the simulator over real HTTP on the live test server."""
import base64
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from motcua.core.testing import run_in_threads
from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.models import EReceipt, Method, ReceiptEvent, SimulatedInvoice
from motcua.payments.receipts import services as receipts
from motcua.payments.receipts.providers import (
    ProviderDown,
    ReceiptLine,
    ReceiptRequest,
    SInvoiceSimulatorProvider,
    get_provider,
)
from motcua.payments.receipts.words import amount_in_words
from motcua.payments.receipts.simulator import set_mode

from .test_refunds import paid_online

NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pay_at_counter(dossier, world, django_capture_on_commit_callbacks, amount=120_000):
    with django_capture_on_commit_callbacks(execute=True):
        return services.record_counter_payment(world["counter"], dossier, amount, Method.CASH, "BL-0001")


def test_amount_in_words():
    assert amount_in_words(120_000) == "Một trăm hai mươi nghìn đồng"
    assert amount_in_words(1_025_000) == "Một triệu không trăm hai mươi lăm nghìn đồng"
    assert amount_in_words(15) == "Mười lăm đồng"
    assert amount_in_words(2_000_001) == "Hai triệu không trăm lẻ một đồng"
    assert amount_in_words(21) == "Hai mươi mốt đồng"


def test_counter_payment_gets_a_receipt_with_template_series_number_and_lookup_code(
        waiting, world, django_capture_on_commit_callbacks):
    payment = pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    receipt = EReceipt.objects.get(payment=payment)
    year = timezone.localtime(payment.paid_at).year % 100
    assert (receipt.status, receipt.template_code, receipt.series, receipt.number, receipt.amount) == (
        "issued", "01BLP0-001", f"BL{year:02d}E", "0000001", 120_000)
    assert len(receipt.lookup_code) == 10
    assert [e.action for e in receipt.events.all()] == ["queued", "create"]
    pdf = receipts.receipt_pdf(receipt)
    text = text_of(pdf)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert receipt.lookup_code in text and "Một trăm hai mươi nghìn đồng" in text and waiting.code in text
    # the dossier went on (status 6 -> resumes), whatever the receipt
    waiting.refresh_from_db()
    assert waiting.status == Status.PROCESSING


def test_provider_down_payment_paid_dossier_goes_on_then_up_gives_exactly_one_receipt(
        waiting, world, django_capture_on_commit_callbacks):
    set_mode("down")
    payment = pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid) == ("paid", Status.PROCESSING, 120_000)
    receipt = EReceipt.objects.get(payment=payment)
    assert (receipt.status, receipt.attempts) == ("pending", 1)
    assert "HTTP 503" in receipt.last_error and receipt.next_attempt_at is not None
    with pytest.raises(receipts.ReceiptError) as info:
        receipts.receipt_pdf(receipt)
    assert info.value.code == "unavailable"

    # still down: the retry waits for its time, then fails again with a longer backoff
    assert receipts.retry_due(now=receipt.next_attempt_at - datetime.timedelta(seconds=1)) == {"waiting": 1}
    assert receipts.retry_due(now=receipt.next_attempt_at) == {"down": 1}
    receipt.refresh_from_db()
    assert receipt.attempts == 2

    set_mode("up")
    out = io.StringIO()
    call_command("retry_receipts", stdout=out)  # now: past any backoff? no -> run with the clock
    receipts.retry_due(now=timezone.now() + datetime.timedelta(hours=2))
    receipt.refresh_from_db()
    assert receipt.status == "issued" and receipt.number == "0000001"
    assert SimulatedInvoice.objects.count() == 1
    # another run and a replayed task change nothing
    assert receipts.retry_due(now=timezone.now() + datetime.timedelta(hours=3)) == {}
    assert receipts.issue_receipt(receipt.pk) == "done"
    assert SimulatedInvoice.objects.count() == 1 and EReceipt.objects.count() == 1


def test_a_lost_answer_then_a_retry_takes_the_receipt_already_made(waiting, world, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    """The provider made the receipt but its answer never came (timeout): the retry sends the same
    transaction UUID, the provider answers 'duplicate', the client looks it up: one receipt."""
    original = SInvoiceSimulatorProvider.post
    calls = []

    def lossy(self, path, body, *, form=False):
        answer = original(self, path, body, form=form)
        calls.append(path)
        if len(calls) == 1:
            raise ProviderDown("timed out")
        return answer

    monkeypatch.setattr(SInvoiceSimulatorProvider, "post", lossy)
    payment = pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    receipt = EReceipt.objects.get(payment=payment)
    assert receipt.status == "pending" and SimulatedInvoice.objects.count() == 1
    assert receipts.issue_receipt(receipt.pk, now=receipt.next_attempt_at) == "issued"
    receipt.refresh_from_db()
    made = SimulatedInvoice.objects.get()
    assert (receipt.number, receipt.lookup_code) == (f"{made.number:07d}", made.reservation_code)
    assert calls[-1].endswith("searchInvoiceByTransactionUuid")


def test_online_payment_gets_a_receipt_and_a_full_refund_cancels_it(waiting, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = paid_online(waiting)
    receipt = EReceipt.objects.get(payment=payment)
    assert receipt.status == "issued"
    assert "ĐÃ HỦY" not in text_of(receipts.receipt_pdf(receipt))
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_payment(world["counter"], payment, reason="Rút hồ sơ")
    assert refund.status == "succeeded"
    receipt.refresh_from_db()
    assert (receipt.status, receipt.cancel_requested) == ("cancelled", True)
    assert SimulatedInvoice.objects.get().status == "cancelled"
    assert "ĐÃ HỦY" in text_of(receipts.receipt_pdf(receipt))  # fetched again after the cancellation
    assert [e.action for e in receipt.events.all()] == ["queued", "create", "cancel_requested", "cancel"]
    assert receipt.events.get(action="cancel_requested").actor == world["counter"]


def test_a_part_refund_keeps_the_receipt(waiting, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = paid_online(waiting)
        services.refund_payment(world["counter"], payment, 20_000, "Nộp thừa")
    assert EReceipt.objects.get(payment=payment).status == "issued"


def test_refund_while_the_provider_is_down_cancels_on_a_later_retry(waiting, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = paid_online(waiting)
    set_mode("down")
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_payment(world["counter"], payment, reason="Rút hồ sơ")
    receipt = EReceipt.objects.get(payment=payment)
    assert (receipt.status, receipt.cancel_requested) == ("issued", True)
    set_mode("up")
    assert receipts.retry_due(now=timezone.now() + datetime.timedelta(hours=2)) == {"cancelled": 1}
    receipt.refresh_from_db()
    assert receipt.status == "cancelled"


def test_refunded_before_the_receipt_was_issued_is_issued_then_cancelled(waiting, world,
                                                                        django_capture_on_commit_callbacks):
    set_mode("down")
    with django_capture_on_commit_callbacks(execute=True):
        payment = paid_online(waiting)
        services.refund_payment(world["counter"], payment, reason="Rút hồ sơ")
    set_mode("up")
    assert receipts.retry_due(now=timezone.now() + datetime.timedelta(hours=2)) == {"cancelled": 1}
    receipt = EReceipt.objects.get(payment=payment)
    assert receipt.status == "cancelled" and SimulatedInvoice.objects.get().status == "cancelled"


def test_no_provider_no_receipt(settings, waiting, world, django_capture_on_commit_callbacks):
    settings.PAYMENT_RECEIPT_PROVIDER = "none"
    pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    assert not EReceipt.objects.exists()


def test_events_are_append_only(waiting, world, django_capture_on_commit_callbacks):
    pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    event = ReceiptEvent.objects.first()
    with pytest.raises(ValidationError):
        event.save()


def test_citizen_and_officer_download(client, waiting, world, django_capture_on_commit_callbacks):
    payment = pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    receipt = EReceipt.objects.get(payment=payment)
    client.force_login(world["counter"])
    page = client.get(f"/thanh-toan/quay/{waiting.code}/")
    assert receipt.lookup_code in page.content.decode()
    answer = client.get(f"/thanh-toan/quay/{waiting.code}/bien-lai/{receipt.pk}/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert client.get(f"/thanh-toan/quay/{waiting.code}/bien-lai/{receipt.pk + 99}/").status_code == 404


# --- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def over_http(settings, live_server):
    settings.PAYMENT_RECEIPT_SIMULATOR_TRANSPORT = "http"
    settings.SITE_URL = live_server.url
    settings.PAYMENT_RECEIPT_TIMEOUT_SECONDS = 2
    return live_server


def request(uuid="0f0e0d0c-0b0a-4908-8706-050403020100", amount=120_000) -> ReceiptRequest:
    return ReceiptRequest(
        transaction_uuid=uuid, template_code="01BLP0-001", series="BL26E", issued_at=NOW,
        seller_name="Trung tâm Phục vụ hành chính công tỉnh", buyer_name="Nguyễn Văn Thử",
        buyer_id_number="001099000001", buyer_address="Phường Một", payment_method="TM",
        lines=[ReceiptLine("Lệ phí đăng ký đất đai", amount)], note="Hồ sơ 000.00.01.H99-260302-0001")


@pytest.mark.django_db(transaction=True)
def test_the_http_client_against_the_simulator_over_http(over_http):
    provider = get_provider("sinvoice_simulator")
    assert provider.url("InvoiceAPI/InvoiceWS/createInvoice/X").startswith(over_http.url + "/thanh-toan/bien-lai-gia-lap/")
    issued = provider.create(request())
    assert (issued.series, issued.number) == ("BL26E", "0000001")
    body = issued.sent
    assert body["generalInvoiceInfo"]["transactionUuid"] == "0f0e0d0c-0b0a-4908-8706-050403020100"
    assert body["summarizeInfo"]["totalAmountWithTaxInWords"] == "Một trăm hai mươi nghìn đồng"
    # the same UUID again: the same receipt (duplicate -> search), no second number
    again = provider.create(request())
    assert (again.number, again.lookup_code) == (issued.number, issued.lookup_code)
    assert provider.create(request(uuid="11111111-0b0a-4908-8706-050403020100")).number == "0000002"
    pdf = provider.fetch_pdf(issued)
    assert pdf.startswith(b"%PDF") and issued.lookup_code in text_of(pdf)
    provider.cancel(issued, "Hoàn trả toàn bộ", NOW)
    assert "ĐÃ HỦY" in text_of(provider.fetch_pdf(issued))
    set_mode("down")
    with pytest.raises(ProviderDown, match="HTTP 503"):
        provider.create(request(uuid="22222222-0b0a-4908-8706-050403020100"))
    set_mode("timeout")
    with pytest.raises(ProviderDown):
        provider.fetch_pdf(issued)
    set_mode("up")


@pytest.mark.django_db(transaction=True)
def test_wrong_credentials_are_refused_over_http(over_http, settings):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        over_http.url + "/thanh-toan/bien-lai-gia-lap/InvoiceAPI/InvoiceWS/createInvoice/0100109106-999",
        data=json.dumps({}).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(b"motcua-sim:wrong").decode()})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 401


# --- two workers at once (PostgreSQL) --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)")
def test_four_workers_issuing_the_same_receipt_make_one(waiting, world):
    set_mode("down")
    payment = services.record_counter_payment(world["counter"], waiting, 120_000, Method.CASH, "BL-0001")
    receipts.queue_receipt(payment)  # (no on_commit capture here: queued directly)
    receipt = EReceipt.objects.get()
    set_mode("up")
    later = timezone.now() + datetime.timedelta(hours=1)
    results, errors = run_in_threads(4, lambda i: receipts.issue_receipt(receipt.pk, now=later))
    assert errors == [None] * 4
    # One worker issues; the others find it leased ("busy") or, if they start after it
    # committed, already issued ("done"). Either way the provider is asked exactly once.
    assert results.count("issued") == 1
    assert set(results) - {"issued"} <= {"busy", "done"}
    assert SimulatedInvoice.objects.count() == 1 and EReceipt.objects.get().number == "0000001"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)")
def test_the_simulator_numbers_parallel_receipts_without_gaps(world):
    provider = get_provider("sinvoice_simulator")
    results, errors = run_in_threads(
        6, lambda i: provider.create(request(uuid=f"00000000-0000-4000-8000-{i:012d}")).number)
    assert errors == [None] * 6
    assert sorted(results) == [f"{n:07d}" for n in range(1, 7)]


def test_the_officer_dossier_page_names_the_receipt(client, waiting, world, django_capture_on_commit_callbacks):
    payment = pay_at_counter(waiting, world, django_capture_on_commit_callbacks)
    receipt = EReceipt.objects.get(payment=payment)
    client.force_login(world["counter"])
    page = client.get(f"/mot-cua/ho-so/{waiting.code}/").content.decode()
    assert f"{receipt.series}/{receipt.number} (đã phát hành)" in page
    assert f'/thanh-toan/quay/{waiting.code}/#receipts' in page
