import datetime
from decimal import Decimal

import pytest

from motcua.catalog import services
from motcua.catalog.tests.conftest import birth_registration, decision, org  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org):  # noqa: F811
    birth_registration(org)
    services.create_procedure(
        "1.004227.000.00.00.H99", "1.004227", name="Đăng ký biến động quyền sử dụng đất", field="dat-dai",
        time_limit=Decimal("10"), levels=["xa"], competent_agencies=["000.00.20.H99"], publish=True,
        valid_from=datetime.date(2025, 7, 1),
    )
    for n in range(25):
        services.create_procedure(
            f"2.{n:06d}.000.00.00.H99", f"2.{n:06d}", name=f"Thủ tục thử số {n:02d}", field="dat-dai",
            time_limit=5, levels=["xa"], publish=True,
        )


def test_home_page(client, catalogue):
    html = client.get("/").content.decode()
    assert 'action="/thu-tuc/"' in html and 'name="q"' in html
    assert "Tra cứu thủ tục" in html
    # the base template is translated too
    assert ">Một cửa</a>" in html and ">Thủ tục hành chính</a>" in html and "Chuyển đến nội dung chính" in html
    assert '/thu-tuc/?field=ho-tich' in html


def test_list_search_without_diacritics(client, catalogue):
    html = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Đăng ký biến động" not in html
    assert "Tìm thấy 1 thủ tục" in html


def test_list_filters_and_pagination(client, catalogue):
    html = client.get("/thu-tuc/", {"field": "dat-dai"}).content.decode()
    assert "Tìm thấy 26 thủ tục" in html
    assert "Trang 1 / 2" in html
    assert "Thủ tục thử số 00" in html and "Thủ tục thử số 24" not in html
    page2 = client.get("/thu-tuc/", {"field": "dat-dai", "page": 2}).content.decode()
    assert "Thủ tục thử số 24" in page2 and "Đăng ký khai sinh" not in page2
    level = client.get("/thu-tuc/", {"level": "tinh"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in level
    online = client.get("/thu-tuc/", {"online_level": "full"}).content.decode()
    assert "Đăng ký khai sinh" in online and "Tìm thấy 1 thủ tục" in online


def test_list_unknown_filter_shows_error(client, catalogue):
    response = client.get("/thu-tuc/", {"field": "khong-co"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in html
    assert 'class="results"' not in html


def test_detail_page(client, catalogue):
    html = client.get("/thu-tuc/1.001193.000.00.00.H99/").content.decode()
    assert "<h1>Đăng ký khai sinh</h1>" in html
    assert "3 ngày làm việc" in html and "Hồ sơ nộp trực tuyến: 2 ngày làm việc" in html
    assert "Tờ khai đăng ký khai sinh" in html and "Mẫu TP/HT-01" in html
    assert "Lệ phí đăng ký khai sinh" in html and "8.000 đ" in html and "Hộ nghèo: -100%" in html
    assert "Trung tâm Phục vụ hành chính công tỉnh" in html and "Quầy Tư pháp" in html
    assert "Sáng thứ Bảy" in html
    assert "Toàn trình" in html
    assert "tại quầy, trực tuyến, qua bưu chính" in html
    assert "Thẩm định" in html and "Luật Hộ tịch 2014" in html


def test_detail_page_in_english(client, catalogue):
    html = client.get("/thu-tuc/1.001193.000.00.00.H99/?lang=en").content.decode()
    assert "3 working days" in html and "Documents to bring" in html and "Where to submit" in html


def test_detail_404(client, catalogue):
    assert client.get("/thu-tuc/9.999/").status_code == 404
