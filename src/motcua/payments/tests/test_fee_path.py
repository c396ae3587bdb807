"""Fees end to end through the pages: the quote at counter intake (with exemptions), the receipt,
the officer's dossier page with its way to collect, form 01, the receipt SMS, and the citizen's
own dossier page with its "Thanh toán" button paying through the simulator."""
import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from motcua.catalog.models import FeeExemption, ProcedureVersion
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.notifications.models import OutboxMessage
from motcua.payments.models import Payment, PaymentStatus

from .conftest import APPLICANT, at, documents_for

pytestmark = pytest.mark.django_db
INTAKE = "/mot-cua/tiep-nhan/"
CODE = "1.004227.000.00.00.H99"


def intake_data(world, **extra):
    data = {
        "procedure": CODE, "case": "", "applicant_citizen_id": "038090012345", "applicant_name": "Hoàng Thị Thử",
        "applicant_phone": "0912345678", "applicant_email": "", "applicant_address": "12 Lê Lợi",
        "owner_same": "on", "return_channel": "counter",
    }
    for doc in world["docs"]:
        if doc.is_required:
            data.update({f"doc_{doc.pk}": "on", f"doc_{doc.pk}_originals": "1", f"doc_{doc.pk}_certified": "0",
                         f"doc_{doc.pk}_copies": "0"})
    data.update(extra)
    return data


@pytest.fixture
def exemption(world):
    fee = world["version"].fees.get()
    # bulk_create: the published version's guard is on save(), the catalogue test data is set directly
    return FeeExemption.objects.bulk_create([FeeExemption(fee=fee, beneficiary="Hộ nghèo", percent=100)])[0]


def test_intake_page_shows_the_quote_and_exemptions_and_the_exemption_sets_the_fee(client, world, exemption):
    client.force_login(world["counter"])
    page = client.get(INTAKE, {"procedure": CODE}).content.decode()
    assert 'id="fee-quote"' in page and "Lệ phí đăng ký" in page and "50.000 đ" in page
    assert 'id="fee-quote-total">50.000 đ' in page and "Khi tiếp nhận hồ sơ" in page
    assert f'name="fee_exemption" value="{exemption.pk}"' in page and "Hộ nghèo: -100%" in page

    # A failed submit keeps the ticked exemption and shows the quote with it.
    bad = client.post(INTAKE, intake_data(world, applicant_citizen_id="1", fee_exemption=[str(exemption.pk)]))
    assert bad.status_code == 400
    text = bad.content.decode()
    assert f'value="{exemption.pk}" checked' in text and 'id="fee-quote-total">0 đ' in text
    assert not Dossier.objects.exists()

    done = client.post(INTAKE, intake_data(world, fee_exemption=[str(exemption.pk)]))
    assert done.status_code == 302, done.content.decode()[:3000]
    assert Dossier.objects.get().fee_due == 0


def test_receipt_and_officer_page_show_what_is_owed_and_lead_to_collection(client, world):
    client.force_login(world["counter"])
    response = client.post(INTAKE, intake_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.fee_due == 50000
    receipt = client.get(response["Location"]).content.decode()
    assert 'id="fee-owed"><strong>50.000 đ' in receipt and "Khi tiếp nhận hồ sơ" in receipt
    collect = f'href="/thanh-toan/quay/{dossier.code}/"'
    assert collect in receipt and "Thu phí, lệ phí (50.000 đ)" in receipt

    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "còn phải nộp 50.000 đ" in page and collect in page
    # A specialist does not take money: the amount, but no collection link.
    client.force_login(world["specialist"])
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "còn phải nộp 50.000 đ" in page and collect not in page

    # Paid at the counter: nothing owed, no link.
    client.force_login(world["counter"])
    counter_page = client.get(f"/thanh-toan/quay/{dossier.code}/").content.decode()
    assert "Khi tiếp nhận hồ sơ" in counter_page and f'href="/mot-cua/ho-so/{dossier.code}/"' in counter_page
    client.post(f"/thanh-toan/quay/{dossier.code}/", {"amount": "50000", "method": "cash", "receipt_number": "BL-7"})
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert collect not in page and "còn phải nộp" not in page


def test_return_refused_on_the_officer_page_until_collected_at_the_counter(client, world, receive):
    ProcedureVersion.objects.filter(pk=world["version"].pk).update(fee_payable_at="at_return")
    dossier = dossier_services.resolve(world["leader"], receive(), at=at(2026, 3, 3, 9))
    client.force_login(world["counter"])
    url = f"/mot-cua/ho-so/{dossier.code}/thao-tac/return_result/"
    refused = client.post(url, {"version": dossier.version}, follow=True)  # the page's way: back, with the reason
    text = refused.content.decode()
    assert "Không có thay đổi nào." in text
    assert "còn nợ 50.000 đồng" in text and f'href="/thanh-toan/quay/{dossier.code}/"' in text
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    client.post(f"/thanh-toan/quay/{dossier.code}/", {"amount": "50000", "method": "card", "receipt_number": "BL-8"})
    dossier.refresh_from_db()
    assert dossier.fee_paid == 50000
    done = client.post(url, {"version": dossier.version})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_form_01_prints_the_fee(client, world, receive):
    dossier = receive()
    client.force_login(world["counter"])
    response = client.get(f"/mot-cua/ho-so/{dossier.code}/in/01/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Phí, lệ phí" in text and "50.000 đồng, thời điểm nộp: khi tiếp nhận hồ sơ" in text
    assert "Còn phải nộp" in text


def test_receipt_sms_says_what_is_owed(world, receive, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    sms = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="received", channel="sms")
    assert "Phí, lệ phí còn phải nộp: 50.000 đồng (khi tiếp nhận hồ sơ)." in sms.body
    email = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="received", channel="email")
    assert "Phí, lệ phí: 50.000 đồng; còn phải nộp: 50.000 đồng" in email.body


def test_receipt_sms_without_a_fee_says_nothing_of_fees(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.receive_at_counter(
            world["justice_counter"], procedure_version=world["birth"], applicant=APPLICANT,
            documents=[{"required_document": world["birth"].documents.get().pk, "originals": 1}],
            received_at=at(2026, 3, 2, 8))
    sms = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="received", channel="sms")
    assert "Phí" not in sms.body and dossier.code in sms.body


# --- the citizen's own dossier page --------------------------------------------------------------


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user(username="citizen-test", password="x")


@pytest.fixture
def online(world, citizen):
    """An online submission by `citizen` (25.000 đ after the version's 50% online discount)."""
    return dossier_services.submit_online(
        citizen, procedure_version=world["version"], applicant=APPLICANT, documents=documents_for(world),
        submitted_at=at(2026, 3, 2, 8))


def test_citizen_sees_the_fee_and_pays_through_the_simulator(client, world, citizen, online):
    client.force_login(citizen)
    page = client.get(f"/ca-nhan/ho-so/{online.code}/").content.decode()
    assert 'id="fee-owed"><strong>25.000 đ' in page
    assert 'id="pay-online"' not in page and "sau khi hồ sơ được tiếp nhận" in page  # not accepted yet
    assert client.post(f"/ca-nhan/ho-so/{online.code}/thanh-toan/").status_code == 302
    assert not Payment.objects.exists()

    dossier_services.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    page = client.get(f"/ca-nhan/ho-so/{online.code}/").content.decode()
    assert 'id="pay-online"' in page and "Thanh toán 25.000 đ" in page

    started = client.post(f"/ca-nhan/ho-so/{online.code}/thanh-toan/")
    assert started.status_code == 302 and started["Location"].startswith("/thanh-toan/gia-lap/?")
    sim = client.get(started["Location"])
    assert sim.status_code == 200 and "25.000 đ" in sim.content.decode()
    back = client.post("/thanh-toan/gia-lap/", {**sim.context["params"], "choice": "pay"})
    result = urlsplit(back["Location"])
    online.refresh_from_db()
    assert (online.fee_paid, online.paid_online, online.status) == (25000, True, Status.RECEIVED)
    assert Payment.objects.get().status == PaymentStatus.PAID
    shown = client.get(f"{result.path}?{result.query}").content.decode()
    assert "Đã thanh toán." in shown and f'href="/ca-nhan/ho-so/{online.code}/"' in shown

    page = client.get(f"/ca-nhan/ho-so/{online.code}/").content.decode()
    assert 'id="fee-owed"><strong>0 đ' in page and 'id="pay-online"' not in page


def test_another_citizen_cannot_pay_or_see(client, world, online):
    client.force_login(get_user_model().objects.create_user(username="someone-else", password="x"))
    dossier_services.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    assert client.get(f"/ca-nhan/ho-so/{online.code}/").status_code == 404
    assert client.post(f"/ca-nhan/ho-so/{online.code}/thanh-toan/").status_code == 404
    assert not Payment.objects.exists()


def test_no_pay_button_without_online_payment(client, world, citizen, online, settings):
    settings.PAYMENT_GATEWAY = "vnpay"
    settings.PAYMENT_VNPAY_HASH_SECRET = ""
    dossier_services.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    client.force_login(citizen)
    page = client.get(f"/ca-nhan/ho-so/{online.code}/").content.decode()
    assert 'id="pay-online"' not in page and "Vui lòng nộp tại quầy" in page
    assert client.post(f"/ca-nhan/ho-so/{online.code}/thanh-toan/").status_code == 302
    assert not Payment.objects.exists()
