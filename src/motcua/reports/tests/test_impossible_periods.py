"""Issue 11: every report page, download and drill-down refuses an impossible period with 400, the
period form and its message (Vietnamese, English with ?lang=en), never the default period with
200; nothing is computed or stored. Dates are relative to today so the test holds on any day."""
import datetime

import pytest
from django.utils import timezone

from motcua.backoffice.tests.scenario import PASSWORD, make_officer
from motcua.organization.models import Role
from motcua.reports.models import ReportSnapshot

PATHS = ["/mot-cua/bao-cao/", "/mot-cua/bao-cao/bieu-06a.xlsx", "/mot-cua/bao-cao/bao-cao.docx",
         "/mot-cua/bao-cao/bao-cao.pdf", "/mot-cua/bao-cao/ho-so/"]


def periods():
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=400)
    tomorrow = today + datetime.timedelta(days=1)
    return {
        # name: (query, Vietnamese message, English message)
        "end before start": ({"from": "2024-03-31", "to": "2024-03-01"},
                             "Ngày kết thúc không được trước ngày bắt đầu", "The end date must not be before the start date"),
        "no such day": ({"from": "2024-02-30", "to": "2024-03-31"},
                        "Không có ngày này trong lịch: 2024-02-30", "There is no such day in the calendar: 2024-02-30"),
        "not a date": ({"from": "31/03/2024", "to": "2024-03-31"},
                       "Hãy ghi ngày theo dạng YYYY-MM-DD", "Write the date as YYYY-MM-DD"),
        "year 0001": ({"from": "0001-01-01", "to": "2024-03-31"},
                      "Hãy chọn ngày từ 01/01/2000 đến hôm nay", "Choose a day between 01/01/2000 and today"),
        "after today": ({"from": today.isoformat(), "to": tomorrow.isoformat()},
                        "Hãy chọn ngày từ 01/01/2000 đến hôm nay", "Choose a day between 01/01/2000 and today"),
        "longer than a year": ({"from": year_ago.isoformat(), "to": today.isoformat()},
                               "Chọn khoảng thời gian tối đa một năm", "Choose a period of at most one year"),
    }


@pytest.fixture
def manager(world):
    make_officer("vanphong.tinh", "Hà Thị Tỉnh", Role.PROVINCE_ADMIN, world["land"])


@pytest.mark.parametrize("name", list(periods()))
@pytest.mark.parametrize("path", PATHS)
def test_an_impossible_period_is_refused_with_the_form_and_its_message(client, manager, path, name):
    query, message_vi, message_en = periods()[name]
    client.login(username="vanphong.tinh", password=PASSWORD)
    extra = {"column": "resolved"} if path.endswith("/ho-so/") else {}
    response = client.get(path, {**query, **extra})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message_vi in page
    assert 'id="period-form"' in page and 'aria-invalid="true"' in page
    # The form keeps what was typed (to be corrected), and shows no figure of another period.
    assert f'value="{query["from"]}"' in page
    assert 'id="table-06a"' not in page and 'id="cell-dossiers"' not in page and 'id="fig-received"' not in page
    english = client.get(path, {**query, **extra, "lang": "en"})
    assert english.status_code == 400 and message_en in english.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_a_possible_period_still_shows_its_figures(client, manager):
    today = timezone.localdate()
    first = today - datetime.timedelta(days=365)  # exactly the longest period allowed (366 days)
    client.login(username="vanphong.tinh", password=PASSWORD)
    response = client.get("/mot-cua/bao-cao/", {"from": first.isoformat(), "to": today.isoformat()})
    assert response.status_code == 200 and 'id="table-06a"' in response.content.decode()
    cell = client.get("/mot-cua/bao-cao/ho-so/", {"from": first.isoformat(), "to": today.isoformat(),
                                                   "column": "resolved"})
    assert cell.status_code == 200 and 'id="cell-count">0<' in cell.content.decode()
    # No dates at all: the default period (1 January to today), as the navigation's link opens it.
    assert client.get("/mot-cua/bao-cao/").status_code == 200


def test_charts_write_their_figures_in_the_vietnamese_format():
    from motcua.reports.charts import bar_chart, hbar_chart

    bars = bar_chart([("01/2024", 1234), ("02/2024", 7)], "Hồ sơ tiếp nhận theo tháng")
    assert ">1.234</text>" in bars and "01/2024: 1.234" in bars and ">1234<" not in bars
    ranking = hbar_chart([("Sở Tư pháp", 58.44), ("Sở Xây dựng", 100.0)], "Tỷ lệ đúng hạn (%)")
    assert ">58,44</text>" in ranking and ">100</text>" in ranking and "58.44" not in ranking
    assert 'role="img" aria-label="Tỷ lệ đúng hạn (%)"' in ranking
