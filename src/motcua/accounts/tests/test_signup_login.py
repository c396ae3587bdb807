"""Sign-up validation, sign-in by phone or e-mail, lockout, sign-out."""
import pytest
from django.contrib.auth import get_user_model

from motcua.accounts.models import AccountEvent, AccountKind, CitizenAccount, IdentitySource
from motcua.accounts.validators import normalise_phone

from .helpers import PASSWORD, make_account, sign_up_data

pytestmark = pytest.mark.django_db


def errors_of(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def test_sign_up_creates_a_citizen_account_and_signs_in(client):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data())
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    account = CitizenAccount.objects.get()
    assert account.phone == "0912345678"
    assert account.email == "an.nguyen@example.test"
    assert account.citizen_id == "038085001234" and account.birth_date.isoformat() == "1985-03-14"
    assert account.identity_source == IdentitySource.PASSWORD
    assert not account.user.is_staff and account.user.check_password(PASSWORD)
    assert account.events.get().action == AccountEvent.Action.SIGNED_UP
    assert client.session["_auth_user_id"] == str(account.user_id)


@pytest.mark.parametrize("citizen_id, message", [
    ("03808500123", "Số CCCD phải có đúng 12 chữ số."),
    ("03808500123x", "Số CCCD phải có đúng 12 chữ số."),
    ("999085001234", "Ba chữ số đầu của số CCCD phải là mã tỉnh (ví dụ 038)."),
    ("038985001234", "Số CCCD mã hóa năm sinh ở tương lai."),
])
def test_bad_citizen_id_is_refused(client, citizen_id, message):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(citizen_id=citizen_id, birth_date=""))
    assert response.status_code == 400
    assert errors_of(response, "citizen_id") == [message]
    assert CitizenAccount.objects.count() == 0 and get_user_model().objects.count() == 0


def test_citizen_id_must_match_the_birth_year(client):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(birth_date="1986-03-14"))
    assert response.status_code == 400
    assert "1985" in errors_of(response, "birth_date")[0]


NEUTRAL = "Không thể dùng số điện thoại, địa chỉ thư điện tử hoặc số định danh cá nhân này cho tài khoản này."


def test_duplicate_phone_and_email_are_refused_with_one_neutral_message(client):
    make_account(phone="0912345678", email="an.nguyen@example.test", citizen_id="001090000001")
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(phone="+84 912 345 678", email="AN.Nguyen@Example.TEST"))
    assert response.status_code == 400
    assert errors_of(response, "phone") == [] and errors_of(response, "email") == []
    assert [error.startswith(NEUTRAL) for error in errors_of(response, "__all__")] == [True]
    assert CitizenAccount.objects.count() == 1


def test_duplicate_citizen_id_is_refused_for_persons(client):
    # Only a verified holder blocks the ID (an unverified claim does not: tests/security/test_identity.py).
    holder = make_account(phone="0987654321", email="", citizen_id="038085001234")
    CitizenAccount.objects.filter(pk=holder.pk).update(identity_source=IdentitySource.COUNTER)
    response = client.post("/tai-khoan/dang-ky/", sign_up_data())
    assert errors_of(response, "citizen_id") == []
    assert [error.startswith(NEUTRAL) for error in errors_of(response, "__all__")] == [True]


def test_weak_passwords_are_refused_in_vietnamese(client):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(password1="12345678", password2="12345678"))
    assert response.status_code == 400
    errors = errors_of(response, "password1")
    assert "Mật khẩu này quá phổ biến." in errors
    assert "Mật khẩu này hoàn toàn là số." in errors
    short = client.post("/tai-khoan/dang-ky/", sign_up_data(password1="Ab1!", password2="Ab1!"))
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in errors_of(short, "password1")
    similar = client.post("/tai-khoan/dang-ky/", sign_up_data(password1="an.nguyen@example", password2="an.nguyen@example"))
    assert any(error.startswith("Mật khẩu quá giống với") for error in errors_of(similar, "password1"))
    differ = client.post("/tai-khoan/dang-ky/", sign_up_data(password2=PASSWORD + "x"))
    assert errors_of(differ, "password2") == ["Hai mật khẩu không khớp nhau."]
    assert CitizenAccount.objects.count() == 0


def test_phone_or_email_is_needed(client):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(phone="", email=""))
    assert response.status_code == 400
    assert "Nhập số điện thoại hoặc thư điện tử" in str(response.context["form"].non_field_errors())


def test_bad_phone_is_refused(client):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(phone="0212345678"))
    assert errors_of(response, "phone") == [
        "Nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."]


def test_english_on_request(client):
    response = client.post("/tai-khoan/dang-ky/?lang=en", sign_up_data(citizen_id="12", password2="other"))
    page = response.content.decode()
    assert "A citizen ID has exactly 12 digits." in page and "The two passwords differ." in page
    assert "Số CCCD" not in page


def test_business_sign_up_needs_name_and_tax_code(client):
    data = sign_up_data(kind=AccountKind.BUSINESS, business_name="", tax_code="")
    response = client.post("/tai-khoan/dang-ky/", data)
    assert errors_of(response, "business_name") == ["Tài khoản doanh nghiệp cần có tên doanh nghiệp."]
    assert errors_of(response, "tax_code") == ["Tài khoản doanh nghiệp cần có mã số thuế."]
    bad = client.post("/tai-khoan/dang-ky/", dict(data, business_name="Công ty TNHH Ánh Dương", tax_code="12345"))
    assert errors_of(bad, "tax_code") == ["Mã số thuế gồm 10 chữ số, hoặc 13 chữ số đối với chi nhánh."] or \
        errors_of(bad, "tax_code") == ["A tax code has 10 digits, or 13 digits for a branch."]
    ok = client.post("/tai-khoan/dang-ky/", dict(data, business_name="Công ty TNHH Ánh Dương", tax_code="0101234567001"))
    assert ok.status_code == 302
    account = CitizenAccount.objects.get()
    assert (account.kind, account.business_name, account.tax_code) == ("business", "Công ty TNHH Ánh Dương",
                                                                       "0101234567-001")


@pytest.mark.parametrize("raw, expected", [("0912 345 678", "0912345678"), ("+84912345678", "0912345678"),
                                           ("84-912-345-678", "0912345678"), ("0912.345.678", "0912345678")])
def test_phone_normalisation(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("identifier", ["0912345678", "+84 912 345 678", "AN.NGUYEN@example.test"])
def test_sign_in_by_phone_or_email(client, identifier):
    account = make_account()
    response = client.post("/tai-khoan/dang-nhap/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(account.user_id)
    profile = client.get("/tai-khoan/")
    assert profile.status_code == 200 and "Nguyễn Văn An" in profile.content.decode()


def test_wrong_password_is_refused(client):
    make_account()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": "wrong-one"})
    assert response.status_code == 400
    assert "Sai số điện thoại/thư điện tử hoặc mật khẩu." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_redirects_to_a_safe_next_only(client):
    make_account()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD,
                                                     "next": "https://evil.example/"})
    assert response["Location"] == "/tai-khoan/"
    client.logout()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD,
                                                     "next": "/thu-tuc/"})
    assert response["Location"] == "/thu-tuc/"


def test_officers_are_sent_to_their_own_page(client):
    get_user_model().objects.create_user("officer1", password=PASSWORD, is_staff=True)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "officer1", "password": PASSWORD})
    assert response.status_code == 400
    assert "Đây là tài khoản cán bộ" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_account()
    statuses = [client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": f"guess-{n}"}).status_code
                for n in range(3)]
    assert statuses == [400, 400, 429]
    # Locked out: even the right password is refused, with a clear Vietnamese message.
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 60 phút" in page
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    # Three failures, then the refused attempt while locked out.
    assert AccessAttempt.objects.get().failures_since_start == 4
    # Another person at the same address (a centre's shared connection) is not locked out.
    other = make_account(phone="0987111222", email="khac@example.vn", citizen_id="001090000005")
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0987111222", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(other.user.pk)


def test_sign_out(client):
    account = make_account()
    client.force_login(account.user, backend="motcua.accounts.backends.PhoneOrEmailBackend")
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/dang-nhap/"
    assert client.get("/tai-khoan/")["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_header_links(client):
    assert 'href="/tai-khoan/dang-nhap/"' in client.get("/").content.decode()
    client.force_login(make_account().user, backend="motcua.accounts.backends.PhoneOrEmailBackend")
    assert 'href="/tai-khoan/"' in client.get("/").content.decode()
