"""The queue section (issue 12): figures on the dashboard, an optional annex of the periodic report."""
import datetime
import io

import pytest
from docx import Document
from pypdf import PdfReader

from motcua.backoffice.tests.scenario import PASSWORD, build_world, make_officer
from motcua.feedback.models import TicketRating
from motcua.organization.models import Counter, Role
from motcua.queueing.models import Queue, Ticket, TicketStatus
from motcua.reports.periodic import to_docx, to_pdf
from motcua.reports.queue_section import add_queue_section, queue_figures

from .conftest import at

PERIOD = {"from": "2024-03-01", "to": "2024-03-31"}
DAY = datetime.date(2024, 3, 4)


def ticket(queue, number, issued, called=None, started=None, ended=None, status=TicketStatus.DONE, officer=None):
    counter = Counter.objects.get(service_point=queue.service_point, number=1) if called else None
    return Ticket.objects.create(
        queue=queue, service_date=DAY, number=number, status=status, issued_at=issued, queued_at=issued,
        called_at=called, started_at=started, ended_at=ended, counter=counter, served_by=officer if called else None,
    )


@pytest.fixture
def queued(db):
    """Five tickets on Monday 4 March 2024: waits 10, 40, 10, 15 minutes (one no-show, one never
    called), services 10 and 6 minutes; two tablet ratings of officer Nguyễn Thị Quầy."""
    world = build_world()
    officer = world.counter_officer
    line = Queue.objects.create(service_point=world.service_point, letter="A", name="Tư pháp")
    line.agencies.set([world.agency])
    t = lambda hh, mm: at(2024, 3, 4, hh, mm)  # noqa: E731
    first = ticket(line, 1, t(8, 0), t(8, 10), t(8, 11), t(8, 21), officer=officer)
    second = ticket(line, 2, t(8, 5), t(8, 45), t(8, 45), t(8, 51), officer=officer)
    ticket(line, 3, t(8, 10), t(8, 20), status=TicketStatus.TRANSFERRED, officer=officer)
    ticket(line, 4, t(8, 15), t(8, 30), status=TicketStatus.NO_SHOW, officer=officer)
    ticket(line, 5, t(8, 20), status=TicketStatus.CLOSED)
    for served, level in ((first, "very_satisfied"), (second, "dissatisfied")):
        TicketRating.objects.create(ticket=served, officer=officer, counter=served.counter, level=level,
                                    created_at=served.ended_at)
    admin = make_officer("vanphong.tinh", "Hà Thị Tỉnh", Role.PROVINCE_ADMIN, world.agency)
    manager = make_officer("giamdoc.so", "Đinh Văn Quản", Role.CENTRE_MANAGER, world.other_agency)
    return world, admin, manager


def test_figures_total_per_queue_and_per_officer(queued):
    figures = queue_figures(datetime.date(2024, 3, 1), datetime.date(2024, 3, 31))
    assert figures["total"] == {
        "tickets": 5, "called": 4, "wait_median": 12.5, "wait_p90": 32.5, "service_median": 8.0,
        "service_p90": 9.6, "long_wait_share": 25.0, "no_shows": 1,
    }
    assert [row["tickets"] for row in figures["by_queue"]] == [5]
    (officer,) = figures["by_officer"]
    assert (officer["label"], officer["called"], officer["ratings"], officer["satisfaction"]) == (
        "Nguyễn Thị Quầy", 4, 2, 50.0)
    # Another month: nothing.
    assert queue_figures(datetime.date(2024, 4, 1), datetime.date(2024, 4, 30))["total"]["tickets"] == 0


def test_the_report_annex_in_word_and_pdf(queued):
    content = {"title": "BÁO CÁO", "period": "", "blocks": [("title", "BÁO CÁO")]}
    add_queue_section(content, datetime.date(2024, 3, 1), datetime.date(2024, 3, 31))
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(content))).paragraphs)
    assert "PHỤ LỤC: TÌNH HÌNH XẾP HÀNG" in text
    assert "trung vị 12,5 phút, 90% người dân chờ không quá 32,5 phút; tỷ lệ chờ quá 30 phút: 25,0%" in text
    document = Document(io.BytesIO(to_docx(content)))
    cells = [cell.text for cell in document.tables[0].rows[-1].cells]
    assert cells == ["Tổng cộng", "5", "12,5", "32,5", "8,0", "25,0%", "1"]
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(content))).pages)
    words = " ".join(pdf.split())  # justified lines come out with wider spaces (by the font installed)
    assert "XẾP HÀNG" in words and "12,5" in words


def test_dashboard_section_and_optional_download(client, queued):
    client.login(username="vanphong.tinh", password=PASSWORD)
    page = client.get("/mot-cua/bao-cao/", PERIOD).content.decode()
    assert 'id="queue-tickets">5 / 4<' in page and 'id="queue-wait">12,5 / 32,5<' in page
    assert 'id="queue-long">25,0%<' in page and "Nguyễn Thị Quầy" in page
    plain = client.get("/mot-cua/bao-cao/bao-cao.docx", PERIOD)
    with_queue = client.get("/mot-cua/bao-cao/bao-cao.docx", {**PERIOD, "xep_hang": "1"})
    assert with_queue.status_code == 200
    text = lambda response: "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)  # noqa
    assert "XẾP HÀNG" not in text(plain) and "XẾP HÀNG" in text(with_queue)
    # The manager of the other agency: its counter 2 sits at the same centre, whose queue figures
    # are in their scope (the figures are per service point, not per agency).
    client.login(username="giamdoc.so", password=PASSWORD)
    assert 'id="queue-tickets">5 / 4<' in client.get("/mot-cua/bao-cao/", PERIOD).content.decode()
