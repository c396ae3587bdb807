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


def test_counter_officer_home_counts_equal_the_lists_they_open(client, day):
    world = day
    for citizen_id in ("038090054321", "038090054322", "038090054323"):
        receive(world, citizen_id=citizen_id)
    html = home(client, world.counter_officer)
    found = cards(html)
    assert set(found) == {"online", "supplements", "return", "fees", "received_today"}
    assert found["received_today"][0] == "3"  # the three received by this officer today
    for key, (figure, url) in found.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert len(dossier_codes(listed.content.decode())) == int(figure), (key, url)
    # Another counter officer received none of them.
    assert cards(home(client, world.outsider))["received_today"][0] == "0"


def test_specialist_home_counts_mine_unassigned_due_soon_and_overdue(client, day):
    world = day
    dossiers = [receive(world, citizen_id=f"03809005432{i}") for i in range(3)]
    with time_machine.travel(TUESDAY + datetime.timedelta(hours=1), tick=False):
        for dossier in dossiers:
            dossier.refresh_from_db()
        unassigned = [d for d in dossiers if d.current_officer_id is None and d.status in (Status.RECEIVED,
                                                                                              Status.PROCESSING)]
        if unassigned:
            services.take(world.specialist, unassigned[0])
        html = home(client, world.specialist)
        found = cards(html)
        assert list(found) == ["mine", "unassigned", "due_soon", "overdue"]
        for key, (figure, url) in found.items():
            listed = client.get(url)
            assert listed.status_code == 200, url
            assert len(dossier_codes(listed.content.decode())) == int(figure), (key, url)
        assert int(found["mine"][0]) + int(found["unassigned"][0]) >= 1


def test_overdue_and_due_soon_follow_the_frozen_clock(client, day):
    """A 3-working-day dossier received on Tuesday is due Friday: not due within two working days
    on Tuesday, due soon on Thursday, overdue the next Monday."""
    world = day
    dossier = receive(world)
    dossier.refresh_from_db()
    assert timezone.localdate(dossier.due_at) == datetime.date(2026, 3, 6)
    services.take(world.specialist, dossier) if dossier.current_officer_id is None else None

    def figures(moment):
        with time_machine.travel(moment, tick=False):
            sections = home_sections(world.specialist)
        return {item.key: item.value for item in sections[0].items}

    tuesday = figures(TUESDAY)
    thursday = figures(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=TZ))
    monday = figures(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=TZ))
    mine = tuesday["mine"]
    if mine:  # the specialist holds it
        assert (tuesday["due_soon"], tuesday["overdue"]) == (0, 0)
        assert (thursday["due_soon"], thursday["overdue"]) == (1, 0)
        assert (monday["due_soon"], monday["overdue"]) == (0, 1)


def test_a_person_with_several_roles_sees_a_section_per_role(client, day):
    world = day
    RoleAssignment.objects.create(user=world.specialist, role=Role.LEADER, agency=world.agency)
    html = home(client, world.specialist)
    assert 'id="home-specialist"' in html and 'id="home-leader"' in html
    assert html.index('id="home-specialist"') < html.index('id="home-leader"')
    assert 'id="home-counter_officer"' not in html


def test_leader_sees_the_on_time_rate_in_vietnamese_format(client, day):
    html = home(client, day.leader)
    found = cards(html)
    assert list(found) == ["to_approve", "unit_overdue", "on_time_rate"]
    assert found["on_time_rate"][0] == "-"  # nothing resolved this month yet
    assert client.get(found["on_time_rate"][1]).status_code == 200


@pytest.mark.parametrize("who", ["counter_officer", "specialist", "leader"])
def test_the_home_reads_its_counts_in_few_queries(day, who, django_assert_max_num_queries):
    world = day
    for i in range(5):
        receive(world, citizen_id=f"03809005430{i}")
    user = get_user_model().objects.get(pk=getattr(world, who).pk)  # a fresh request's user
    with django_assert_max_num_queries(12):
        sections = home_sections(user)
    assert sections and sections[0].items


def test_manager_and_province_admin_sections(client, day):
    world = day
    User = get_user_model()
    manager = User.objects.create_user(username="quanly.test", password="x", is_staff=True)
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=world.service_point)
    admin = User.objects.create_user(username="quantri.test", password="x", is_staff=True)
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCE_ADMIN)
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
