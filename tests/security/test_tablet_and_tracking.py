"""Issue 17: the counter tablet (point 5) and public tracking (hardening).

The tablet: anyone could rate any dossier on `/danh-gia/quay/<counter>/` by typing a code, and a
fake first rating locked the real applicant out. Now the page works only on a device registered
to the counter (or in the session of an officer seated there), only for the dossier just served
there, shows no officer's full name, and the applicant's proven rating (signed link, portal form)
replaces a tablet rating.

Tracking: a guessed code showed the procedure (criminal record, death registration...) and the
given name; wrong phone/ID proofs were not throttled. Now the name is initials only until proven,
a sensitive procedure is hidden until proven, and wrong proofs are throttled per address and per
code (429), on the page, the API and the portal rating form.
"""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from motcua.dossiers import services as dossier_services
from motcua.feedback import links, ratings
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import CounterDevice, Rating
from motcua.feedback.tests.conftest import (  # noqa: F401  (fixtures)
    APPLICANT,
    MONDAY,
    _feedback_settings,
    at,
    counter,
    pay_in_full,
)
from motcua.organization.models import Counter, CounterAssignment, Role, RoleAssignment, StaffProfile

pytestmark = pytest.mark.django_db

OFFICER_NAME = "Nguyễn Thị Quầy"
SERVED = at(2026, 3, 3, 10)  # Tuesday: the moment the result is handed back at the counter


@pytest.fixture
def officer(world):
    """The land counter officer (seated at `counter`), with a full name on their staff profile."""
    StaffProfile.objects.create(user=world["counter"], full_name=OFFICER_NAME, home_agency=world["land"])
    return world["counter"]


@pytest.fixture
def hand_back(receive, world, officer, counter):
    """A land dossier received on Monday and returned at the counter at `when`."""

    def _hand_back(when=SERVED, **overrides):
        dossier = receive(MONDAY, **overrides)
        pay_in_full(world, dossier, MONDAY)
        dossier = dossier_services.resolve(world["leader"], dossier, result_description="Giấy chứng nhận",
                                           at=when - datetime.timedelta(hours=1))
        return dossier_services.return_result(officer, dossier, at=when)

    return _hand_back


@pytest.fixture
def tablet(client, officer, counter):
    """A browser registered as the counter's tablet by its officer, who then signs out."""
    client.force_login(officer)
    response = client.post(reverse("feedback:kiosk_devices", args=[counter.pk]), {"name": "Máy tính bảng quầy 3"})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:kiosk", args=[counter.pk])
    from motcua.feedback.devices import COOKIE

    device = Client()  # no session: only the device's cookie
    device.cookies[COOKIE] = client.cookies[COOKIE].value
    client.logout()
    return device


def kiosk_url(counter):
    return reverse("feedback:kiosk", args=[counter.pk])


# --- the counter tablet -------------------------------------------------------------------------------


def test_an_unregistered_device_is_refused(client, hand_back, counter, time_machine):
    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=5), tick=False)
    page = client.get(kiosk_url(counter))
    assert page.status_code == 403
    html = page.content.decode()
    assert "chưa được đăng ký" in html and dossier.code not in html
    response = client.post(kiosk_url(counter), {"code": dossier.code, "level": "dissatisfied"})
    assert response.status_code == 403
    assert Rating.objects.count() == 0


def test_a_registered_device_rates_only_the_dossier_just_served(tablet, hand_back, counter, officer,
                                                                  time_machine):
    earlier = hand_back(SERVED - datetime.timedelta(minutes=20))
    latest = hand_back(SERVED)
    time_machine.move_to(SERVED + datetime.timedelta(minutes=2), tick=False)
    html = tablet.get(kiosk_url(counter)).content.decode()
    assert latest.code in html and earlier.code not in html

    refused = tablet.post(kiosk_url(counter), {"code": earlier.code, "level": "dissatisfied"})
    assert refused.status_code == 400
    assert "Chỉ hồ sơ vừa được phục vụ tại quầy này" in refused.content.decode()
    assert Rating.objects.count() == 0

    accepted = tablet.post(kiosk_url(counter), {"code": latest.code, "level": "very_satisfied",
                                                "reasons": ["courteous"]})
    assert accepted.status_code == 200 and "Cảm ơn" in accepted.content.decode()
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.channel, rating.counter, rating.officer, rating.reasons) == (
        latest.pk, "kiosk", counter, officer, ["courteous"])
    # Rated: nothing is offered any more, and the same dossier cannot be rated again here.
    assert latest.code not in tablet.get(kiosk_url(counter)).content.decode()
    assert tablet.post(kiosk_url(counter), {"code": latest.code, "level": "dissatisfied"}).status_code == 400
    assert Rating.objects.get().level == "very_satisfied"
    assert CounterDevice.objects.get().last_used_at is not None


def test_the_next_person_served_closes_the_offer_and_it_expires(tablet, hand_back, receive, counter, time_machine):
    served = hand_back(SERVED)
    time_machine.move_to(SERVED + datetime.timedelta(minutes=31), tick=False)  # RATING_KIOSK_WINDOW_MINUTES = 30
    assert served.code not in tablet.get(kiosk_url(counter)).content.decode()
    assert tablet.post(kiosk_url(counter), {"code": served.code, "level": "satisfied"}).status_code == 400

    served = hand_back(SERVED + datetime.timedelta(hours=1))
    receive(SERVED + datetime.timedelta(hours=1, minutes=3))  # the next person is received at the counter
    time_machine.move_to(SERVED + datetime.timedelta(hours=1, minutes=5), tick=False)
    assert served.code not in tablet.get(kiosk_url(counter)).content.decode()
    assert tablet.post(kiosk_url(counter), {"code": served.code, "level": "satisfied"}).status_code == 400
    assert Rating.objects.count() == 0


def test_the_officer_seated_at_the_counter_may_use_the_page_in_their_session(client, hand_back, counter, officer,
                                                                              world, time_machine):
    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=1), tick=False)
    client.force_login(officer)
    assert dossier.code in client.get(kiosk_url(counter)).content.decode()
    client.force_login(world["justice_counter"])  # an officer of another counter
    assert client.get(kiosk_url(counter)).status_code == 403


def test_the_page_shows_no_officer_full_name(tablet, hand_back, counter, time_machine):
    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=1), tick=False)
    html = tablet.get(kiosk_url(counter)).content.decode()
    assert dossier.code in html
    assert OFFICER_NAME not in html and "Quầy" not in html.split('id="kiosk-dossier"')[1].split("</p>")[0]
    assert "N.T.Q." in html  # initials of the officer who served
    assert "Trần Thị Mẫu" not in html and "Mẫu" not in html and "T*** T*** M" in html
    # The signed link from the notice shows initials too.
    link = Client().get(links.rating_path(dossier.code)).content.decode()
    assert OFFICER_NAME not in link and "N.T.Q." in link


def test_who_registers_and_revokes_a_tablet(client, tablet, officer, counter, world, hand_back, time_machine):
    url = reverse("feedback:kiosk_devices", args=[counter.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/mot-cua/dang-nhap/")
    stranger = Client()
    stranger.force_login(world["justice_counter"])
    assert stranger.post(url, {"name": "Máy lạ"}).status_code == 403
    assert CounterDevice.objects.count() == 1

    manager = Client()
    manager_user = world["leader"].__class__.objects.create_user("quanly", password="x")
    RoleAssignment.objects.create(user=manager_user, role=Role.CENTRE_MANAGER, service_point=counter.service_point)
    manager.force_login(manager_user)
    assert manager.get(url).status_code == 200
    device = CounterDevice.objects.get()
    assert device.token_hash and device.registered_by == officer
    assert manager.post(url, {"action": "revoke", "device": device.pk}).status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_by == manager_user

    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=1), tick=False)
    assert tablet.get(kiosk_url(counter)).status_code == 403  # revoked at once
    assert tablet.post(kiosk_url(counter), {"code": dossier.code, "level": "satisfied"}).status_code == 403


def test_a_forged_or_foreign_cookie_is_refused(tablet, hand_back, counter, world, time_machine):
    from motcua.feedback import devices

    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=1), tick=False)
    device = CounterDevice.objects.get()
    forged = Client()
    forged.cookies[devices.COOKIE] = f"{device.pk}:guessed-token"  # unsigned
    page = forged.get(kiosk_url(counter))
    assert page.status_code == 403 and dossier.code not in page.content.decode()
    # The cookie of counter 3's tablet does not open another counter's page.
    other = Counter.objects.create(service_point=counter.service_point, number=4, name="Tư pháp")
    CounterAssignment.objects.create(user=world["justice_counter"], counter=other, agency=world["justice"])
    other.agencies.add(world["justice"])
    assert tablet.get(kiosk_url(other)).status_code == 403


def test_the_applicants_proven_rating_wins_over_a_tablet_rating(tablet, hand_back, counter, time_machine):
    dossier = hand_back()
    time_machine.move_to(SERVED + datetime.timedelta(minutes=1), tick=False)
    # Someone at the counter rates the dossier on the tablet...
    assert tablet.post(kiosk_url(counter), {"code": dossier.code, "level": "dissatisfied"}).status_code == 200
    # ... four days later (past the 72-hour change window) the applicant rates with the link.
    time_machine.move_to(SERVED + datetime.timedelta(days=4), tick=False)
    response = Client().post(links.rating_path(dossier.code), {"level": "very_satisfied"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.channel) == ("very_satisfied", "link")
    assert [(h["level"], h["channel"]) for h in rating.history] == [("dissatisfied", "kiosk")]
    # A tablet never replaces the applicant's own rating.
    with pytest.raises(FeedbackError) as error:
        ratings.rate(dossier, level="dissatisfied", channel="kiosk", at=SERVED + datetime.timedelta(days=4))
    assert error.value.code == "already_rated"
    assert Rating.objects.get().level == "very_satisfied"


# --- public tracking -------------------------------------------------------------------------------


@pytest.fixture
def tracked(receive, world):
    return receive()


def test_a_guessed_code_shows_initials_and_no_given_name(client, tracked):
    page = client.get("/tra-cuu/", {"ma": tracked.code})
    html = page.content.decode()
    assert page.status_code == 200 and "T*** T*** M" in html and "Mẫu" not in html
    api = client.get(f"/api/v1/tracking/{tracked.code}/").json()
    assert api["applicant"] == "T*** T*** M" and not api["verified"]
    proven = client.get(f"/api/v1/tracking/{tracked.code}/", {"secret": APPLICANT["phone"]}).json()
    assert proven["verified"] and proven["applicant"] == "Trần Thị Mẫu"
    html = client.get("/tra-cuu/", {"ma": tracked.code, "xac_minh": APPLICANT["id_number"]}).content.decode()
    assert "Trần Thị Mẫu" in html


def test_a_sensitive_procedure_is_hidden_until_the_applicant_is_proven(client, tracked, world):
    name = world["version"].name
    assert name in client.get("/tra-cuu/", {"ma": tracked.code}).content.decode()
    procedure = world["version"].procedure
    procedure.is_sensitive = True
    procedure.save(update_fields=["is_sensitive"])

    html = client.get("/tra-cuu/", {"ma": tracked.code}).content.decode()
    assert name not in html and "Đã ẩn" in html
    api = client.get(f"/api/v1/tracking/{tracked.code}/").json()
    assert (api["procedure"], api["procedure_hidden"]) == (None, True)
    assert name not in str(api)
    proven = client.get(f"/api/v1/tracking/{tracked.code}/", {"secret": APPLICANT["phone"]}).json()
    assert (proven["procedure"], proven["procedure_hidden"]) == (name, False)
    assert name in client.get("/tra-cuu/", {"ma": tracked.code, "xac_minh": APPLICANT["phone"]}).content.decode()


def test_wrong_proofs_are_throttled_per_code(client, tracked, time_machine):
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    for guess in range(5):
        wrong = client.get("/tra-cuu/", {"ma": tracked.code, "xac_minh": f"09000000{guess:02d}"},
                           REMOTE_ADDR=f"203.0.113.{guess}")
        assert wrong.status_code == 200 and "không khớp" in wrong.content.decode()
    # The sixth, from yet another address, is refused without being checked, even the right one.
    page = client.get("/tra-cuu/", {"ma": tracked.code, "xac_minh": APPLICANT["phone"]}, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 429 and page["Retry-After"] == "600"
    html = page.content.decode()
    assert "Đã nhập sai số điện thoại hoặc số định danh quá nhiều lần" in html and "10 phút" in html
    assert "Trần Thị Mẫu" not in html
    api = client.get(f"/api/v1/tracking/{tracked.code}/", {"secret": APPLICANT["phone"]})
    assert api.status_code == 429 and api.json()["code"] == "throttled" and "10 phút" in api.json()["detail"]
    assert client.get(f"/api/v1/tracking/{tracked.code}/", {"secret": APPLICANT["phone"]},
                      HTTP_ACCEPT_LANGUAGE="en", QUERY_STRING="lang=en").status_code == 429
    # Without a proof the public facts still show; ten minutes later the applicant gets in.
    assert client.get(f"/api/v1/tracking/{tracked.code}/").status_code == 200
    time_machine.move_to(at(2026, 3, 2, 9, 11), tick=False)
    assert client.get(f"/api/v1/tracking/{tracked.code}/", {"secret": APPLICANT["phone"]}).json()["verified"]


def test_wrong_proofs_are_throttled_per_client_address(client, receive, time_machine):
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    codes = [receive().code for _ in range(7)]
    for code in codes[:5]:
        assert client.get(f"/api/v1/tracking/{code}/", {"secret": "0900000000"}).json()["verified"] is False
    assert client.get("/api/v1/tracking/NO-SUCH-CODE/", {"secret": "0900000000"}).status_code == 429
    page = client.get("/tra-cuu/", {"ma": codes[5], "xac_minh": APPLICANT["phone"]})
    assert page.status_code == 429
    # Another address is not held back by this one.
    other = client.get(f"/api/v1/tracking/{codes[6]}/", {"secret": APPLICANT["phone"]}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200 and other.json()["verified"]


def test_the_portal_rating_form_is_throttled_too(client, hand_back, time_machine):
    dossier = hand_back()
    url = reverse("feedback:rate_portal")
    for guess in range(5):
        response = client.post(url, {"code": dossier.code, "secret": f"09000000{guess:02d}", "level": "dissatisfied"})
        assert response.status_code == 400
    response = client.post(url, {"code": dossier.code, "secret": APPLICANT["phone"], "level": "dissatisfied"})
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()
    assert Rating.objects.count() == 0


def test_the_demo_catalogue_marks_criminal_record_and_death_registration_sensitive():
    from motcua.demo.province import procedure_arguments
    from motcua.demo.procedures import PROCEDURES

    sensitive = {data["national_code"] for data in PROCEDURES if data["is_sensitive"]}
    assert {"9.000103", "9.000301", "9.000302"} <= sensitive  # khai tử, lý lịch tư pháp
    assert "9.000101" not in sensitive  # birth registration is not
    death = next(data for data in PROCEDURES if data["national_code"] == "9.000103")
    assert procedure_arguments(death)["is_sensitive"] is True


def test_the_officers_rating_page_links_to_their_counters_tablets(client, officer, counter, world):
    client.force_login(officer)
    html = client.get("/mot-cua/danh-gia/").content.decode()
    assert reverse("feedback:kiosk_devices", args=[counter.pk]) in html and "Máy tính bảng đánh giá" in html
    client.force_login(world["justice_counter"])  # seated at no counter
    assert reverse("feedback:kiosk_devices", args=[counter.pk]) not in client.get("/mot-cua/danh-gia/").content.decode()
