"""Issue 11, part A: the officer's home page per role. Each card's figure equals the length of the
list it opens; the counts are read in a few queries; a person with several roles sees a section
per role; the navigation offers only what the person's roles open (every link answers 200)."""
import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.backoffice.home import home_sections
from motcua.dossiers import services
from motcua.dossiers.models import Status
from motcua.organization.models import Role, RoleAssignment

from .test_dossier_pages import receive

TZ = datetime.timezone(datetime.timedelta(hours=7))
# Tuesday 3 March 2026, 09:00: a working day; the tests never read today's date.
TUESDAY = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=TZ)


class Links(HTMLParser):
    """The hrefs of the navigation (<nav>) and of the page's main content, in order."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(href.replace("&amp;", "&"))


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.hrefs))


def cards(html: str) -> dict[str, tuple[str, str]]:
    """{key: (figure, url)} of the home page's cards."""
    found = re.findall(r'data-key="([a-z_]+)">\s*<a href="([^"]+)"><span class="figure">([^<]*)</span>', html)
    return {key: (figure, url.replace("&amp;", "&")) for key, url, figure in found}


def dossier_codes(html: str) -> set[str]:
    """The dossiers a list page shows (links to the dossier page)."""
    return set(re.findall(r'href="/mot-cua/ho-so/([^/"?]+)/"', html))


@pytest.fixture
def day(world):
    with time_machine.travel(TUESDAY, tick=False):
        yield world


def home(client, user):
    client.force_login(user)
    response = client.get("/mot-cua/")
    assert response.status_code == 200
    return response.content.decode()


def test_sign_in_lands_on_the_home_page(client, world):
    from .scenario import PASSWORD

    response = client.post("/mot-cua/dang-nhap/", {"username": "motcua.quay", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/mot-cua/"


@pytest.fixture
def busy(day):
    """Six dossiers received on Tuesday by the counter officer, spread over every waiting place: one
    handed to the specialist, one to the unit without an officer, one waiting for a supplement, one
    waiting for a fee, one resolved (a result to hand back), one still at the counter."""
    world = day
    made = {key: receive(world, citizen_id=f"03809005432{i}")
            for i, key in enumerate(["mine", "unassigned", "supplement", "fee", "resolved", "counter"])}
    services.hand_over(world.counter_officer, made["mine"], to_officer=world.specialist)
    services.hand_over(world.counter_officer, made["unassigned"])
    services.hand_over(world.counter_officer, made["supplement"], to_officer=world.specialist)
    services.request_supplement(world.specialist, made["supplement"], items=["Giấy chứng sinh"],
                                reason="Thiếu bản chính giấy chứng sinh")
    services.request_payment(world.counter_officer, made["fee"], amount=50000, note="Lệ phí")
    services.hand_over(world.counter_officer, made["resolved"], to_step=3, to_officer=world.leader)
    services.resolve(world.leader, made["resolved"], result_description="Giấy khai sinh")
    return world


def assert_cards_match_lists(client, found):
    for key, (figure, url) in found.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert len(dossier_codes(listed.content.decode())) == int(figure), (key, url)


def test_counter_officer_home_counts_equal_the_lists_they_open(client, busy):
    world = busy
    found = cards(home(client, world.counter_officer))
    assert {key: figure for key, (figure, _url) in found.items()} == {
        "online": "0", "supplements": "1", "return": "1", "fees": "1", "received_today": "6",
    }
    assert_cards_match_lists(client, found)
    # Another counter officer received none of them, and sees none of the first agency's dossiers.
    other = cards(home(client, world.outsider))
    assert {key: figure for key, (figure, _url) in other.items()} == {
        "online": "0", "supplements": "0", "return": "0", "fees": "0", "received_today": "0",
    }


def test_specialist_home_counts_equal_the_lists_they_open(client, busy):
    world = busy
    found = cards(home(client, world.specialist))
    assert {key: figure for key, (figure, _url) in found.items()} == {
        "mine": "2", "unassigned": "1", "due_soon": "0", "overdue": "0",
    }
    assert_cards_match_lists(client, found)


def test_due_soon_and_overdue_follow_the_frozen_clock(client, busy):
    """A 3-working-day dossier received on Tuesday is due on Friday: not due within two working
    days on Tuesday, due soon on Thursday, overdue the next Monday (the one waiting for a
    supplement has its clock stopped: never due soon nor overdue)."""
    world = busy

    def figures(moment):
        with time_machine.travel(moment, tick=False):
            found = cards(home(client, world.specialist))
            assert_cards_match_lists(client, found)
        return found["due_soon"][0], found["overdue"][0]

    assert figures(TUESDAY) == ("0", "0")
    assert figures(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=TZ)) == ("1", "0")
    assert figures(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=TZ)) == ("0", "1")


def test_leader_home(client, busy):
    world = busy
    found = cards(home(client, world.leader))
    assert list(found) == ["to_approve", "unit_overdue", "on_time_rate"]
    assert found["to_approve"][0] == "0" and found["unit_overdue"][0] == "0"
    assert found["on_time_rate"][0] == "100,00%"  # the one resolved this month, early
    assert_cards_match_lists(client, {k: v for k, v in found.items() if k != "on_time_rate"})
    assert client.get(found["on_time_rate"][1]).status_code == 200


def test_a_person_with_several_roles_sees_a_section_per_role(client, day):
    world = day
    RoleAssignment.objects.create(user=world.specialist, role=Role.LEADER, agency=world.agency)
    html = home(client, world.specialist)
    assert 'id="home-specialist"' in html and 'id="home-leader"' in html
    assert html.index('id="home-specialist"') < html.index('id="home-leader"')
    assert 'id="home-counter_officer"' not in html


def make_manager_and_admin(world):
    User = get_user_model()
    manager = User.objects.create_user(username="quanly.test", password="x", is_staff=True)
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=world.service_point)
    admin = User.objects.create_user(username="quantri.test", password="x", is_staff=True)
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCE_ADMIN)
    return manager, admin


# The queries of each role's home (a fresh request's user: the scope is read once): one grouped
# count per list family, never one query per dossier.
QUERY_BUDGET = {"counter_officer": 7, "specialist": 5, "leader": 6, "manager": 13, "admin": 6}


@pytest.mark.parametrize("who", list(QUERY_BUDGET))
def test_the_home_reads_its_counts_in_few_queries(busy, who, django_assert_max_num_queries):
    world = busy
    manager, admin = make_manager_and_admin(world)
    person = {"manager": manager, "admin": admin}.get(who) or getattr(world, who)
    for i in range(5):  # more dossiers do not mean more queries
        receive(world, citizen_id=f"03809005430{i}")
    user = get_user_model().objects.get(pk=person.pk)
    with django_assert_max_num_queries(QUERY_BUDGET[who]):
        sections = home_sections(user)
    assert len(sections) == 1 and sections[0].items


def test_manager_and_province_admin_sections(client, day):
    world = day
    manager, admin = make_manager_and_admin(world)
    receive(world)
    found = cards(home(client, manager))
    assert list(found) == ["received_month", "resolved_month", "on_time_rate", "overdue", "low_ratings",
                           "open_feedback", "payments_today"]
    assert found["received_month"][0] == "1"
    for key, (_figure, url) in found.items():
        assert client.get(url).status_code == 200, (key, url)
    found = cards(home(client, admin))
    assert list(found) == ["drafts", "decisions", "staff", "counters", "calendar_years"]
    assert found["staff"][0] == "4" and found["counters"][0] == "2"


def test_navigation_offers_only_what_each_role_opens(client, day):
    """Every link of the navigation and the home page answers 200 (or redirects to a 200 page),
    for each role; counter intake is offered to counter officers only."""
    world = day
    User = get_user_model()
    manager = User.objects.create_user(username="quanly.test", password="x", is_staff=True)
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=world.service_point)
    receive(world)
    for user in (world.counter_officer, world.specialist, world.leader, manager):
        html = home(client, user)
        assert ('id="nav-intake"' in html) == (user == world.counter_officer)
        assert ('id="nav-reports"' in html) == (user in (world.leader, manager))
        for href in links_of(html):
            if href.startswith("/admin/"):
                continue  # the admin is checked with the demo roles (their admin groups)
            response = client.get(href, follow=True)
            assert response.status_code == 200, (user.username, href)
