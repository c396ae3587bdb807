"""A whole day at a commune centre of the demo province, in a real browser, with no back door: every
person starts at the home page and follows only links and buttons that the pages show them; no
dossier code is typed, no link is copied from another person's page, no date is assumed.

1. A citizen signs up (and verifies the phone with the code the SMS brought), finds "Cấp Giấy xác nhận tình trạng hôn nhân" (a commune procedure that
   every commune handles), applies online and chooses the commune Suối Bạc.
2. The counter officer of Suối Bạc finds it among the online dossiers waiting for intake (the
   count is in the nav), opens each uploaded file, accepts it and hands it on to the unit.
3. The citizen sees the fee on their dossier page and pays through the gateway simulator.
4. The specialist finds it among the unit's unassigned dossiers, takes it and hands it on; the
   leader approves it; the counter officer returns the result.
5. The citizen gets one SMS with the rating link (outbox) and rates.

A second day: a counter dossier whose fee is due before the result is returned cannot be
returned until the fee is collected at the counter.
"""
import re

import pytest
from django.core.management import call_command

from motcua.core.testing import reseed_migration_data
from motcua.dossiers.models import Dossier, Status
from motcua.feedback.models import Rating
from motcua.notifications.models import OutboxMessage
from motcua.testing.browser import new_person
from motcua.testing.browser import officer_signs_in as signs_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-Ngay-2026!"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def demo(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = live_server.url
    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.PAYMENT_SIMULATOR_HASH_SECRET = "real-day-secret"
    settings.PAYMENT_IPN_BASE_URL = live_server.url
    # An earlier transactional test leaves the tables flushed, the message templates that the
    # notifications migrations seed included: this day needs them (the SMS with the rating link).
    reseed_migration_data("notifications")
    call_command("load_demo", "--demo", verbosity=0)
    return live_server.url


def sms_code(phone: str) -> str:
    """The 6-digit code of the latest message the phone received (the console provider's log)."""
    import json

    from motcua.notifications.providers import outbox_log_path

    delivered = [json.loads(line) for line in outbox_log_path().read_text(encoding="utf-8").splitlines()]
    return re.search(r"\b(\d{6})\b", [d for d in delivered if d["to"] == phone][-1]["body"]).group(1)


def officer_signs_in(browser, base, username):
    """From the home page to the back office, then the work queue from the menu."""
    page = signs_in_from_home(browser, base, username)
    page.click("#nav-work-queue")
    page.wait_for_url(f"{base}/mot-cua/ho-so/**")
    return page


def act(page, action, fields=None):
    """Take one action through its form on the officer's dossier page; return the page's message."""
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fields or {}).items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def open_from_queue(page, tab, code):
    page.click(f"a[data-scope={tab}]")
    page.locator("#queue").get_by_role("link", name=code).click()
    page.wait_for_url(f"**/mot-cua/ho-so/{code}/")


def test_a_day_at_a_commune_centre(browser, demo):
    base = demo
    citizen = new_person(browser)

    # --- 1. the citizen signs up from the home page and applies online ----------------------------
    citizen.goto(f"{base}/")
    citizen.click("#nav-sign-in")
    citizen.get_by_role("link", name="Đăng ký").click()
    citizen.fill("#id_full_name", "Lò Thị Ngày")
    citizen.fill("#id_citizen_id", "014195012377")
    citizen.fill("#id_birth_date", "1995-03-08")
    citizen.fill("#id_phone", "0912777001")
    citizen.fill("#id_email", "ngay.lo@example.vn")
    citizen.fill("#id_address", "Bản Thử, xã Suối Bạc")
    citizen.fill("#id_password1", PASSWORD)
    citizen.fill("#id_password2", PASSWORD)
    citizen.locator("form button[type=submit]").last.click()
    citizen.wait_for_load_state()
    # The phone gets the notices of online dossiers once verified: the code the SMS brought.
    citizen.click("#verify-contacts")
    citizen.fill("#id_phone_code", sms_code("0912777001"))
    citizen.click("#verify-phone")
    citizen.wait_for_url(f"{base}/tai-khoan/")

    citizen.goto(f"{base}/")
    citizen.fill("#id_q", "xac nhan tinh trang hon nhan")  # no diacritics typed
    citizen.locator("form.search-form button[type=submit]").click()
    citizen.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân").first.click()
    citizen.click("#apply-online")
    choice = citizen.locator("select[name=competent_agency]")
    assert "Ủy ban nhân dân phường Bến Đò" in choice.inner_text()  # every commune may handle it
    # the commune of the address in the profile is pre-selected; the citizen keeps it
    assert choice.locator("option:checked").inner_text() == "Ủy ban nhân dân xã Suối Bạc"
    file_inputs = citizen.locator("input[type=file][name^=file_]")
    uploads = [("to-khai.pdf", "application/pdf", PDF), ("cccd.png", "image/png", PNG)]
    for index in range(file_inputs.count()):
        name, mime, data = uploads[index % 2]
        file_inputs.nth(index).set_input_files({"name": name, "mimeType": mime, "buffer": data})
    uploaded = file_inputs.count()
    citizen.click("button[value=submit]")
    citizen.wait_for_url(f"{base}/ca-nhan/ho-so/*/")
    code = citizen.inner_text("#dossier-code")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.NEW and dossier.competent_agency.name == "Ủy ban nhân dân xã Suối Bạc"

    # --- 2. the commune's counter officer finds it, opens each file, accepts and hands on -----------
    counter = officer_signs_in(browser, base, "motcua.suoibac")
    assert int(counter.locator("#nav-online-intake .count").inner_text()) >= 1
    citizen.screenshot(path="/tmp/real-day-1-citizen-applied.png", full_page=True)
    counter.click("#nav-online-intake")
    counter.screenshot(path="/tmp/real-day-2-online-intake.png", full_page=True)
    counter.locator("#queue").get_by_role("link", name=code).click()
    counter.wait_for_url(f"**/mot-cua/ho-so/{code}/")
    links = counter.locator("a.file-link[data-document]")
    assert links.count() == uploaded
    for index in range(links.count()):
        answer = counter.request.get(base + links.nth(index).get_attribute("href"))
        assert answer.status == 200 and answer.body() in (PDF, PNG)
    assert "Đã thực hiện" in act(counter, "accept_online")
    assert "Đã thực hiện" in act(counter, "hand_over")
    counter.screenshot(path="/tmp/real-day-3-accepted.png", full_page=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.current_officer is None

    # --- 3. the citizen sees the fee and pays through the simulator from their dossier page ---------
    citizen.goto(f"{base}/")
    citizen.click("#nav-my-dossiers")
    citizen.get_by_role("link", name=code).click()
    owed = citizen.locator("#fee-owed").inner_text()
    assert owed == "7.500 đ"  # 15.000 đ less the 50% online discount
    citizen.click("#pay-online")
    citizen.wait_for_url("**/thanh-toan/gia-lap/**")
    citizen.locator("button[value=pay]").click()
    citizen.wait_for_url("**/thanh-toan/ket-qua/**")
    citizen.click("#back-to-my-dossier")
    assert citizen.locator("#fee-owed").inner_text() == "0 đ"

    # --- 4. specialist takes it from the unit's unassigned dossiers; leader approves; counter returns
    specialist = officer_signs_in(browser, base, "chuyenvien.suoibac")
    specialist.click("#nav-unassigned")
    specialist.locator("#queue").get_by_role("link", name=code).click()
    assert "Đã thực hiện" in act(specialist, "take")
    assert "Lò Thị Ngày" in specialist.locator("#timeline, .timeline").first.inner_text()
    assert "Đã thực hiện" in act(specialist, "hand_over")

    leader = officer_signs_in(browser, base, "lanhdao.suoibac")
    open_from_queue(leader, "unassigned", code)
    assert "Đã thực hiện" in act(leader, "take")
    assert "Đã thực hiện" in act(leader, "resolve", {"result_description": "Giấy xác nhận tình trạng hôn nhân"})

    counter.reload()
    counter.click("#nav-results-to-return")
    counter.screenshot(path="/tmp/real-day-4-results-to-return.png", full_page=True)
    counter.locator("#queue").get_by_role("link", name=code).click()
    assert "Đã thực hiện" in act(counter, "return_result")
    assert "Đã kết thúc" in counter.locator("#now-at").inner_text()
    counter.screenshot(path="/tmp/real-day-5-returned.png", full_page=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    # --- 5. one SMS with the rating link; the citizen rates -----------------------------------------
    returned = OutboxMessage.objects.filter(recipient__in=["0912777001", "+84912777001"],
                                            body__contains=code).order_by("pk")
    sms = [m for m in returned if "danh-gia" in m.body or "đánh giá" in m.body.lower()]
    assert len(sms) == 1, [m.body for m in returned]
    link = re.search(r"https?://\S+", sms[0].body).group(0)
    assert link.startswith(base)
    citizen.goto(link)
    citizen.screenshot(path="/tmp/real-day-6-rating.png", full_page=True)
    citizen.locator("input[type=radio]").first.check()
    citizen.locator("form button[type=submit]").last.click()
    citizen.wait_for_load_state()
    assert Rating.objects.filter(dossier=dossier).count() == 1


def _resolved_at_the_counter(procedure_code, counter_username):
    """Setup, not the subject: a dossier received at the counter today and taken by the engine's own
    commands through its steps to a result (status 9), as the agency's people would."""
    from django.contrib.auth import get_user_model

    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers import services
    from motcua.demo.dossiers import _documents, synthetic_person

    import random

    users = get_user_model().objects
    counter, admin = users.get(username=counter_username), users.get(username="admin")
    version = ProcedureVersion.objects.get(status=ProcedureVersion.Status.PUBLISHED,
                                           procedure__code__startswith=procedure_code)
    case = version.cases.order_by("order", "pk").first()
    dossier = services.receive_at_counter(counter, procedure_version=version, case=case,
                                          applicant=synthetic_person(random.Random(7), 1),
                                          documents=_documents(version, case))
    for _ in range(version.steps.count() + 1):
        dossier.refresh_from_db()
        try:
            services.hand_over(admin, dossier)
        except services.DossierActionError:
            break
    dossier.refresh_from_db()
    services.resolve(admin, dossier, result_description="Giấy phép xây dựng")
    dossier.refresh_from_db()
    return dossier


def test_a_result_is_not_returned_while_its_fee_is_owed(browser, demo):
    base = demo
    dossier = _resolved_at_the_counter("9.000701", "motcua.xaydung")  # fee payable at return
    assert dossier.status == Status.RESOLVED and dossier.fee_due > dossier.fee_paid == 0
    owed = dossier.fee_due

    counter = officer_signs_in(browser, base, "motcua.xaydung")
    counter.click("#nav-results-to-return")
    counter.locator("#queue").get_by_role("link", name=dossier.code).click()
    message = act(counter, "return_result")
    owed_text = f"{owed:,}".replace(",", ".")
    assert "Không có thay đổi nào" in message and owed_text in message, message
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED

    # The way to collect it is on the dossier page; the cash is recorded at the counter.
    counter.click("#collect-fee")
    assert counter.locator("#owed").inner_text() == f"{owed_text} đ"
    counter.fill("#id_amount", str(owed))
    counter.select_option("#id_method", index=0)
    counter.fill("#id_receipt_number", "BL-0001")
    counter.get_by_role("button", name="Ghi nhận", exact=True).click()
    counter.wait_for_load_state()
    assert counter.locator("#owed").inner_text() == "0 đ"
    counter.click("#back-to-dossier")
    assert "Đã thực hiện" in act(counter, "return_result")
    counter.screenshot(path="/tmp/real-day-7-returned-after-fee.png", full_page=True)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_paid) == (Status.RETURNED, owed)
