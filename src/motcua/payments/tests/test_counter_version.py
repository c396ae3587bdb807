"""A counter payment carrying the dossier's version (the API's optimistic locking) compares it
with the dossier's row locked (issue 17: "record_payment version compared without row lock"):
an action committed between the API's read and the lock makes the payment stale, not doubled."""
import pytest
from django.db.models import F
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.payments import services
from motcua.payments.models import Payment


def test_a_stale_version_records_nothing_and_the_current_one_pays(waiting, world):
    shown = waiting.version
    with pytest.raises(services.PaymentError) as refused:
        services.record_counter_payment(world["counter"], waiting, 120_000, "cash", "BL-1", expected_version=shown - 1)
    assert refused.value.code == "stale"
    assert (Payment.objects.count(), Dossier.objects.get(pk=waiting.pk).fee_paid) == (0, 0)
    services.record_counter_payment(world["counter"], waiting, 120_000, "cash", "BL-1", expected_version=shown)
    assert (Payment.objects.count(), Dossier.objects.get(pk=waiting.pk).fee_paid) == (1, 120_000)


def test_an_action_between_the_apis_read_and_the_lock_makes_the_payment_stale(waiting, world, monkeypatch):
    shown = waiting.version
    read = selectors.visible_dossier

    def read_then_someone_acts(user, code):
        dossier = read(user, code)  # the API has read version `shown` ...
        Dossier.objects.filter(pk=dossier.pk).update(version=F("version") + 1)  # ... another action commits
        return dossier

    monkeypatch.setattr(selectors, "visible_dossier", read_then_someone_acts)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world['counter'])[0].key}")
    answer = client.post(f"/api/v1/dossiers/{waiting.code}/actions/record_payment/?lang=en",
                         {"version": shown, "amount": 120_000, "method": "cash", "receipt_number": "BL-1"},
                         format="json")
    assert (answer.status_code, answer.json()["code"]) == (409, "stale")
    assert answer.json()["detail"].startswith("Someone else has acted on dossier")
    assert (Payment.objects.count(), Dossier.objects.get(pk=waiting.pk).fee_paid) == (0, 0)
