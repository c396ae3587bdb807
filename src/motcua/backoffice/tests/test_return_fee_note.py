"""The officer's dossier page beside "Return the result": while a fee is owed it says how much and
links to the counter payment page (the engine still refuses the return); nothing when paid."""
import re

import pytest
from django.utils import translation

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from motcua.payments import services as payments

from .test_dossier_pages import page_of, receive

pytestmark = pytest.mark.django_db


def return_form(html: str) -> str:
    match = re.search(r'<form[^>]*data-action="return_result".*?</form>', html, re.S)
    assert match, "no return action on the page"
    return match.group(0)


@pytest.fixture
def owing(world):
    """Resolved, 75.000 đ due and nothing paid (the fee set as an officer would at intake)."""
    dossier = receive(world)
    services.resolve(world.leader, dossier)
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=75000)
    dossier.refresh_from_db()
    return dossier


def test_the_return_action_says_what_is_owed_and_links_to_collect_it(client, world, owing):
    with translation.override("vi"):
        html = page_of(client, world.counter_officer, owing).content.decode()
    form = return_form(html)
    assert 'id="return-fee-owed"' in form and "Còn phải thu: 75.000 đ." in form
    assert "Kết quả chỉ được trả khi đã nộp đủ phí, lệ phí" in form
    assert f'id="return-collect-fee" href="/thanh-toan/quay/{owing.code}/"' in form
    assert "Thu phí, lệ phí (75.000 đ)" in form
    assert 'aria-describedby="return-fee-owed"' in form  # the button stays, and says why it would be refused

    # The engine's refusal stays: posting the form changes nothing and names the amount.
    response = client.post(f"/mot-cua/ho-so/{owing.code}/thao-tac/return_result/",
                           {"version": owing.version, "return_result-note": ""}, follow=True)
    owing.refresh_from_db()
    assert owing.status == Status.RESOLVED
    assert "75.000" in response.content.decode()


def test_english_on_request(client, world, owing):
    client.force_login(world.counter_officer)
    html = client.get(f"/mot-cua/ho-so/{owing.code}/?lang=en").content.decode()
    form = return_form(html)
    assert "Still owed: 75.000 đ." in form and "Collect the fee (75.000 đ)" in form


def test_no_note_once_the_fee_is_paid(client, world, owing):
    payments.record_counter_payment(world.counter_officer, owing, 75000, "cash", "BL-0001")
    html = page_of(client, world.counter_officer, owing).content.decode()
    form = return_form(html)
    assert 'id="return-fee-owed"' not in form and "return-collect-fee" not in html
