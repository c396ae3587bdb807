"""The journey of issue #3, in a real browser: the counter officer receives a dossier and prints
the receipt; the specialist asks for a supplement; the supplement comes; the specialist and the
leader move it on; the result is returned; the public tracking page shows the whole path."""
import io
import re
import unicodedata

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_NAME, build_world
from motcua.dossiers.models import Dossier, DossierStep, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "Vũ Thị Hành Trình"
CITIZEN_ID = "038195012345"
PHONE = "0912000111"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def sign_in(page, base, username):
    page.goto(f"{base}/mot-cua/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in


def act(page, action, fields=None):
    """Fill and submit the small form of one action on the dossier page; return the message shown."""
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fields or {}).items():
        target = form.locator(f"[name='{action}-{name}']")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def officer_page(browser, base, username):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, username)
    return page


def test_dossier_journey(page, browser, live_server):
    world = build_world()
    base = live_server.url

    # 1. The counter officer receives the dossier through the intake form.
    sign_in(page, base, world.counter_officer.username)
    page.click("text=Tiếp nhận hồ sơ")
    page.fill("#id_q", "khai sinh")
    page.click("form[role=search] button")
    page.click(f"text={PROCEDURE_NAME}")
    page.get_by_label("Tờ khai đăng ký khai sinh").check()
    page.get_by_label("Giấy chứng sinh").check()
    page.fill("#id_applicant_citizen_id", CITIZEN_ID)
    page.fill("#id_applicant_name", APPLICANT)
    page.fill("#id_applicant_phone", PHONE)
    page.fill("#id_applicant_address", "5 Trần Phú, phường Hạc Thành")
    page.click("#receive-button")
    page.wait_for_selector("#dossier-code")
    code = page.inner_text("#dossier-code").strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RECEIVED and dossier.applicant_name == APPLICANT

    # 2. The receipt (form 01) is a PDF holding the code, applicant, procedure and due date.
    receipt_url = page.get_attribute("#print-receipt", "href")
    assert page.inner_text("#print-receipt") == "In giấy tiếp nhận"
    response = page.request.get(base + receipt_url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = normalised("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages))
    due_date = f"{timezone.localtime(dossier.due_at):%d/%m/%Y}"
    for expected in (code, APPLICANT, PROCEDURE_NAME, due_date):
        assert expected in text, f"{expected!r} not in the receipt"

    # The counter officer hands the dossier to the specialist step.
    page.click("text=Mở hồ sơ")
    message = act(page, "hand_over", {"to_step": "2", "to_officer": str(world.specialist.pk)})
    assert "Đã thực hiện" in message

    # 3. The specialist finds it in their queue and asks for a supplement.
    specialist = officer_page(browser, base, world.specialist.username)
    assert specialist.inner_text("[data-key=mine] .figure") == "1"  # the home page's card
    specialist.click("[data-key=mine] a")
    specialist.click(f"text={code}")
    message = act(specialist, "request_supplement", {
        "items": "Giấy chứng nhận kết hôn của cha mẹ (bản sao)", "reason": "Hồ sơ chưa có giấy tờ chứng minh quan hệ",
    })
    assert "Đã thực hiện" in message
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT

    # 4. The supplement comes to the counter.
    page.reload()
    assert "Đã thực hiện" in act(page, "receive_supplement", {"note": "Đã nhận bản sao giấy chứng nhận kết hôn"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    # 5. The specialist hands over to the leader, who approves and issues the result.
    specialist.reload()
    assert "Đã thực hiện" in act(specialist, "hand_over", {"to_step": "3", "to_officer": str(world.leader.pk)})
    leader = officer_page(browser, base, world.leader.username)
    leader.click("[data-key=to_approve] a")
    leader.click(f"text={code}")
    assert "Đã thực hiện" in act(leader, "resolve", {"result_description": "Giấy khai sinh bản chính"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED and dossier.outcome is not None

    # 6. The counter officer returns the result.
    page.reload()
    assert "Đã thực hiện" in act(page, "return_result")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_at is not None
    assert page.locator("form[data-action]").count() == 0  # nothing left to do

    # 7. The public tracking page: the code alone shows initials; with the phone, the name and the whole path.
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(f"{base}/tra-cuu/?ma={code}")
    result = public.inner_text("#tracking-result")
    assert "Trình" not in result and "V*** T*** H*** T" in result
    public.fill("#id_xac_minh", PHONE)
    public.click("form[role=search] button")
    result = public.inner_text("#tracking-result")
    assert APPLICANT in result
    rows = public.locator("#tracking-steps tbody tr").all_inner_texts()
    assert [r.split("\t")[1] for r in rows] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Phê duyệt"]
    assert len(rows) == DossierStep.objects.filter(dossier=dossier).count()
    assert not DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).exists()
    assert all(cells.split("\t")[5].strip() for cells in rows)  # every step has its end date
    with translation.override("vi"):
        assert public.inner_text("#tracking-status") == str(Status.RETURNED.label)
    for context in {p.context for p in (specialist, leader, public)}:
        context.close()
