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


@pytest.mark.django_db
def test_the_api_framework_s_own_errors_speak_vietnamese_by_default(client):
    """Django REST framework's messages that its Vietnamese catalogue lacks are translated by the
    project's catalogue: not signed in, a bad token, a missing field, a wrong media type."""
    anonymous = client.get("/api/v1/dossiers/")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["detail"].startswith("Chưa cung cấp thông tin xác thực")
    english = client.get("/api/v1/dossiers/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION="Token abc").json()["detail"].startswith(
        "Mã truy cập API này không hợp lệ hoặc đã bị thu hồi")

    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.create_user("api-vi", password="x", is_staff=True)
    client.force_login(officer)
    missing = client.post("/api/v1/dossiers/", {}, content_type="application/json")
    assert missing.status_code == 400 and "Trường này là bắt buộc." in str(missing.json())
    wrong_type = client.post("/api/v1/dossiers/", "x", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert wrong_type.json()["detail"] == 'Kiểu dữ liệu "text/plain" của yêu cầu không được hỗ trợ.'
