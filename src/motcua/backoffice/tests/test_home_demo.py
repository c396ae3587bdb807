"""Issue 11, part A: sign in as each role of the demo province; every link of the navigation and
of the home page answers 200 (or redirects to a 200 page): no 404, no 403."""
import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from motcua.demo import province as demo

from .test_home import cards, dossier_codes, links_of

TZ = datetime.timezone(datetime.timedelta(hours=7))
# A fixed working day (Wednesday): the demo is built around the frozen date, never today.
FROZEN = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TZ)
ROLES = ["motcua.tuphap", "chuyenvien.tuphap", "lanhdao.tuphap", "quanly.trungtam", "quanly.bendo", "quantri.tinh"]
SECTIONS = {
    "motcua.tuphap": ["counter_officer"], "chuyenvien.tuphap": ["specialist"], "lanhdao.tuphap": ["leader"],
    "quanly.trungtam": ["centre_manager"], "quanly.bendo": ["centre_manager"], "quantri.tinh": ["province_admin"],
}


@pytest.mark.django_db
def test_every_link_each_demo_role_sees_answers_200(client):
    """One demo load (inside the test's transaction, rolled back after), then each role in turn."""
    with time_machine.travel(FROZEN, tick=False):
        call_command("load_demo", "--demo", stdout=io.StringIO())
        for username in ROLES:
            client.logout()
            check_role(client, username)


def check_role(client, username):
    assert client.login(username=username, password=demo.DEMO_PASSWORD)
    response = client.get("/mot-cua/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS[username]:
        assert f'id="home-{section}"' in html
    found = cards(html)
    assert found
    for key, (figure, url) in found.items():  # the lists of dossiers show as many as the card says
        if url.startswith(("/mot-cua/ho-so/", "/mot-cua/so-theo-doi-html/")) and figure.isdigit() \
                and int(figure) <= 25:  # one page
            assert len(dossier_codes(client.get(url).content.decode())) == int(figure), (username, key)
    for href in links_of(html):
        answer = client.get(href, follow=True)
        assert answer.status_code == 200, (username, href, answer.status_code)
