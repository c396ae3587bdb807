"""Shared helpers of the accounts tests: synthetic people only."""
from motcua.accounts import services
from motcua.accounts.models import AccountKind

PASSWORD = "Ch1m-Lac-Vang-2024"


def sign_up_data(**overrides) -> dict:
    data = {
        "kind": AccountKind.PERSON,
        "full_name": "Nguyễn Văn An",
        "citizen_id": "038085001234",
        "birth_date": "1985-03-14",
        "phone": "0912 345 678",
        "email": "an.nguyen@example.test",
        "address": "Số 5, đường Lê Lợi, Phường Đông Thành",
        "business_name": "",
        "tax_code": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def make_account(phone="0912345678", email="an.nguyen@example.test", citizen_id="038085001234", **extra):
    import datetime

    data = {"kind": AccountKind.PERSON, "full_name": "Nguyễn Văn An", "citizen_id": citizen_id,
            "birth_date": datetime.date(1985, 3, 14), "phone": phone, "email": email, "address": ""}
    data.update(extra)
    return services.sign_up(data, PASSWORD)
