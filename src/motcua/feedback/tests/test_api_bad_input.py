"""Regressions found by the API fuzzer (tests/test_api_fuzz.py): bad bodies are a 400, never a 500,
and the ratings list answers what its schema says."""
import pytest

from motcua.feedback import ratings, services
from motcua.feedback.models import Feedback, State

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(world, province_admin):
    feedback = services.submit_from_portal(subject_kind="rule", content="Đề nghị thêm ghế chờ", is_anonymous=True,
                                           client_ip="192.0.2.3")
    return services.route(province_admin, feedback, agency=world["land"])


@pytest.mark.parametrize("body", ['"refuse"', "[1, 2]", "42", "null"])
def test_an_action_body_that_is_not_an_object_is_a_400(client, world, routed, body):
    client.force_login(world["leader"])
    response = client.post(f"/api/v1/feedback/{routed.code}/actions/refuse/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Hãy gửi các trường của thao tác dưới dạng một đối tượng.", "code": "invalid"}
    assert Feedback.objects.get(pk=routed.pk).state == routed.state  # nothing changed


def test_an_action_field_that_is_not_text_is_a_400_in_the_asked_language(client, world, routed):
    client.force_login(world["leader"])
    response = client.post(f"/api/v1/feedback/{routed.code}/actions/refuse/?lang=en", {"reason": {"a": 1}},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "The field reason must be text."
    refused = client.post(f"/api/v1/feedback/{routed.code}/actions/refuse/", {"reason": "Không thuộc thẩm quyền"},
                          content_type="application/json")
    assert refused.status_code == 200 and refused.json()["state"] == State.REFUSED


def test_the_ratings_list_is_a_page_and_the_schema_says_so(client, world, returned):
    ratings.rate(returned(), level="satisfied", at=at(2026, 3, 3, 11))
    client.force_login(world["leader"])
    page = client.get("/api/v1/ratings/").json()
    assert page["count"] == 1 and page["next"] is None and page["results"][0]["level"] == "satisfied"
    schema = client.get("/api/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/ratings/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page_schema = schema["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
    assert set(page_schema["properties"]) == {"count", "next", "previous", "results"}
    assert page_schema["properties"]["results"]["type"] == "array"
