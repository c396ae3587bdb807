"""Issue 11: the dashboard's 06a table carries the form's headings (the same texts, in the same
order, as the Excel export's heading rows), figures in Vietnamese format, and each figure's
drill-down page is titled in words."""
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from motcua.backoffice.tests.scenario import PASSWORD

from .test_dashboard import PERIOD, setup  # noqa: F401 (the fixture)


def thead_texts(html: str) -> list[list[str]]:
    thead = html[html.index('<table id="table-06a"'):]
    thead = thead[:thead.index("</thead>")]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", thead, re.S)]


def excel_heading_texts(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[str(c.value) for c in row if c.value not in (None, "")]
            for row in sheet.iter_rows(min_row=5, max_row=8)]


@pytest.mark.parametrize("group_by", ["field", "agency"])
def test_the_dashboard_headings_equal_the_excel_headings(client, setup, group_by):  # noqa: F811
    client.login(username="vanphong.tinh", password=PASSWORD)
    page = client.get("/mot-cua/bao-cao/", {**PERIOD, "group_by": group_by}).content.decode()
    excel = client.get("/mot-cua/bao-cao/bieu-06a.xlsx", {**PERIOD, "group_by": group_by}).content
    assert thead_texts(page) == excel_heading_texts(excel)
    assert thead_texts(page)[0][:3] == ["STT", "Lĩnh vực" if group_by == "field" else "Cơ quan, đơn vị",
                                        "Số hồ sơ nhận giải quyết"]
    assert "carried_over" not in page.split('id="table-06a"')[1].split("</thead>")[0]


def test_figures_in_vietnamese_format_and_drill_down_titled_in_words(client, setup):  # noqa: F811
    client.login(username="vanphong.tinh", password=PASSWORD)
    page = client.get("/mot-cua/bao-cao/", PERIOD).content.decode()
    total = page[page.index('<tr class="total">'):]
    total = total[:total.index("</tr>")]
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", total)]
    # (1)=(2)+(3)+(4), (2), (3), (3a), (3b), (4): three received at the counter, none carried over.
    assert cells[:6] == ["3", "0", "3", "3", "0", "0"]
    assert 'class="figures figure-cards"' in page
    # The rates are written 58,44 (comma for decimals), never 58.44.
    figures = re.findall(r"<dd[^>]*>([^<]*)</dd>", page)
    assert figures and not any(re.search(r"\d\.\d{1,2}(\D|$)", value) for value in figures)  # 58,44 never 58.44
    links = re.findall(r'<td><a href="([^"]+)">', total)
    assert len(links) == 12  # every column but (3), a sum with no list of its own
    first = client.get(links[0].replace("&amp;", "&"))  # (1): the dossiers to resolve
    assert first.status_code == 200
    html = first.content.decode()
    assert "Tổng số hồ sơ nhận giải quyết (01/03/2024 – 31/03/2024)" in html
    early = client.get("/mot-cua/bao-cao/ho-so/", {**PERIOD, "column": "early"}).content.decode()
    assert "<h1>Hồ sơ giải quyết trước hạn (01/03/2024 – 31/03/2024)</h1>" in early
