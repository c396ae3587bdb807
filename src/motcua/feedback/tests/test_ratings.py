import datetime
from functools import partial

import pytest
import time_machine
from django.urls import reverse

from motcua.dossiers import services as dossier_services
from motcua.feedback import links, ratings, selectors
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Rating
from motcua.notifications.models import OutboxMessage
from motcua.testing import world as testing_world

from .conftest import APPLICANT, MONDAY, at, pay_in_full

pytestmark = pytest.mark.django_db


refused = partial(testing_world.refused, error=FeedbackError)


def test_rating_is_refused_before_the_result_is_returned(receive, world, counter):
    dossier = receive()
    refused("not_returned", ratings.rate, dossier, level="satisfied")
    dossier = dossier_services.resolve(world["leader"], dossier, at=at(2026, 3, 3, 9))
    assert dossier.status == 9
    refused("not_returned", ratings.rate, dossier, level="very_satisfied")
    assert Rating.objects.count() == 0
    pay_in_full(world, dossier, at(2026, 3, 3, 10))
    dossier_services.return_result(world["counter"], dossier, at=at(2026, 3, 3, 10))
    rating = ratings.rate(dossier, level="satisfied", at=at(2026, 3, 3, 11))
    assert (rating.level, rating.officer, rating.counter, rating.agency) == (
        "satisfied", world["counter"], counter, world["land"])


def test_rating_link_page_refuses_a_dossier_not_returned(client, receive):
    dossier = receive()
    response = client.post(links.rating_path(dossier.code), {"level": "satisfied"})
    assert response.status_code == 400
    assert "chỉ được đánh giá sau khi đã trả kết quả" in response.content.decode()
    assert Rating.objects.count() == 0


def test_wrong_or_expired_token_is_refused(client, returned):
    dossier = returned()
    bad = links.token_for(dossier.code)[:-2] + "xx"
    response = client.get(reverse("feedback:rate_link", args=[bad]))
    assert response.status_code == 404
    assert "không hợp lệ hoặc đã hết hạn" in response.content.decode()
    assert client.post(reverse("feedback:rate_link", args=[bad]), {"level": "satisfied"}).status_code == 404

    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31), tick=False):
        old = links.token_for(dossier.code)
    assert links.code_from_token(old) is None
    assert client.post(reverse("feedback:rate_link", args=[old]), {"level": "satisfied"}).status_code == 404
    api = client.post("/api/v1/ratings/", {"token": old, "level": "satisfied"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "bad_token"
    assert Rating.objects.count() == 0

    fresh = links.token_for(dossier.code)
    response = client.post(reverse("feedback:rate_link", args=[fresh]),
                           {"level": "very_satisfied", "reasons": ["on_time", "courteous"], "comment": "<b>Tốt</b>"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.reasons, rating.comment) == (
        "very_satisfied", "link", ["on_time", "courteous"], "Tốt")


def test_change_of_mind_replaces_within_the_window_and_is_refused_after(returned, settings):
    dossier = returned()
    first = ratings.rate(dossier, level="dissatisfied", reasons=["long_wait"], at=at(2026, 3, 3, 11))
    second = ratings.rate(dossier, level="satisfied", comment="Đã hiểu lại", at=at(2026, 3, 6, 10))  # 71 h later
    assert second.pk == first.pk and Rating.objects.count() == 1
    second.refresh_from_db()
    assert (second.level, second.comment, second.updated_at) == ("satisfied", "Đã hiểu lại", at(2026, 3, 6, 10))
    assert second.created_at == at(2026, 3, 3, 11)
    assert [h["level"] for h in second.history] == ["dissatisfied"]

    error = refused("window_closed", ratings.rate, dossier, level="very_satisfied", at=at(2026, 3, 6, 12))  # 73 h
    assert "72" in error.messages[0]
    second.refresh_from_db()
    assert second.level == "satisfied"

    settings.RATING_CHANGE_WINDOW_HOURS = 100
    assert ratings.rate(dossier, level="very_satisfied", at=at(2026, 3, 6, 12)).level == "very_satisfied"


def test_bad_level_or_reason_is_refused(returned):
    dossier = returned()
    refused("invalid", ratings.rate, dossier, level="ecstatic")
    refused("invalid", ratings.rate, dossier, level="satisfied", reasons=["bribe"])
    assert Rating.objects.count() == 0


def test_rating_summary_figures(returned, world, receive):
    d1, d2, d3 = returned(), returned(MONDAY.replace(day=9)), returned(MONDAY.replace(day=16))
    justice = dossier_services.receive_at_counter(
        world["justice_counter"], procedure_version=world["birth"], applicant=APPLICANT,
        documents=[{"required_document": world["birth"].documents.get().pk, "originals": 1}],
        service_point=world["centre"], received_at=MONDAY)
    justice = dossier_services.resolve(world["justice_leader"], justice, at=at(2026, 3, 2, 14))
    justice = dossier_services.return_result(world["justice_counter"], justice, at=at(2026, 3, 2, 15))
    ratings.rate(d1, level="very_satisfied", at=at(2026, 3, 3, 11))
    ratings.rate(d2, level="satisfied", at=at(2026, 3, 10, 11))
    ratings.rate(d3, level="dissatisfied", at=at(2026, 3, 17, 11))
    ratings.rate(justice, level="very_satisfied", at=at(2026, 3, 2, 16))

    march = selectors.rating_summary(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert march == {"count": 4, "very_satisfied": 2, "satisfied": 1, "dissatisfied": 1, "satisfaction_rate": 75.0}
    land = selectors.rating_summary(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), [world["land"].pk])
    assert land == {"count": 3, "very_satisfied": 1, "satisfied": 1, "dissatisfied": 1, "satisfaction_rate": 66.67}
    first_half = selectors.rating_summary(datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))
    assert (first_half["count"], first_half["satisfaction_rate"]) == (3, 100.0)
    assert selectors.rating_summary(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))["satisfaction_rate"] == 0.0

    by_officer = selectors.rating_breakdown(Rating.objects.all(), "officer")
    assert {(row["label"], row["count"], row["rate"]) for row in by_officer} == {
        ("counter", 3, 66.67), ("justice_counter", 1, 100.0)}


def test_kiosk_offers_the_dossier_just_returned_at_the_counter(client, returned, world, counter, time_machine):
    """The officer seated at the counter may open the tablet page in their own session; a
    registered device is the other way in (tests/security/test_tablet_and_tracking.py)."""
    older = returned()
    latest = returned(MONDAY.replace(day=9))  # returned Tuesday 10 March 10:00
    time_machine.move_to(at(2026, 3, 10, 10, 10), tick=False)
    url = reverse("feedback:kiosk", args=[counter.pk])
    assert client.get(url).status_code == 403  # nobody signed in, no registered device
    client.force_login(world["counter"])
    page = client.get(url).content.decode()
    assert latest.code in page and older.code not in page

    response = client.post(url, {"code": latest.code, "level": "very_satisfied", "reasons": ["courteous"]})
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    rating = Rating.objects.get(dossier=latest)
    assert (rating.channel, rating.counter, rating.officer, rating.reasons) == (
        "kiosk", counter, world["counter"], ["courteous"])
    # Rated: nothing is offered any more; an older dossier cannot be typed in.
    assert latest.code not in client.get(url).content.decode()
    assert older.code not in client.get(url, {"ma": older.code}).content.decode()
    assert client.post(url, {"code": older.code, "level": "satisfied"}).status_code == 400
    assert Rating.objects.count() == 1


def test_kiosk_of_another_counter_is_refused(client, returned, world, counter):
    from motcua.organization.models import Counter, ServicePoint

    other_point = ServicePoint.objects.create(code="xa-a", name="Bộ phận Một cửa xã A", kind="commune")
    other = Counter.objects.create(service_point=other_point, number=1, name="Tư pháp")
    dossier = returned()
    client.force_login(world["counter"])  # seated at `counter`, not at `other`
    response = client.post(reverse("feedback:kiosk", args=[other.pk]), {"code": dossier.code, "level": "satisfied"})
    assert response.status_code == 403
    assert Rating.objects.count() == 0
    assert client.get(reverse("feedback:kiosk", args=[9999])).status_code == 404


def test_portal_rating_needs_the_applicants_phone(client, returned):
    dossier = returned()
    url = reverse("feedback:rate_portal")
    response = client.post(url, {"code": dossier.code, "secret": "0900000000", "level": "satisfied"})
    assert response.status_code == 400 and Rating.objects.count() == 0
    response = client.post(url, {"code": dossier.code, "secret": APPLICANT["phone"], "level": "satisfied"})
    assert response.status_code == 302
    assert Rating.objects.get().channel == "portal"


def test_returning_the_result_sends_one_message_with_the_signed_rating_link(
        returned, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://dichvucong.example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = returned()
    after_return = OutboxMessage.objects.filter(dossier_code=dossier.code, event_kind__in=["returned", "rating_invitation"])
    # One SMS and one e-mail, of the "returned" kind: no second rating message follows.
    assert sorted(after_return.values_list("event_kind", "channel")) == [("returned", "email"), ("returned", "sms")]
    sms = after_return.get(channel="sms")
    assert sms.recipient == APPLICANT["phone"]
    assert "Đánh giá mức độ hài lòng tại: https://dichvucong.example.gov.vn/danh-gia/" in sms.body
    assert "/tra-cuu/" not in sms.body  # the promised rating link, not the tracking page
    token = sms.body.split("/danh-gia/")[1].split("/")[0]
    assert links.code_from_token(token) == dossier.code
    email = after_return.get(channel="email")
    assert f"https://dichvucong.example.gov.vn/danh-gia/{token}/" in email.body


def test_api_rating_with_token(client, returned):
    dossier = returned()
    token = links.token_for(dossier.code)
    created = client.post("/api/v1/ratings/", {"token": token, "level": "dissatisfied", "reasons": ["late"]},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["level"] == "dissatisfied"
    replaced = client.post("/api/v1/ratings/", {"token": token, "level": "satisfied"}, content_type="application/json")
    assert replaced.status_code == 200 and Rating.objects.get().level == "satisfied"
    bad = client.post("/api/v1/ratings/", {"token": token, "level": "meh"}, content_type="application/json")
    assert bad.status_code == 400


def test_officers_see_ratings_of_their_agencies_only(client, returned, world):
    dossier = returned()
    ratings.rate(dossier, level="very_satisfied", comment="Cán bộ nhiệt tình")
    url = reverse("feedback_officer:ratings")
    client.force_login(world["leader"])
    page = client.get(url).content.decode()
    assert dossier.code in page and "Cán bộ nhiệt tình" in page
    client.force_login(world["justice_leader"])
    page = client.get(url).content.decode()
    assert dossier.code not in page and "Cán bộ nhiệt tình" not in page
    assert client.get("/api/v1/ratings/").json()["count"] == 0
    client.force_login(world["leader"])
    assert client.get("/api/v1/ratings/").json()["count"] == 1
