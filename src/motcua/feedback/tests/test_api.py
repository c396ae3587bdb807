import pytest

from motcua.feedback import ratings, services

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def test_summaries_are_scoped_to_the_officers_agencies(client, returned, world, province_admin):
    ratings.rate(returned(), level="dissatisfied", at=at(2026, 3, 3, 11))
    feedback = services.submit_from_portal(subject_kind="rule", content="Góp ý", is_anonymous=True,
                                           client_ip="192.0.2.1", at=MONDAY)
    services.route(province_admin, feedback, agency=world["land"])
    period = {"from": "2026-03-01", "to": "2026-03-31"}

    assert client.get("/api/v1/ratings/summary/", period).status_code in (401, 403)
    client.force_login(world["leader"])
    assert client.get("/api/v1/ratings/summary/", period).json() == {
        "count": 1, "very_satisfied": 0, "satisfied": 0, "dissatisfied": 1, "satisfaction_rate": 0.0}
    assert client.get("/api/v1/feedback/summary/", period).json()["total"] == 1
    client.force_login(world["justice_leader"])
    assert client.get("/api/v1/ratings/summary/", period).json()["count"] == 0
    # Asking for another agency gives nothing more.
    assert client.get("/api/v1/feedback/summary/", {**period, "agency": world["land"].code}).json()["total"] == 0
    client.force_login(province_admin)
    assert client.get("/api/v1/feedback/summary/", {**period, "agency": world["land"].code}).json()["total"] == 1
    bad = client.get("/api/v1/feedback/summary/", {"from": "2026-03-31", "to": "2026-03-01"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_messages_follow_the_request_language(client, world):
    empty = {"subject_kind": "rule", "content": " ", "is_anonymous": True}
    vi = client.post("/api/v1/feedback/", empty, content_type="application/json")
    assert vi.json()["detail"] == "Hãy viết nội dung phản ánh, kiến nghị."
    en = client.post("/api/v1/feedback/?lang=en", empty, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 400 and en.json()["detail"] == "Write the content of the feedback."
    page = client.get("/phan-anh/gui/?lang=en").content.decode()
    assert "Send feedback or a recommendation" in page
    assert "Gửi phản ánh, kiến nghị" in client.get("/phan-anh/gui/?lang=vi").content.decode()


def test_api_officer_actions(client, world, province_admin):
    created = client.post("/api/v1/feedback/", {"subject_kind": "rule", "content": "Đề nghị thêm chỗ để xe",
                                                "is_anonymous": True}, content_type="application/json",
                          REMOTE_ADDR="192.0.2.2")
    assert created.status_code == 201
    code = created.json()["code"]
    client.force_login(province_admin)
    routed = client.post(f"/api/v1/feedback/{code}/actions/route/", {"agency": world["land"].code},
                         content_type="application/json")
    assert routed.status_code == 200 and routed.json()["state"] == "in_progress"
    client.force_login(world["leader"])
    # Anonymous: nobody can be asked for more information.
    asked = client.post(f"/api/v1/feedback/{code}/actions/request_info/", {"request": "Địa điểm?"},
                        content_type="application/json")
    assert asked.status_code == 409
    answered = client.post(f"/api/v1/feedback/{code}/actions/answer/", {"text": "Đã bố trí"},
                           content_type="application/json")
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    again = client.post(f"/api/v1/feedback/{code}/actions/answer/", {"text": "Lần hai"}, content_type="application/json")
    assert again.status_code == 409
    assert client.post(f"/api/v1/feedback/{code}/actions/explode/", {}, content_type="application/json").status_code == 404
