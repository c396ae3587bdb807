import pytest

from motcua.core.text import fold


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("  ĐĂNG   KÝ\tKẾT HÔN ", "dang ky ket hon"),
        ("Cấp đổi giấy phép lái xe", "cap doi giay phep lai xe"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_case_and_diacritics(text, expected):
    assert fold(text) == expected


@pytest.mark.django_db
def test_vietnamese_by_default_and_english_on_request(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    response = client.get("/?lang=en")
    assert response["Content-Language"] == "en"
    # The choice is remembered in a cookie.
    assert client.get("/")["Content-Language"] == "en"


@pytest.mark.django_db
def test_api_honours_accept_language(client):
    assert client.get("/api/v1/procedures/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    assert client.get("/api/v1/procedures/")["Content-Language"] == "vi"


@pytest.mark.django_db
def test_lang_parameter_does_not_reach_admin_filters(admin_client):
    response = admin_client.get("/admin/catalog/procedure/?lang=en")
    assert response.status_code == 200
    assert "e=1" not in response.get("Location", "")


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(35809, 0, "35.809"), (63.8255, 3, "63,826"), (0.008, 3, "0,008"), (1234567.5, 1, "1.234.567,5"), (0, 0, "0")],
)
def test_vietnamese_number_format(value, decimals, expected):
    from motcua.core.formatting import vn_number

    assert vn_number(value, decimals) == expected


def test_amount_in_dong():
    from motcua.core.formatting import vnd

    assert vnd(550000) == "550.000 đ" and vnd(None) == ""
