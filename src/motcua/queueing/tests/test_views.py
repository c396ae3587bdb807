"""The pages: kiosk, ticket status (signed link, QR), board and its JSON with ETag, the counter
panel, the statistics page, the scoped admin. The clock is moved to a known working day."""
import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from motcua.organization.models import Role, RoleAssignment, ServicePoint
from motcua.queueing import services
from motcua.queueing.links import TICKET_LINK
from motcua.queueing.models import Queue, Ticket, TicketStatus

from .conftest import at

NINE = at(2026, 3, 2, 9, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


def kiosk_url(centre):
    return f"/xep-hang/{centre['point'].code}/kiosk/"


def test_the_kiosk_issues_a_ticket_and_shows_it_with_its_qr_code_and_place(client, centre, clock):
    page = client.get(kiosk_url(centre))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lấy số thứ tự" in html and "Tư pháp - Hộ tịch" in html and "Người cao tuổi" in html
    services.issue_ticket(centre["A"], now=NINE)
    answer = client.post(kiosk_url(centre), {"queue": centre["A"].pk, "priority_group": ""})
    assert answer.status_code == 302 and answer["Location"].startswith("/xep-hang/ve/")
    ticket = Ticket.objects.get(number=2)
    ticket_page = client.get(answer["Location"])
    html = ticket_page.content.decode()
    assert ticket_page.status_code == 200
    assert "A-002" in html and "<svg" in html and 'id="ticket-ahead">1<' in html
    # one person ahead x the default 10 minutes (nobody served yet today) / 2 counters seated for A
    assert "khoảng 5 phút" in html
    assert "<script>" not in html and "queueing/ticket.js" in html
    english = client.get(answer["Location"].split("?")[0] + "?lang=en").content.decode()
    assert "People ahead of you" in english and "about 5 minutes" in english
    assert ticket.priority_group is None


def test_kiosk_refusals_are_4xx_with_a_clear_message(client, centre, clock):
    assert client.post(kiosk_url(centre), {"queue": "x"}).status_code == 400
    other = ServicePoint.objects.create(code="xa-khac", name="Xã khác", kind=ServicePoint.Kind.COMMUNE_UNIT)
    foreign = Queue.objects.create(service_point=other, letter="A", name="Hộ tịch")
    refused = client.post(kiosk_url(centre), {"queue": foreign.pk})
    assert refused.status_code == 400 and "Vui lòng chọn hàng chờ" in refused.content.decode()
    clock.move_to(at(2026, 3, 2, 12, 0))
    closed = client.post(kiosk_url(centre) + "?lang=en", {"queue": centre["A"].pk})
    assert closed.status_code == 409
    assert "It opens again at 13:30 on 02/03/2026" in closed.content.decode()
    assert not Ticket.objects.exists()
    assert client.get("/xep-hang/khong-co/kiosk/").status_code == 404


def test_a_tampered_ticket_link_is_404(client, centre, clock):
    ticket = services.issue_ticket(centre["A"], now=NINE)
    token = TICKET_LINK.token_for(str(ticket.pk))
    assert client.get(f"/xep-hang/ve/{token}/").status_code == 200
    assert client.get(f"/xep-hang/ve/{token[:-2]}xx/").status_code == 404
    assert client.get(f"/xep-hang/ve/{ticket.pk}/").status_code == 404


def test_the_board_json_answers_304_until_a_call_changes_it(client, centre, clock):
    url = f"/xep-hang/{centre['point'].code}/bang.json"
    services.issue_ticket(centre["A"], now=NINE)
    first = client.get(url)
    assert first.status_code == 200 and first.json()["calls"] == []
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.call_next(centre["officer1"], centre["counters"][1], now=NINE)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    data = changed.json()
    assert data["calls"][0]["ticket"] == "A-001" and data["calls"][0]["counter"] == 1
    assert {"counter": 1, "name": "Quầy 1", "ticket": "A-001", "status": "called"} in data["counters"]
    board = client.get(f"/xep-hang/{centre['point'].code}/bang/").content.decode()
    assert "A-001" in board and "queueing/board.js" in board and "<script>" not in board
    assert "Mời số {ticket} đến quầy số {counter}." in board


def test_the_counter_panel_calls_starts_and_ends(client, centre, clock):
    client.force_login(centre["officer1"])
    services.issue_ticket(centre["A"], now=NINE)
    page = client.get("/mot-cua/xep-hang/")
    assert page.status_code == 200 and 'id="nav-queue"' in page.content.decode()
    assert "Gọi số tiếp theo" in page.content.decode()
    counter = centre["counters"][1].pk
    assert client.post(f"/mot-cua/xep-hang/quay/{counter}/call/").status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CALLED
    stale = client.post(f"/mot-cua/xep-hang/quay/{counter}/start/", {"ticket": ticket.pk + 1})
    assert stale.status_code == 409 and Ticket.objects.get().status == TicketStatus.CALLED
    assert client.post(f"/mot-cua/xep-hang/quay/{counter}/start/", {"ticket": ticket.pk}).status_code == 302
    assert client.post(f"/mot-cua/xep-hang/quay/{counter}/end/", {"ticket": ticket.pk}).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.DONE
    empty = client.post(f"/mot-cua/xep-hang/quay/{counter}/call/")
    assert empty.status_code == 409 and "Không có ai đang chờ quầy này." in empty.content.decode()
    # another officer's counter is not there for this officer
    assert client.post(f"/mot-cua/xep-hang/quay/{centre['counters'][3].pk}/call/").status_code == 404
    assert client.post(f"/mot-cua/xep-hang/quay/{counter}/dance/").status_code == 400


def test_the_panel_transfers_to_another_queue(client, centre, clock):
    client.force_login(centre["officer1"])
    services.issue_ticket(centre["A"], now=NINE)
    counter = centre["counters"][1].pk
    client.post(f"/mot-cua/xep-hang/quay/{counter}/call/")
    ticket = Ticket.objects.get()
    assert client.post(f"/mot-cua/xep-hang/quay/{counter}/transfer/", {"ticket": ticket.pk}).status_code == 400
    done = client.post(f"/mot-cua/xep-hang/quay/{counter}/transfer/", {"ticket": ticket.pk, "queue": centre["B"].pk},
                       follow=True)
    assert "B-001" in done.content.decode()
    assert Ticket.objects.get(queue=centre["B"]).transferred_from == ticket


def test_the_panel_needs_a_signed_in_officer(client, centre):
    assert client.get("/mot-cua/xep-hang/")["Location"].startswith("/mot-cua/dang-nhap/")


def test_statistics_for_a_manager_with_the_figures(client, centre, clock):
    # Three tickets: waits 10, 20 and 40 minutes; services 5, 15 minutes; one no-show.
    issued = [services.issue_ticket(centre["A"], now=NINE + datetime.timedelta(seconds=i)) for i in range(3)]
    officer, counter = centre["officer1"], centre["counters"][1]
    for ticket, wait, service in zip(issued, (10, 20, 40), (5, 15, None)):
        called_at = ticket.issued_at + datetime.timedelta(minutes=wait)
        called = services.call_next(officer, counter, now=called_at)
        assert called.pk == ticket.pk
        if service is None:
            services.mark_no_show(officer, called, now=called_at)
        else:
            services.start_service(officer, called, now=called_at)
            services.end_service(officer, called, now=called_at + datetime.timedelta(minutes=service))
    manager = get_user_model().objects.create_user("quanly", password="x")
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=centre["point"])
    client.force_login(manager)
    assert 'id="queue-statistics-link"' in client.get("/mot-cua/xep-hang/").content.decode()
    page = client.get("/mot-cua/xep-hang/thong-ke/?tu=2026-03-01&den=2026-03-31&lang=en")
    assert page.status_code == 200
    row = page.context["rows"][0]
    assert row["tickets"] == 3 and row["called"] == 3
    assert row["wait_median"] == 20.0 and row["wait_p90"] == 36.0
    assert row["service_median"] == 10.0 and row["long_wait_share"] == 33.3 and row["no_shows"] == 1
    by_officer = client.get("/mot-cua/xep-hang/thong-ke/?tu=2026-03-02&theo=officer").context["rows"]
    assert [r["label"] for r in by_officer] == ["quay1"] and by_officer[0]["tickets"] == 3
    assert client.get("/mot-cua/xep-hang/thong-ke/?tu=2026-03-03").context["rows"] == []
    assert client.get("/mot-cua/xep-hang/thong-ke/?tu=hom-qua").status_code == 400
    assert client.get("/mot-cua/xep-hang/thong-ke/?tu=2026-03-05&den=2026-03-01").status_code == 400
    client.force_login(officer)
    assert 'id="queue-statistics-link"' not in client.get("/mot-cua/xep-hang/").content.decode()
    assert client.get("/mot-cua/xep-hang/thong-ke/").status_code == 403


def test_a_manager_configures_only_the_queues_of_their_point_in_the_admin(client, centre):
    other = ServicePoint.objects.create(code="xa-khac", name="Xã khác", kind=ServicePoint.Kind.COMMUNE_UNIT)
    foreign = Queue.objects.create(service_point=other, letter="A", name="Hộ tịch xã khác")
    manager = get_user_model().objects.create_user("quanly", password="x", is_staff=True)
    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="queueing",
                                                           codename__endswith="_queue"))
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=centre["point"])
    client.force_login(manager)
    listing = client.get("/admin/queueing/queue/").content.decode()
    assert "Tư pháp - Hộ tịch" in listing and "Hộ tịch xã khác" not in listing
    assert client.get(f"/admin/queueing/queue/{foreign.pk}/change/").status_code in (302, 403, 404)
    moved = client.post("/admin/queueing/queue/add/", {
        "service_point": other.pk, "letter": "C", "name": "Lén", "order": 0, "is_active": "on"})
    assert moved.status_code == 200 and not Queue.objects.filter(letter="C").exists()  # not a choice
