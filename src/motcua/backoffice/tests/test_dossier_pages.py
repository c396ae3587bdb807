"""Dossier page, work queue, tracking book and public tracking: scoping, actions per role,
stale forms."""
import pytest
from django.utils import timezone, translation

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, Status

from .scenario import PROCEDURE_NAME


def receive(world, name="Đỗ Văn Mẫu", citizen_id="038090054321", phone="0987654321"):
    docs = [{"required_document": d.pk, "originals": max(d.originals, 1)} for d in world.version.documents.all()]
    return services.receive_at_counter(
        world.counter_officer,
        procedure_version=world.version,
        applicant={"kind": "person", "name": name, "id_number": citizen_id, "phone": phone},
        documents=docs,
        service_point=world.service_point,
    )


def actions_on_page(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-action="([a-z_]+)"', html))


@pytest.fixture
def dossier(world):
    return receive(world)


def page_of(client, user, dossier):
    client.force_login(user)
    return client.get(f"/mot-cua/ho-so/{dossier.code}/")


def test_an_officer_of_another_agency_gets_404(client, world, dossier):
    assert page_of(client, world.outsider, dossier).status_code == 404
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/refuse_intake/",
        {"version": dossier.version, "refuse_intake-reason": "Không thuộc thẩm quyền"},
    )
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_the_page_shows_summary_steps_and_timeline(client, world, dossier):
    html = page_of(client, world.specialist, dossier).content.decode()
    assert dossier.code in html and PROCEDURE_NAME in html and "Đỗ Văn Mẫu" in html
    assert "Tiếp nhận hồ sơ" in html  # the first step of the process control sheet
    assert "Tiếp nhận tại quầy" in html  # the receipt event on the timeline
    assert f"/mot-cua/ho-so/{dossier.code}/in/01/" in html and f"/mot-cua/ho-so/{dossier.code}/in/05/" in html


def test_action_buttons_follow_the_role(client, world, dossier):
    counter = actions_on_page(page_of(client, world.counter_officer, dossier).content.decode())
    specialist = actions_on_page(page_of(client, world.specialist, dossier).content.decode())
    leader = actions_on_page(page_of(client, world.leader, dossier).content.decode())
    assert {"refuse_intake", "hand_over", "request_supplement"} <= counter
    assert "resolve" not in counter and "return_result" not in counter and "stop" not in counter
    assert {"request_supplement", "hand_over"} <= specialist and "refuse_intake" not in specialist
    assert "resolve" not in specialist
    assert {"resolve", "stop", "assign"} <= leader and "request_supplement" not in leader
    # After the result is issued only the counter officer can return it.
    services.resolve(world.leader, dossier)
    dossier.refresh_from_db()
    assert "return_result" in actions_on_page(page_of(client, world.counter_officer, dossier).content.decode())
    assert actions_on_page(page_of(client, world.specialist, dossier).content.decode()) <= {"apologise"}


def test_an_action_posts_to_the_engine(client, world, dossier):
    client.force_login(world.specialist)
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/request_supplement/",
        {"version": dossier.version, "request_supplement-items": "Bản sao giấy đăng ký kết hôn\nGiấy chứng sinh bản chính",
         "request_supplement-reason": "Thiếu giấy tờ chứng minh quan hệ cha mẹ con"},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT and dossier.supplement_count == 1
    event = DossierEvent.objects.get(dossier=dossier, kind="request_supplement")
    assert event.actor == world.specialist
    assert event.payload["items"] == ["Bản sao giấy đăng ký kết hôn", "Giấy chứng sinh bản chính"]
    assert "Đã thực hiện" in response.content.decode()


def test_a_stale_form_changes_nothing_and_says_why(client, world, dossier):
    rendered_version = dossier.version
    services.hand_over(world.counter_officer, dossier)  # someone acts first
    dossier.refresh_from_db()
    before = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count())
    client.force_login(world.specialist)
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/request_supplement/",
        {"version": rendered_version, "request_supplement-items": "Giấy chứng sinh",
         "request_supplement-reason": "Thiếu"},
        follow=True,
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count()) == before
    html = response.content.decode()
    assert "Không có thay đổi nào" in html and dossier.code in html


def test_an_action_the_role_may_not_take_changes_nothing(client, world, dossier):
    client.force_login(world.specialist)
    client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/resolve/",
                {"version": dossier.version, "resolve-result_kind": "paper"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_work_queue_mine_and_unit_with_counts(client, world):
    first, second, third = (receive(world, citizen_id=f"03809005432{i}") for i in range(3))
    services.hand_over(world.counter_officer, first, to_officer=world.specialist)
    services.hand_over(world.counter_officer, second, to_officer=world.specialist)
    services.request_supplement(world.specialist, second, items=["Giấy chứng sinh"], reason="Bản mờ")
    client.force_login(world.specialist)
    mine = client.get("/mot-cua/ho-so/", {"scope": "mine"}).content.decode()
    assert first.code in mine and second.code in mine and third.code not in mine
    assert 'data-filter="all">Tất cả (<span class="count">2</span>)' in mine
    assert 'data-filter="waiting_supplement">Chờ bổ sung (<span class="count">1</span>)' in mine
    waiting = client.get("/mot-cua/ho-so/", {"scope": "mine", "due": "waiting_supplement"}).content.decode()
    assert second.code in waiting and first.code not in waiting
    unit = client.get("/mot-cua/ho-so/", {"scope": "unit"}).content.decode()
    assert all(d.code in unit for d in (first, second, third))
    by_field = client.get("/mot-cua/ho-so/", {"scope": "unit", "field": "khong-co"}).content.decode()
    assert first.code not in by_field
    client.force_login(world.outsider)
    assert first.code not in client.get("/mot-cua/ho-so/", {"scope": "unit"}).content.decode()


def test_tracking_book_lists_the_period_and_links_form_06(client, world, dossier):
    client.force_login(world.counter_officer)
    today = timezone.localdate().isoformat()
    html = client.get("/mot-cua/so-theo-doi-html/", {"date_from": today, "date_to": today}).content.decode()
    assert dossier.code in html and "Có 1 hồ sơ trong kỳ." in html
    assert f"/mot-cua/so-theo-doi/?from={today}&amp;to={today}" in html
    bad = client.get("/mot-cua/so-theo-doi-html/", {"date_from": today, "date_to": "2000-01-01"})
    assert bad.status_code == 400 and "Ngày kết thúc trước ngày bắt đầu." in bad.content.decode()
    client.force_login(world.outsider)
    assert dossier.code not in client.get("/mot-cua/so-theo-doi-html/", {"date_from": today, "date_to": today}).content.decode()


def test_public_tracking_masks_the_name_and_shows_the_path_to_the_applicant(client, world, dossier):
    services.hand_over(world.counter_officer, dossier)
    page = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert "Đ*** V*** M" in page and "Mẫu" not in page and "0987654321" not in page
    dossier.refresh_from_db()
    with translation.override("vi"):
        assert str(Status(dossier.status).label) in page
    assert "Thẩm định hồ sơ" not in page  # the path needs the phone or citizen ID
    with_phone = client.get("/tra-cuu/", {"ma": dossier.code, "xac_minh": "0987654321"}).content.decode()
    assert "Tiếp nhận hồ sơ" in with_phone and "Thẩm định hồ sơ" in with_phone and "Phòng Hộ tịch" in with_phone
    wrong = client.get("/tra-cuu/", {"ma": dossier.code, "xac_minh": "0900000000"}).content.decode()
    assert "không khớp" in wrong and "Thẩm định hồ sơ" not in wrong
    unknown = client.get("/tra-cuu/", {"ma": "000.00.01.H99-990101-0001"})
    assert unknown.status_code == 404 and "Không tìm thấy hồ sơ" in unknown.content.decode()
