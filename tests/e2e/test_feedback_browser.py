"""Issue #5 in a real browser: (1) a citizen rates a returned dossier on the counter tablet;
(2) a citizen files feedback on the portal, an officer answers and publishes it, and the answer
appears on the public list without the sender's personal data."""
import pytest
from django.core import signing

from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_CODE, build_world
from motcua.dossiers import services as dossier_services
from motcua.feedback import devices
from motcua.feedback.models import Feedback, Rating, State
from motcua.organization.models import Counter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = {
    "kind": "person", "name": "Đỗ Thị Đánh Giá", "id_number": "038195012346", "phone": "0912000222",
    "address": "7 Lê Lợi, phường Hạc Thành",
}
SENDER_NAME = "Hoàng Văn Góp Ý"
SENDER_PHONE = "0912333444"


def returned_dossier(world):
    documents = [{"required_document": d.pk, "originals": 1} for d in world.version.documents.filter(is_required=True)]
    dossier = dossier_services.receive_at_counter(
        world.counter_officer, procedure_version=world.version, applicant=APPLICANT, documents=documents,
        service_point=world.service_point,
    )
    dossier = dossier_services.resolve(world.leader, dossier, result_description="Giấy khai sinh")
    return dossier_services.return_result(world.counter_officer, dossier)


def test_rate_a_returned_dossier_on_the_counter_tablet(page, live_server):
    world = build_world()
    dossier = returned_dossier(world)
    counter = Counter.objects.get(number=1)

    # The tablet was registered to the counter by its officer: it holds the device's signed cookie.
    page.goto(f"{live_server.url}/danh-gia/quay/{counter.pk}/")
    assert page.locator("#kiosk-unregistered").is_visible()
    device, token = devices.register(world.counter_officer, counter)
    value = signing.get_cookie_signer(salt=devices.COOKIE + devices._SALT).sign(f"{device.pk}:{token}")
    page.context.add_cookies([{"name": devices.COOKIE, "value": value, "url": live_server.url}])
    page.goto(f"{live_server.url}/danh-gia/quay/{counter.pk}/")
    offered = page.inner_text("#kiosk-dossier")
    assert dossier.code in offered and "N.T.Q." in offered  # the initials of the officer who served
    assert "Nguyễn Thị Quầy" not in offered and "Đánh Giá" not in offered  # no full names on a public screen
    page.get_by_label("Hướng dẫn rõ ràng").check()
    page.click("button[value=very_satisfied]")
    assert page.inner_text("#kiosk-thanks") == "Cảm ơn Ông/Bà đã đánh giá!"

    rating = Rating.objects.get(dossier=dossier)
    assert (rating.level, rating.channel, rating.counter_id, rating.officer) == (
        "very_satisfied", "kiosk", counter.pk, world.counter_officer)
    assert rating.reasons == ["clear_guidance"]
    # Rated: the next citizen is not offered the same dossier.
    page.goto(f"{live_server.url}/danh-gia/quay/{counter.pk}/")
    assert page.locator("#kiosk-empty").is_visible()


def test_file_feedback_answer_and_publish(page, browser, live_server):
    world = build_world()
    base = live_server.url

    # 1. A citizen, without an account, files feedback about a procedure.
    page.goto(f"{base}/phan-anh/gui/")
    page.select_option("#id_subject_kind", "procedure")
    page.fill("#id_procedure_code", PROCEDURE_CODE)
    page.fill("#id_title", "Thời gian chờ đăng ký khai sinh")
    page.fill("#id_content", f"Tôi là {SENDER_NAME}, số điện thoại {SENDER_PHONE}. Đề nghị rút ngắn thời gian chờ.")
    page.fill("#id_sender_name", SENDER_NAME)
    page.fill("#id_sender_phone", SENDER_PHONE)
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#feedback-code")
    code = page.inner_text("#feedback-code").strip()
    assert page.inner_text("#feedback-state") == "Đã tiếp nhận"
    feedback = Feedback.objects.get(code=code)
    assert (feedback.channel, feedback.agency) == ("portal", world.agency)

    # 2. The leader of the responsible agency signs in, answers and publishes.
    officer = browser.new_context(locale="vi-VN").new_page()
    officer.set_default_timeout(15000)
    officer.goto(f"{base}/mot-cua/dang-nhap/")
    officer.fill("#id_username", world.leader.username)
    officer.fill("#id_password", PASSWORD)
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in
    officer.goto(f"{base}/mot-cua/phan-anh/")
    officer.click(f"text={code}")
    officer.fill("[name='answer-text']", "Sở Tư pháp đã bố trí thêm một quầy đăng ký khai sinh từ tháng 4.")
    officer.click("form[data-action=answer] button[type=submit]")
    officer.wait_for_selector(".messages")
    assert "Đã ghi nhận trả lời" in officer.inner_text(".messages")
    assert officer.inner_text("#feedback-state").startswith("Đã trả lời")
    # The public version is prefilled with personal data masked; publish it as proposed.
    assert SENDER_NAME not in officer.input_value("[name='publish-question']")
    officer.click("form[data-action=publish] button[type=submit]")
    officer.wait_for_selector(".messages")
    assert "Đã công khai" in officer.inner_text(".messages")
    assert Feedback.objects.get(code=code).state == State.PUBLISHED

    # 3. The answer is on the public list, without the sender's name or phone.
    page.goto(f"{base}/phan-anh/")
    page.click("text=Thời gian chờ đăng ký khai sinh")
    answer = page.inner_text("#public-answer")
    question = page.inner_text("#public-question")
    assert "bố trí thêm một quầy" in answer
    assert "rút ngắn thời gian chờ" in question
    body = page.content()
    assert SENDER_NAME not in body and SENDER_PHONE not in body
    # The sender follows it by code and rates the answer.
    page.goto(f"{base}/phan-anh/tra-cuu/?ma={code}")
    page.check("input[name='rating-level'][value=satisfied]")
    page.click("#answer-rating-form button[type=submit]")
    page.wait_for_selector("#answer-rating")
    assert Feedback.objects.get(code=code).answer_rating == "satisfied"
