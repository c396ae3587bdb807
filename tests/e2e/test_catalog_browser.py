"""A citizen finds a procedure by typing without diacritics, then reads what to bring and pay."""
import pytest

from motcua.catalog import services
from motcua.catalog.tests.conftest import birth_registration, org  # noqa: F401 (fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_without_diacritics_and_open_procedure(page, live_server, org):  # noqa: F811
    birth_registration(org)
    services.create_procedure(
        "1.004227.000.00.00.H99", "1.004227", name="Đăng ký biến động quyền sử dụng đất", field="dat-dai",
        time_limit=10, levels=["tinh"], competent_agencies=["000.00.20.H99"], publish=True,
    )
    services.create_procedure(
        "1.000894.000.00.00.H99", "1.000894", name="Đăng ký kết hôn", field="ho-tich", time_limit=3,
        levels=["xa"], competent_agencies=["000.01.01.H99"], publish=True,
    )

    page.goto(f"{live_server.url}/thu-tuc/")
    assert page.locator("ul.results li").count() == 3
    search = page.get_by_label("Tìm kiếm")
    search.fill("dang ky khai sinh")
    search.press("Enter")  # keyboard submit
    page.wait_for_url("**/thu-tuc/?q=dang+ky+khai+sinh*")
    results = page.locator("ul.results li")
    assert results.count() == 1
    link = page.get_by_role("link", name="Đăng ký khai sinh")
    assert link.is_visible()
    link.click()

    page.wait_for_url("**/thu-tuc/1.001193.000.00.00.H99/")
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    documents = page.locator("#documents + table tbody tr")
    assert documents.count() == 3
    assert "Tờ khai đăng ký khai sinh" in documents.nth(0).inner_text()
    fees = page.locator("#fees + table")
    assert "Lệ phí đăng ký khai sinh" in fees.inner_text() and "8.000 đ" in fees.inner_text()
    assert "3 ngày làm việc" in page.locator("#time-limit").inner_text()
