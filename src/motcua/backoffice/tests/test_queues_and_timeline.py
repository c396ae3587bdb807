"""Issue 10, points 1, 8 and 9: online submissions reach the receiving counter officers' intake
tab; a hand-over to a unit without an officer lands in the unit's "unassigned" tab, from which a
specialist takes it; a returned dossier does not claim to be at the approval step; the timeline
names every event and person in the reader's language."""
import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from motcua.accounts.models import CitizenAccount
from motcua.dossiers.transitions import EVENT_LABELS
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import deadlines, services
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.transitions import TRANSITIONS

from .test_dossier_pages import page_of, receive

TZ = datetime.timezone(datetime.timedelta(hours=7))
# A fixed Tuesday in a week without holidays: the tests do not depend on today's date.
MONDAY = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=TZ)


@pytest.fixture
def online_world(world):
    ProcedureVersion.objects.filter(pk=world.version.pk).update(accepts_online=True, online_time_limit=2)
    deadlines.clear_cache()
    world.version.refresh_from_db()
    return world


@pytest.fixture
def citizen(db):
    user = get_user_model().objects.create_user(username="citizen-39ab0f", password="x")
    CitizenAccount.objects.create(user=user, full_name="Hoàng Thị Nộp", phone="0912000111")
    return user


def submit(world, citizen, at, name="Hoàng Thị Nộp", citizen_id="038190012345"):
    docs = [{"required_document": d.pk, "originals": max(d.originals, 1)} for d in world.version.documents.all()]
    return services.submit_online(
        citizen, procedure_version=world.version, submitted_at=at, documents=docs,
        applicant={"kind": "person", "name": name, "id_number": citizen_id, "phone": "0912000111"},
    )


def tab_count(html: str, scope: str) -> int | None:
    match = re.search(rf'data-scope="{scope}"[^>]*>[^<]*\(<span class="count">(\d+)</span>\)', html)
    return int(match.group(1)) if match else None


# --- 1. online submissions reach the receiving counter officers -------------------------------


def test_online_dossiers_are_in_the_counter_officers_intake_tab_oldest_first(client, online_world, citizen):
    world = online_world
    newer = submit(world, citizen, MONDAY + datetime.timedelta(days=1), citizen_id="038190012346")
    older = submit(world, citizen, MONDAY)
    client.force_login(world.counter_officer)
    # The landing page after sign-in (the work queue) shows the count in the nav and on the tab.
    landing = client.get("/mot-cua/ho-so/").content.decode()
    assert 'id="nav-online-intake"' in landing and "Hồ sơ trực tuyến chờ tiếp nhận" in landing
    assert tab_count(landing, "online") == 2
    assert older.code not in landing  # not in "Mine"
    html = client.get("/mot-cua/ho-so/", {"scope": "online"}).content.decode()
    assert html.index(older.code) < html.index(newer.code)  # oldest first
    assert "2 ngày làm việc (thời hạn giải quyết hồ sơ trực tuyến)" in html
    assert "08:00 02/03/2026" in html
    # Accept from the dossier page reached from the tab; it leaves the tab.
    page = client.get(f"/mot-cua/ho-so/{older.code}/").content.decode()
    assert 'data-action="accept_online"' in page and 'data-action="refuse_intake"' in page
    assert "Chờ tiếp nhận: nộp trực tuyến, chưa được tiếp nhận" in page
    client.post(f"/mot-cua/ho-so/{older.code}/thao-tac/accept_online/", {"version": older.version})
    older.refresh_from_db()
    assert older.status == Status.RECEIVED
    # Refuse the other one with a reason.
    client.post(f"/mot-cua/ho-so/{newer.code}/thao-tac/refuse_intake/",
                {"version": newer.version, "refuse_intake-reason": "Giấy chứng sinh không đọc được"})
    newer.refresh_from_db()
    assert newer.status == Status.NOT_RECEIVED
    html = client.get("/mot-cua/ho-so/", {"scope": "online"}).content.decode()
    assert tab_count(html, "online") == 0 and "Không có hồ sơ trực tuyến nào chờ tiếp nhận." in html
    assert 'id="nav-online-intake"' not in html


def test_only_counter_officers_of_the_receiving_agency_see_online_dossiers(client, online_world, citizen):
    world = online_world
    dossier = submit(world, citizen, MONDAY)
    client.force_login(world.outsider)  # counter officer of another agency
    html = client.get("/mot-cua/ho-so/", {"scope": "online"}).content.decode()
    assert dossier.code not in html and tab_count(html, "online") == 0
    assert 'id="nav-online-intake"' not in html
    client.force_login(world.specialist)  # same agency, but does not receive
    html = client.get("/mot-cua/ho-so/", {"scope": "online"}).content.decode()
    assert dossier.code not in html and tab_count(html, "online") is None  # no such tab


def test_the_receiving_counter_officers_are_told_of_a_new_online_dossier(online_world, citizen,
                                                                          django_capture_on_commit_callbacks):
    from motcua.notifications.models import OutboxMessage

    world = online_world
    for user, email, phone in ((world.counter_officer, "quay@example.invalid", "0912000222"),
                               (world.outsider, "khac@example.invalid", "0912000333"),
                               (world.specialist, "tham@example.invalid", "0912000444")):
        user.email = email
        user.save(update_fields=["email"])
        user.staff_profile.phone = phone
        user.staff_profile.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(world, citizen, MONDAY)
    messages = OutboxMessage.objects.filter(dossier_code=dossier.code, event_kind="online_submitted")
    assert sorted(messages.values_list("channel", "recipient")) == [
        ("email", "quay@example.invalid"), ("sms", "0912000222")]
    sms = messages.get(channel="sms").body
    assert dossier.code in sms and "đang chờ Sở Tư pháp tiếp nhận" in sms and f"/mot-cua/ho-so/{dossier.code}/" in sms


def test_the_online_tab_says_how_long_each_dossier_has_waited(client, online_world, citizen):
    submit(online_world, citizen, MONDAY)
    client.force_login(online_world.counter_officer)
    with time_machine.travel(MONDAY + datetime.timedelta(days=3, hours=2), tick=False):
        html = client.get("/mot-cua/ho-so/", {"scope": "online"}).content.decode()
    assert "đã chờ 3 ngày" in html


def test_the_online_tab_in_english(client, online_world, citizen):
    submit(online_world, citizen, MONDAY)
    client.force_login(online_world.counter_officer)
    html = client.get("/mot-cua/ho-so/", {"scope": "online", "lang": "en"}).content.decode()
    assert "Online dossiers waiting for intake" in html and "2 working days (online limit)" in html
    assert "Hoàng Thị Nộp" in html


# --- 8. work lost between people ----------------------------------------------------------------


def test_a_hand_over_to_the_unit_lands_in_the_unassigned_tab_and_can_be_taken(client, world):
    handed = receive(world, citizen_id="038090054320")
    services.hand_over(world.counter_officer, handed)  # to the next step, no officer named
    named = receive(world, citizen_id="038090054321")
    services.hand_over(world.counter_officer, named, to_officer=world.specialist)
    at_counter = receive(world, citizen_id="038090054322")  # still at the counter step
    client.force_login(world.specialist)
    html = client.get("/mot-cua/ho-so/", {"scope": "unassigned"}).content.decode()
    assert handed.code in html and named.code not in html and at_counter.code not in html
    assert tab_count(html, "unassigned") == 1 and 'id="nav-unassigned"' in html
    assert "Chưa giao trong đơn vị" in html
    mine = client.get("/mot-cua/ho-so/", {"scope": "mine"}).content.decode()
    assert handed.code not in mine
    page = client.get(f"/mot-cua/ho-so/{handed.code}/").content.decode()
    assert "chưa có cán bộ nhận xử lý" in page and 'data-action="take"' in page
    handed.refresh_from_db()
    client.post(f"/mot-cua/ho-so/{handed.code}/thao-tac/take/", {"version": handed.version})
    handed.refresh_from_db()
    assert handed.current_officer == world.specialist
    assert handed.steps.get(finished_at__isnull=True).assignee == world.specialist
    assert handed.code in client.get("/mot-cua/ho-so/", {"scope": "mine"}).content.decode()
    html = client.get("/mot-cua/ho-so/", {"scope": "unassigned"}).content.decode()
    assert handed.code not in html and tab_count(html, "unassigned") == 0
    # Taken: nobody else is offered to take it, and a stale second take changes nothing.
    client.force_login(world.leader)
    assert 'data-action="take"' not in client.get(f"/mot-cua/ho-so/{handed.code}/").content.decode()
    with pytest.raises(services.DossierActionError):
        services.take(world.leader, handed)
    # The counter officer and another agency's officer have no unassigned tab / see nothing.
    client.force_login(world.counter_officer)
    assert tab_count(client.get("/mot-cua/ho-so/").content.decode(), "unassigned") is None
    client.force_login(world.outsider)
    assert handed.code not in client.get("/mot-cua/ho-so/", {"scope": "unassigned"}).content.decode()


def test_a_leader_sees_the_unassigned_tab_too(client, world):
    handed = receive(world)
    services.hand_over(world.counter_officer, handed)
    client.force_login(world.leader)
    html = client.get("/mot-cua/ho-so/", {"scope": "unassigned"}).content.decode()
    assert handed.code in html and tab_count(html, "unassigned") == 1


def test_a_returned_dossier_says_it_is_finished_not_at_the_approval_step(client, world):
    dossier = receive(world)
    services.hand_over(world.counter_officer, dossier, to_officer=world.specialist)
    services.hand_over(world.specialist, dossier, to_officer=world.leader)
    dossier.refresh_from_db()
    assert dossier.current_step_name == "Phê duyệt"
    services.resolve(world.leader, dossier)
    dossier.refresh_from_db()
    resolved = page_of(client, world.counter_officer, dossier).content.decode()
    assert "Đã có kết quả, chờ trả cho người nộp" in resolved
    services.return_result(world.counter_officer, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    html = page_of(client, world.counter_officer, dossier).content.decode()
    now_at = re.search(r'<dd id="now-at">(.*?)</dd>', html, re.S).group(1)
    assert now_at == "Đã kết thúc: đã trả kết quả"
    assert "Phê duyệt" not in now_at and "Lê Minh Duyệt" not in now_at


# --- 9. labels and names --------------------------------------------------------------------------


def test_every_event_kind_has_a_label_in_both_languages():
    kinds = set(TRANSITIONS) | {"overdue", "step_overdue"}
    assert kinds <= set(EVENT_LABELS)
    for kind in kinds:
        with translation.override("en"):
            english = str(EVENT_LABELS[kind])
        with translation.override("vi"):
            vietnamese = str(EVENT_LABELS[kind])
        assert english != kind and "_" not in english, kind
        assert vietnamese != english, kind  # translated


def test_the_timeline_shows_labels_and_people_by_name_and_role(client, online_world, citizen):
    world = online_world
    dossier = submit(world, citizen, MONDAY)
    services.accept_online(world.counter_officer, dossier, at=MONDAY + datetime.timedelta(hours=1))
    services.hand_over(world.counter_officer, dossier, to_officer=world.specialist,
                       at=MONDAY + datetime.timedelta(hours=2))
    services.request_supplement(world.specialist, dossier, items=["Giấy chứng sinh"], reason="Bản mờ",
                                at=MONDAY + datetime.timedelta(hours=3))
    services.submit_supplement(citizen, dossier, note="Bản rõ", at=MONDAY + datetime.timedelta(hours=4),
                               documents=[{"name": "Giấy chứng sinh", "digitization": 1, "file": "a.pdf"}])
    dossier.refresh_from_db()
    DossierEvent.objects.create(dossier=dossier, kind="overdue", actor=None, at=timezone.now(),
                                from_status=dossier.status, to_status=dossier.status, payload={})
    html = page_of(client, world.specialist, dossier).content.decode()
    timeline = html[html.index('id="timeline"'):]
    assert "submit_supplement" not in re.sub(r'data-kind="[a-z_]+"', "", timeline)
    assert "citizen-39ab0f" not in html
    assert "Người nộp gửi bổ sung trực tuyến" in timeline
    assert "Hoàng Thị Nộp (Người nộp hồ sơ)" in timeline
    assert "Nguyễn Thị Quầy (Cán bộ một cửa)" in timeline
    assert "Trần Văn Thẩm (Chuyên viên thụ lý)" in timeline
    assert "Hệ thống" in timeline  # the overdue sweep
    # The hand-over note names the officer it went to.
    assert "Thẩm định hồ sơ · Phòng Hộ tịch · Trần Văn Thẩm" in timeline
    english = client.get(f"/mot-cua/ho-so/{dossier.code}/", {"lang": "en"}).content.decode()
    assert "Supplement sent online by the applicant" in english and "Hoàng Thị Nộp (Applicant)" in english
    assert "Nguyễn Thị Quầy (Counter officer)" in english and "System" in english


def test_the_history_heading_is_the_apps_not_django_admins(client, world, citizen):
    dossier = receive(world)
    html = page_of(client, world.specialist, dossier).content.decode()
    assert "<h2>Quá trình xử lý</h2>" in html and "Bản ghi nhớ" not in html
    english = client.get(f"/mot-cua/ho-so/{dossier.code}/", {"lang": "en"}).content.decode()
    assert "<h2>History</h2>" in english


def test_the_citizens_history_heading_is_the_apps_too(client, online_world, citizen):
    dossier = submit(online_world, citizen, MONDAY)
    client.force_login(citizen)
    html = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "<h2>Quá trình xử lý</h2>" in html and "Bản ghi nhớ" not in html


def test_take_through_the_api_too(client, world):
    handed = receive(world)
    services.hand_over(world.counter_officer, handed)
    handed.refresh_from_db()
    client.force_login(world.counter_officer)  # receives, does not examine: not allowed
    response = client.post(f"/api/v1/dossiers/{handed.code}/actions/take/", {"expected_version": handed.version},
                           content_type="application/json")
    assert response.status_code == 403
    client.force_login(world.specialist)
    response = client.post(f"/api/v1/dossiers/{handed.code}/actions/take/", {"expected_version": handed.version},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    handed.refresh_from_db()
    assert handed.current_officer == world.specialist
    again = client.post(f"/api/v1/dossiers/{handed.code}/actions/take/", {"expected_version": handed.version},
                        content_type="application/json")
    assert again.status_code in (400, 409) and handed.version == Dossier.objects.get(pk=handed.pk).version


def test_an_administrator_without_a_staff_profile_appears_by_name_not_username(client, world):
    admin = get_user_model().objects.create_superuser(username="root-7f3a", password="x", first_name="Quản Trị",
                                                      last_name="Nguyễn")
    dossier = receive(world)
    services.hand_over(admin, dossier, to_officer=world.specialist)
    html = page_of(client, world.specialist, dossier).content.decode()
    assert "root-7f3a" not in html
    assert "Nguyễn Quản Trị (Quản trị viên)" in html  # timeline
    steps = html[html.index('id="steps"'):html.index('id="timeline"')]
    assert "Nguyễn Quản Trị" in steps  # "handed over by" on the process control sheet


# --- results waiting to be handed back ------------------------------------------------------------


def test_resolved_dossiers_wait_in_the_receiving_counter_officers_return_tab(client, world):
    dossier = receive(world)
    services.resolve(world.leader, dossier)  # the leader decides; the counter hands the result back
    client.force_login(world.counter_officer)
    html = client.get("/mot-cua/ho-so/?scope=return").content.decode()
    assert tab_count(html, "return") == 1 and dossier.code in html
    assert 'id="nav-results-to-return"' in html
    client.force_login(world.specialist)  # not the specialist's act: no such tab
    html = client.get("/mot-cua/ho-so/?scope=return").content.decode()
    assert tab_count(html, "return") is None and 'id="nav-results-to-return"' not in html
    client.force_login(world.outsider)
    assert dossier.code not in client.get("/mot-cua/ho-so/?scope=return").content.decode()

    dossier.refresh_from_db()
    services.return_result(world.counter_officer, dossier)
    client.force_login(world.counter_officer)
    html = client.get("/mot-cua/ho-so/?scope=return").content.decode()
    assert tab_count(html, "return") == 0 and dossier.code not in html


def test_the_menu_count_stops_at_its_cap_while_the_queue_tab_counts_them_all(client, world, monkeypatch):
    """The menu's counts are on every officer page, so they are counted only up to a cap (shown as
    "N+"); the queue's own tab still says how many there are."""
    from motcua.backoffice.templatetags import backoffice as tags

    monkeypatch.setattr(tags, "BADGE_CAP", 3)
    for _ in range(4):
        services.resolve(world.leader, receive(world))
    client.force_login(world.counter_officer)
    html = client.get("/mot-cua/ho-so/?scope=return").content.decode()
    assert tab_count(html, "return") == 4
    menu = html[html.index('id="nav-results-to-return"'):]
    assert re.search(r'<span class="count">2\+</span>', menu[:300]), menu[:300]
    services.return_result(world.counter_officer, Dossier.objects.filter(status=Status.RESOLVED).first())
    services.return_result(world.counter_officer, Dossier.objects.filter(status=Status.RESOLVED).first())
    html = client.get("/mot-cua/").content.decode()
    menu = html[html.index('id="nav-results-to-return"'):]
    assert '<span class="count">2</span>' in menu[:300]
