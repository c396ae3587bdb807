"""Issue 17, point 7: retried receipts made duplicate dossiers.

A client that retried a request already committed (a timeout, a 500 after the commit) got a second
dossier. Now every creating API call takes an `Idempotency-Key`: the same key with the same request
from the same caller replays the stored answer (status and body) and creates nothing, for 24 hours;
the same key with another request answers 422. On PostgreSQL, parallel duplicates make exactly one
dossier (the key's row is inserted in the dossier's transaction, unique on caller and key). The
counter intake page's form carries a one-time token with the same effect.
"""
import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.core.idempotency import purge_expired
from motcua.core.models import IdempotencyRecord
from motcua.core.testing import run_in_threads
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.testing.world import APPLICANT, at, documents_for

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def receipt_body(world, **extra) -> dict:
    return {"procedure": world["version"].procedure.code, "service_point": "trung-tam",
            "applicant": {**APPLICANT, "birth_date": "1990-05-17"}, "documents": documents_for(world), **extra}


@pytest.mark.django_db
def test_a_retried_receipt_replays_the_answer_and_makes_no_second_dossier(world):
    client, key = client_for(world["counter"]), str(uuid.uuid4())
    first = client.post("/api/v1/dossiers/", receipt_body(world), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/dossiers/", receipt_body(world), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1 and DossierEvent.objects.filter(kind="receive_at_counter").count() == 1
    # Without a key, or with a new one, a request is a new receipt.
    assert client.post("/api/v1/dossiers/", receipt_body(world), format="json",
                       HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 201
    assert client.post("/api/v1/dossiers/", receipt_body(world), format="json").status_code == 201
    assert Dossier.objects.count() == 3


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422_and_creates_nothing(world):
    client, key = client_for(world["counter"]), "retry-0001"
    assert client.post("/api/v1/dossiers/", receipt_body(world), format="json",
                       HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    other = client.post("/api/v1/dossiers/", receipt_body(world, note="khác"), format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["detail"]
    english = client.post("/api/v1/dossiers/?lang=en", receipt_body(world, note="x"), format="json",
                          HTTP_IDEMPOTENCY_KEY=key)
    assert english.status_code == 422 and "already used for a different request" in english.json()["detail"]
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_caller_a_refusal_is_not_kept_and_a_bad_key_is_400(world):
    key = "shared-key"
    body = receipt_body(world)
    # Another agency's officer is refused (403): nothing is kept under the key for them.
    assert client_for(world["justice_counter"]).post("/api/v1/dossiers/", body, format="json",
                                                     HTTP_IDEMPOTENCY_KEY=key).status_code == 403
    # A refused request (a required document missing) keeps nothing: corrected, the key works.
    counter = client_for(world["counter"])
    bad = counter.post("/api/v1/dossiers/", receipt_body(world, documents=documents_for(world, skip={0})),
                       format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert bad.status_code == 400
    assert counter.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert IdempotencyRecord.objects.count() == 1 and Dossier.objects.count() == 1
    for wrong in ("", "x" * 256, "với dấu"):
        response = counter.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY=wrong)
        assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_the_key_holds_24_hours(world):
    client, key = client_for(world["counter"]), "day-key"
    with time_machine.travel(NOW, tick=False):
        assert client.post("/api/v1/dossiers/", receipt_body(world), format="json",
                           HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert client.post("/api/v1/dossiers/", receipt_body(world), format="json",
                           HTTP_IDEMPOTENCY_KEY=key)["Idempotent-Replayed"] == "true"
        assert purge_expired() == 0
    assert Dossier.objects.count() == 1
    with time_machine.travel(NOW + datetime.timedelta(hours=24, minutes=1), tick=False):
        assert purge_expired() == 1
        later = client.post("/api/v1/dossiers/", receipt_body(world), format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert later.status_code == 201 and not later.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2


@pytest.mark.django_db
def test_a_retried_action_is_done_once(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    client = client_for(world["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/request_payment/"
    body = {"version": dossier.version, "amount": 50000}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert dossier.events.filter(kind="request_payment").count() == 1


@pytest.mark.django_db
def test_the_schema_documents_the_header_on_creating_calls(client):
    schema = client.get("/api/schema/?format=json").json()
    for path, method in [("/api/v1/dossiers/", "post"), ("/api/v1/dossiers/{code}/actions/{action}/", "post"),
                         ("/api/v1/dossiers/{code}/documents/{document_id}/digitise/", "post"),
                         ("/api/v1/feedback/", "post")]:
        operation = schema["paths"][path][method]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in headers][:1] == ["Idempotency-Key"], path  # actions also take If-Match
        assert "422" in operation["responses"], path


@pytest.mark.django_db
def test_anonymous_feedback_sent_twice_is_one_feedback(client, world):
    from motcua.feedback.models import Feedback

    body = {"subject_kind": "rule", "content": "Đề nghị thêm chỗ để xe", "is_anonymous": True}
    first = client.post("/api/v1/feedback/", body, content_type="application/json", REMOTE_ADDR="192.0.2.7",
                        HTTP_IDEMPOTENCY_KEY="fb-1")
    again = client.post("/api/v1/feedback/", body, content_type="application/json", REMOTE_ADDR="192.0.2.7",
                        HTTP_IDEMPOTENCY_KEY="fb-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Feedback.objects.count() == 1
    # Another address is another caller: the key is not shared (nor the answer it holds).
    elsewhere = client.post("/api/v1/feedback/", body, content_type="application/json", REMOTE_ADDR="192.0.2.8",
                            HTTP_IDEMPOTENCY_KEY="fb-1")
    assert elsewhere.status_code == 201 and elsewhere.json()["code"] != first.json()["code"]
    assert Feedback.objects.count() == 2


# --- the counter intake page -------------------------------------------------------------------


def intake_form(world, token) -> dict:
    data = {"procedure": world["version"].procedure.code, "case": "", "applicant_citizen_id": APPLICANT["id_number"],
            "applicant_name": APPLICANT["name"], "applicant_phone": APPLICANT["phone"], "applicant_email": "",
            "applicant_address": APPLICANT["address"], "owner_same": "on", "return_channel": "counter",
            "form_token": token}
    for doc in world["docs"]:
        data.update({f"doc_{doc.pk}": "on", f"doc_{doc.pk}_originals": "1", f"doc_{doc.pk}_certified": "0",
                     f"doc_{doc.pk}_copies": "0"})
    return data


@pytest.mark.django_db
def test_the_intake_form_sent_twice_gives_the_same_receipt(client, world):
    client.force_login(world["counter"])
    page = client.get(f"/mot-cua/tiep-nhan/?procedure={world['version'].procedure.code}").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    assert len(token) == 32
    first = client.post("/mot-cua/tiep-nhan/", intake_form(world, token))
    assert first.status_code == 302, first.content.decode()[:3000]
    again = client.post("/mot-cua/tiep-nhan/", intake_form(world, token))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    # The same token with other data: the form says which dossier it made, and offers a new token.
    changed = client.post("/mot-cua/tiep-nhan/", {**intake_form(world, token), "applicant_phone": "0912000111"})
    code = Dossier.objects.get().code
    assert changed.status_code == 400 and code in changed.content.decode()
    fresh = changed.content.decode().split('name="form_token" value="')[1].split('"')[0]
    assert fresh != token
    assert client.post("/mot-cua/tiep-nhan/", {**intake_form(world, fresh),
                                               "applicant_phone": "0912000111"}).status_code == 302
    assert Dossier.objects.count() == 2


# --- PostgreSQL: parallel duplicates -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and parallel writers (PostgreSQL)")
def test_parallel_duplicates_make_exactly_one_dossier(world):
    n, key = 6, str(uuid.uuid4())
    token = Token.objects.create(user=world["counter"]).key
    body = receipt_body(world)

    def send(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        return response.status_code, response.json()["code"]

    results, errors = run_in_threads(n, send)
    assert errors == [None] * n
    assert {status for status, _code in results} == {201}
    assert len({code for _status, code in results}) == 1
    assert Dossier.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and parallel writers (PostgreSQL)")
def test_parallel_intake_forms_make_exactly_one_dossier(world):
    from django.test import Client

    token = uuid.uuid4().hex

    def send(i):
        client = Client()
        client.force_login(world["counter"])
        return client.post("/mot-cua/tiep-nhan/", intake_form(world, token))["Location"]

    results, errors = run_in_threads(4, send)
    assert errors == [None] * 4 and len(set(results)) == 1
    assert Dossier.objects.count() == 1


# --- point 9: record_payment, listed as an API action, answered 500 ---------------------------


@pytest.mark.django_db
def test_record_payment_through_the_api_takes_a_counter_payment(receive, world):
    from motcua.payments.models import Payment

    dossier = receive(when=at(2026, 3, 2, 9))
    owed = dossier.fee_due
    assert owed > 0
    client = client_for(world["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/record_payment/"
    no_method = client.post(url + "?lang=en", {"version": dossier.version, "amount": owed, "receipt_number": "BL-1"}, format="json")
    assert no_method.status_code == 400 and no_method.json()["detail"] == "Choose cash, card or bank transfer."
    no_amount = client.post(url, {"version": dossier.version, "method": "cash", "receipt_number": "BL-1"}, format="json")
    assert no_amount.status_code == 400 and no_amount.json()["code"] == "invalid"
    paid = client.post(url, {"version": dossier.version, "amount": owed, "method": "cash", "receipt_number": "BL-1"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="pay-BL-1")
    assert paid.status_code == 200, paid.content
    assert paid.json()["fee_paid"] == owed and paid.json()["status"] == dossier.status
    again = client.post(url, {"version": dossier.version, "amount": owed, "method": "cash", "receipt_number": "BL-1"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="pay-BL-1")
    assert again.json() == paid.json()
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.amount, payment.method, payment.receipt_number) == (owed, "cash", "BL-1")
    nothing = client.post(url, {"version": paid.json()["version"], "amount": 1000, "method": "cash", "receipt_number": "BL-2"}, format="json")
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_owed"
    assert client_for(world["justice_counter"]).post(url, {"amount": 1000, "method": "cash", "receipt_number": "B"},
                                                     format="json").status_code == 404
