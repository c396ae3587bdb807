"""Reads scoped to the officer's agencies, and the API with its status codes."""
import datetime

import pytest
from rest_framework.test import APIClient

from motcua.dossiers import selectors
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Status

from motcua.testing.world import APPLICANT, MONDAY, at, client_for, documents_for


@pytest.fixture
def two_agencies(receive, world):
    land = receive()
    justice = s.receive_at_counter(
        world["justice_counter"], procedure_version=world["birth"], applicant=APPLICANT,
        documents=[{"required_document": world["birth"].documents.get().pk, "originals": 1}], received_at=MONDAY,
    )
    return land, justice


def test_officers_see_only_their_agencies(two_agencies, world):
    land, justice = two_agencies
    assert list(selectors.dossiers_visible_to(world["specialist"])) == [land]
    assert list(selectors.dossiers_visible_to(world["justice_counter"])) == [justice]
    assert selectors.visible_dossier(world["justice_counter"], land.code) is None
    assert selectors.dossiers_visible_to(None).count() == 0
    # handed to the tax department: the tax specialist now sees it
    assert selectors.dossiers_visible_to(world["tax_specialist"]).count() == 0
    s.hand_over(world["counter"], land, to_agency=world["tax"], to_unit="Phòng Kê khai", at=at(2026, 3, 2, 9))
    assert list(selectors.dossiers_visible_to(world["tax_specialist"])) == [land]


def test_work_queue_filters_and_counts(receive, world):
    now = at(2026, 3, 16, 9)  # Monday
    overdue = receive()  # due Monday 16 March 08:00: overdue at 09:00
    today = receive(when=at(2026, 3, 2, 10))  # due 16 March 10:00: due today
    this_week = receive(when=at(2026, 3, 4, 10))  # due Wednesday 18 March
    waiting = receive(when=at(2026, 3, 5, 10))
    s.request_supplement(world["counter"], waiting, items=["x"], reason="y", at=at(2026, 3, 6, 8))
    later = receive(when=at(2026, 3, 13, 10))
    done = receive()
    s.resolve(world["leader"], done, at=at(2026, 3, 3, 9))
    for d in (overdue, today, this_week):
        s.assign(world["leader"], d, officer=world["specialist"], at=at(2026, 3, 6, 9))

    mine = selectors.work_queue(world["specialist"], scope="mine", now=now)
    assert list(mine) == [overdue, today, this_week]
    unit = selectors.work_queue(world["specialist"], scope="unit", now=now)
    assert [d.pk for d in unit] == [overdue.pk, today.pk, this_week.pk, waiting.pk, later.pk]
    q = lambda **f: [d.pk for d in selectors.work_queue(world["specialist"], scope="unit", now=now, **f)]  # noqa
    assert q(overdue=True) == [overdue.pk]
    assert q(due_today=True) == [overdue.pk, today.pk]
    # the paused dossier keeps its due moment (19 March) until the supplement comes
    assert q(due_this_week=True) == [overdue.pk, today.pk, this_week.pk, waiting.pk]
    assert q(waiting_supplement=True) == [waiting.pk]
    assert q(procedure=world["version"].procedure) == [overdue.pk, today.pk, this_week.pk, waiting.pk, later.pk]
    assert q(field=world["birth"].field) == []
    counts = selectors.work_queue_counts(world["specialist"], scope="unit", now=now)
    assert counts == {"all": 5, "due_today": 2, "due_this_week": 4, "overdue": 1, "waiting_supplement": 1,
                      "due_soon": 1, "waiting_payment": 0}  # due within 2 working days: only `today`
    assert selectors.work_queue_counts(world["justice_counter"], scope="unit", now=now)["all"] == 0


def test_tracking_book_and_public_tracking(two_agencies, world):
    land, justice = two_agencies
    book = selectors.tracking_book([world["land"].pk], datetime.date(2026, 3, 2), datetime.date(2026, 3, 2))
    assert list(book) == [land]
    assert selectors.tracking_book([world["land"].pk], datetime.date(2026, 3, 3), datetime.date(2026, 3, 9)).count() == 0
    public = selectors.public_tracking(land.code)
    assert public["applicant"] == "T*** T*** M" and public["steps"] == [] and not public["verified"]
    assert "038190012345" not in str(public) and "0912345678" not in str(public)
    assert selectors.public_tracking(land.code, secret="+84 912 345 678")["steps"][0]["name"] == "Tiếp nhận hồ sơ"
    assert selectors.public_tracking(land.code, secret="038190012345")["verified"]
    assert not selectors.public_tracking(land.code, secret="0999999999")["verified"]
    assert selectors.public_tracking("000.00.20.H99-000000-0000") is None


# --- API --------------------------------------------------------------------------------------


def test_api_counter_receipt_and_validation(world):
    client = client_for(world["counter"])
    body = {
        "procedure": world["version"].procedure.code, "service_point": "trung-tam",
        "applicant": {**APPLICANT, "birth_date": "1990-05-17"},
        "documents": documents_for(world),
    }
    response = client.post("/api/v1/dossiers/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["code"].startswith("000.00.20.H99-") and response.json()["status"] == 2
    assert "hand_over" in response.json()["allowed_actions"]
    bad = client.post("/api/v1/dossiers/", {**body, "documents": documents_for(world, skip={0})}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    bad = client.post("/api/v1/dossiers/", {**body, "procedure": "9.999999"}, format="json")
    assert bad.status_code == 400
    bad = client.post("/api/v1/dossiers/", {**body, "applicant": {**APPLICANT, "id_number": "123", "birth_date": None}},
                      format="json")
    assert bad.status_code == 400
    assert client_for(world["justice_counter"]).post("/api/v1/dossiers/", body, format="json").status_code == 403
    assert APIClient().post("/api/v1/dossiers/", body, format="json").status_code in (401, 403)
    assert Dossier.objects.count() == 1


def test_api_actions_scoping_and_errors(receive, world):
    d = receive(when=at(2026, 3, 2, 9))
    counter, specialist = client_for(world["counter"]), client_for(world["specialist"])
    url = f"/api/v1/dossiers/{d.code}/actions/"
    r = counter.post(url + "hand_over/", {"expected_version": 1, "to_officer": "specialist"}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["current_step_name"], r.json()["version"]) == (4, "Thẩm định hồ sơ", 2)
    # a stale form: 409 with a clear message
    r = specialist.post(url + "request_supplement/", {"expected_version": 1, "items": ["Bản đồ"], "reason": "Thiếu"},
                        format="json")
    assert r.status_code == 409 and r.json()["code"] == "stale"
    r = specialist.post(url + "request_supplement/", {"expected_version": 2, "items": ["Bản đồ"], "reason": "Thiếu"},
                        format="json")
    assert r.status_code == 200 and r.json()["status"] == 5
    r = specialist.post(url + "request_supplement/", {"version": 3, "items": ["x"], "reason": "y"}, format="json")
    assert r.status_code == 409
    assert counter.post(url + "return_result/", {"version": 3}, format="json").status_code == 409
    assert counter.post(url + "resolve/", {"version": 3}, format="json").status_code == 403  # counter may not resolve
    assert counter.post(url + "fly_away/", {}, format="json").status_code == 404
    assert counter.post(url + "receive_supplement/", {"version": 3, "documents": [{"name": "Bản đồ", "copies": 1}]},
                        format="json").status_code == 200
    # another agency's officer: the dossier does not exist for them
    other = client_for(world["justice_counter"])
    assert other.get(f"/api/v1/dossiers/{d.code}/").status_code == 404
    assert other.post(url + "hand_over/", {}, format="json").status_code == 404
    assert other.get("/api/v1/dossiers/").json()["count"] == 0
    detail = specialist.get(f"/api/v1/dossiers/{d.code}/").json()
    assert [e["kind"] for e in detail["events"]] == [
        "receive_at_counter", "hand_over", "request_supplement", "receive_supplement"]
    assert len(detail["steps"]) == 2 and detail["supplement_count"] == 1
    assert specialist.get("/api/v1/dossiers/?status=4").json()["count"] == 1
    r = client_for(world["leader"]).post(url + "assign/", {"version": 4, "officer": "nobody"}, format="json")
    assert r.status_code == 400


def test_api_public_tracking(receive):
    d = receive()
    client = APIClient()
    r = client.get(f"/api/v1/tracking/{d.code}/")
    assert r.status_code == 200
    data = r.json()
    assert (data["applicant"], data["status"], data["steps"]) == ("T*** T*** M", 2, [])
    assert "applicant_phone" not in data and "0912345678" not in r.content.decode()
    r = client.get(f"/api/v1/tracking/{d.code}/", {"secret": "0912345678"})
    assert r.json()["verified"] and r.json()["steps"][0]["order"] == 1
    assert client.get("/api/v1/tracking/NO-SUCH-CODE/").status_code == 404


def test_api_in_english_on_request(receive, world):
    d = receive()
    r = client_for(world["counter"]).post(f"/api/v1/dossiers/{d.code}/actions/return_result/?lang=en", {"version": d.version},
                                          format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409 and "not allowed" in r.json()["detail"]
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED


def test_api_errors_in_vietnamese_by_default(receive, world):
    d = receive()
    r = client_for(world["counter"]).post(f"/api/v1/dossiers/{d.code}/actions/return_result/", {"version": d.version}, format="json")
    assert r.status_code == 409
    assert r.json()["detail"].startswith("Không được thực hiện thao tác này với hồ sơ")
    assert "Đã tiếp nhận" in r.json()["detail"]
